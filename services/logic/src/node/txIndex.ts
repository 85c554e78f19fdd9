import { Bucket, PackedBatchWriter, type DatabaseController } from '../../../storage/src/index.js';
import { ByteReader } from '../../../protocol/src/codec/reader.js';
import { ByteWriter } from '../../../protocol/src/codec/writer.js';
import { decodeBody } from '../../../protocol/src/codec/block.js';
import { LedgerError, LedgerErrorCode } from '../ledger/errors.js';
import { TX_STATUS_NAMES, type Hash, type TxStatus, type TxSummary } from '../../../protocol/src/types.js';

const INDEXED_HEIGHT_KEY = new TextEncoder().encode('txIndexHeight');

export interface TxLocation {
  height: bigint;
  index: number;
  summary: TxSummary;
}

/** What a block contributes to the index. */
export interface IndexedBlock {
  height: bigint;
  ids: readonly Hash[];
  summaries: readonly TxSummary[];
}

/** The source of committed blocks, for catching up after a crash. */
export interface BlockSource {
  blockHashAt(height: bigint): Promise<Uint8Array | null>;
  body(hash: Hash): Promise<Uint8Array | null>;
}

/**
 * Where each committed transaction is, by id: the answer to "is my transaction in?". A secondary
 * index written right after its block, with the last indexed height beside it in the same batch;
 * a crash between the block and its index is repaired on open by re-indexing the blocks above
 * that height from their bodies. The block commit itself stays exactly what the ledger writes.
 */
export class TxIndex {
  private indexedHeight = -1n;

  private constructor(private readonly db: DatabaseController) {}

  /** Opens the index and re-indexes any committed block above the last indexed height. */
  static async open(db: DatabaseController, blocks: BlockSource, headHeight: bigint): Promise<TxIndex> {
    const index = new TxIndex(db);
    const raw = await db.get(Bucket.meta, INDEXED_HEIGHT_KEY);
    if (raw !== null) index.indexedHeight = new DataView(raw.buffer, raw.byteOffset).getBigInt64(0);
    for (let h = index.indexedHeight + 1n; h <= headHeight; h++) {
      const hash = await blocks.blockHashAt(h);
      const body = hash === null ? null : await blocks.body(hash);
      if (body === null) throw new LedgerError(LedgerErrorCode.corruptStore, `block ${h} is committed but its body is missing`, { fatal: true });
      const decoded = decodeBody(body);
      await index.add({ height: h, ids: decoded.ids, summaries: decoded.summaries });
    }
    return index;
  }

  get height(): bigint {
    return this.indexedHeight;
  }

  /** Indexes a committed block. Blocks must come in height order; one already indexed is skipped. */
  async add(block: IndexedBlock): Promise<void> {
    if (block.height <= this.indexedHeight) return;
    const w = new PackedBatchWriter(block.ids.length * 64 + 64);
    for (let i = 0; i < block.ids.length; i++) {
      w.put(Bucket.txLocation, block.ids[i] as Hash, encodeLocation(block.height, i, block.summaries[i] as TxSummary));
    }
    const h = new Uint8Array(8);
    new DataView(h.buffer).setBigInt64(0, block.height);
    w.put(Bucket.meta, INDEXED_HEIGHT_KEY, h);
    await this.db.batchPacked(w.finish());
    this.indexedHeight = block.height;
  }

  /** Which of `ids` are committed, in one read. */
  async committed(ids: readonly Hash[]): Promise<boolean[]> {
    if (ids.length === 0) return [];
    return (await this.db.getMany(Bucket.txLocation, ids)).map((raw) => raw !== null);
  }

  async get(id: Hash): Promise<TxLocation | null> {
    const raw = await this.db.get(Bucket.txLocation, id);
    return raw === null ? null : decodeLocation(raw);
  }
}

function encodeLocation(height: bigint, index: number, s: TxSummary): Uint8Array {
  const w = new ByteWriter(32);
  const fixed = new Uint8Array(13);
  const dv = new DataView(fixed.buffer);
  dv.setBigUint64(0, height);
  dv.setUint32(8, index);
  fixed[12] = s.status;
  return w.raw(fixed).varint(s.fee).finish();
}

function decodeLocation(raw: Uint8Array): TxLocation {
  const r = new ByteReader(raw);
  const fixed = r.fixed(13, 'location');
  const dv = new DataView(fixed.buffer, fixed.byteOffset, 13);
  const status = fixed[12] as TxStatus;
  if (!(status in TX_STATUS_NAMES)) throw new LedgerError(LedgerErrorCode.corruptStore, `tx index holds unknown status ${status}`, { fatal: true });
  const fee = r.varint(128, 'fee');
  r.end('location');
  return { height: dv.getBigUint64(0), index: dv.getUint32(8), summary: { status, fee } };
}
