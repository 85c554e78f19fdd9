import { Bucket, PackedBatchWriter, type DatabaseController } from '../../../storage/src/index.js';
import { decodeAccount } from '../../../protocol/src/codec/account.js';
import { decodeHeader } from '../../../protocol/src/codec/block.js';
import { bytesEqual, toHex } from '../../../protocol/src/bytes.js';
import { ADDRESS_LENGTH } from '../../../protocol/src/params.js';
import { WorldState, type AccountRows } from '../../../protocol/src/state/worldState.js';
import { ACCOUNT_VALUE_MAX_BYTES } from '../../../protocol/src/state/accountTable.js';
import type { Hash } from '../../../protocol/src/types.js';
import { LedgerError, LedgerErrorCode } from '../ledger/errors.js';
import type { ExecutedBlock, Head } from '../ledger/ledgerEngine.js';

const HEAD_KEY = new TextEncoder().encode('head');
/** Accounts per genesis batch: ~13 MB of batch each. */
const GENESIS_CHUNK = 100_000;

function heightKey(height: bigint): Uint8Array {
  const k = new Uint8Array(8);
  new DataView(k.buffer).setBigUint64(0, height);
  return k;
}

/**
 * A logic node's ledger on disk (DESIGN §5 "Persistence"). Each block lands in ONE synced write
 * batch — changed accounts, header, body, operation log, height index and the head pointer —
 * so after a crash the database holds exactly the blocks that were acknowledged, never half
 * of one. On open, the accounts are reloaded and must hash to the head's state_root.
 */
export class LedgerStore {
  /** @param genesisChunk accounts per batch when writing genesis (commitGenesis). */
  constructor(
    private readonly db: DatabaseController,
    private readonly genesisChunk = GENESIS_CHUNK,
  ) {}

  /**
   * Writes a block. Everything is encoded before the first await, so the caller may go on
   * executing the next block while this write is in flight (the encoded bytes are a snapshot).
   */
  commit(block: ExecutedBlock): Promise<void> {
    return this.db.batchPacked(this.packBlock(block, block.changed), { sync: true });
  }

  /**
   * Writes the genesis block into an empty database. A million funded accounts in one batch
   * would hold ~1 GB of batch, memtable and op objects at once, so the accounts go in chunks
   * and the block with the head pointer last: until that final synced batch lands there is no
   * head, so a crash part-way leaves a database that opens as empty, and the next start clears
   * the partial accounts and writes genesis again. (Only genesis may be chunked: a later block
   * must land whole, since its accounts would otherwise sit on disk under the previous head.)
   */
  async commitGenesis(block: ExecutedBlock): Promise<void> {
    if (block.header.height !== 0n) throw new LedgerError(LedgerErrorCode.invalidConfig, `genesis must be height 0, got ${block.header.height}`);
    if ((await this.head()) !== null) throw new LedgerError(LedgerErrorCode.invalidConfig, 'the database already has a chain; refusing to write genesis over it');
    await this.clearAccounts();
    const { table, rows } = block.changed;
    let at = 0;
    for (; rows.length - at > this.genesisChunk; at += this.genesisChunk) {
      await this.db.batchPacked(this.packAccounts(new PackedBatchWriter(), { table, rows: rows.subarray(at, at + this.genesisChunk) }).finish());
    }
    await this.db.batchPacked(this.packBlock(block, { table, rows: rows.subarray(at) }), { sync: true });
  }

  /** Removes the accounts a crashed genesis left behind (none on a fresh database). */
  private async clearAccounts(): Promise<void> {
    let w = new PackedBatchWriter();
    for await (const [key] of this.db.entries(Bucket.account)) {
      w.del(Bucket.account, key);
      if (w.count === this.genesisChunk) {
        await this.db.batchPacked(w.finish());
        w = new PackedBatchWriter();
      }
    }
    if (w.count > 0) await this.db.batchPacked(w.finish());
  }

  /** One block's batch: its changed accounts, header, body, operation log, height index and the head pointer. */
  private packBlock(block: ExecutedBlock, accounts: AccountRows): Uint8Array {
    const w = new PackedBatchWriter(accounts.rows.length * (8 + ADDRESS_LENGTH + 100) + block.bodyBytes.length + block.operationLog.length + 4096);
    this.packAccounts(w, accounts);
    const hk = heightKey(block.header.height);
    const head = new Uint8Array(40);
    head.set(hk, 0);
    head.set(block.hash, 8);
    w.put(Bucket.blockHeader, block.hash, block.headerBytes)
      .put(Bucket.blockBody, block.hash, block.bodyBytes)
      .put(Bucket.operationLog, hk, block.operationLog)
      .put(Bucket.blockHashByHeight, hk, block.hash)
      .put(Bucket.meta, HEAD_KEY, head);
    return w.finish();
  }

  /** Accounts written straight from their table into the batch buffer: no key, value or op object per account. */
  private packAccounts(w: PackedBatchWriter, { table, rows }: AccountRows): PackedBatchWriter {
    const addresses = table.addresses;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const at = w.beginPut(Bucket.account, ADDRESS_LENGTH, ACCOUNT_VALUE_MAX_BYTES);
      const buf = w.bytes;
      buf.set(addresses.subarray(row * ADDRESS_LENGTH, (row + 1) * ADDRESS_LENGTH), at);
      w.endPut(table.writeValue(row, buf, at + ADDRESS_LENGTH));
    }
    return w;
  }

  /** The committed head, or null for an empty database. */
  async head(): Promise<Head | null> {
    const raw = await this.db.get(Bucket.meta, HEAD_KEY);
    if (raw === null) return null;
    if (raw.length !== 40) throw new LedgerError(LedgerErrorCode.corruptStore, `head record is ${raw.length} bytes`, { fatal: true });
    const height = new DataView(raw.buffer, raw.byteOffset).getBigUint64(0);
    const hash = raw.slice(8);
    const header = await this.header(hash);
    if (header === null) throw new LedgerError(LedgerErrorCode.corruptStore, `head block ${toHex(hash)} has no header`, { fatal: true });
    return { height, hash, header: decodeHeader(header) };
  }

  header(hash: Hash): Promise<Uint8Array | null> {
    return this.db.get(Bucket.blockHeader, hash);
  }

  body(hash: Hash): Promise<Uint8Array | null> {
    return this.db.get(Bucket.blockBody, hash);
  }

  operationLog(height: bigint): Promise<Uint8Array | null> {
    return this.db.get(Bucket.operationLog, heightKey(height));
  }

  blockHashAt(height: bigint): Promise<Uint8Array | null> {
    return this.db.get(Bucket.blockHashByHeight, heightKey(height));
  }

  /** Reloads every account and checks that they hash to the head's state root. */
  async loadState(head: Head): Promise<WorldState> {
    const state = new WorldState();
    const table = state.table;
    for await (const [key, value] of this.db.entries(Bucket.account)) {
      if (key.length !== ADDRESS_LENGTH) throw new LedgerError(LedgerErrorCode.corruptStore, `account key of ${key.length} bytes`, { fatal: true });
      const decoded = decodeAccount(value);
      const bst = state.subtreeAt(key, 0);
      const row = bst.getOrCreate(key, 0);
      table.setNonce(row, decoded.nonce);
      table.setBalance(row, decoded.balance);
      table.setCodeHash(row, decoded.codeHash);
      table.setStorageRoot(row, decoded.storageRoot);
      bst.markDirty(row);
    }
    const root = state.root();
    state.clearDirty();
    if (!bytesEqual(root, head.header.stateRoot)) {
      throw new LedgerError(
        LedgerErrorCode.stateRootMismatch,
        `stored accounts hash to ${toHex(root)}, but block ${head.height} commits to ${toHex(head.header.stateRoot)}`,
        { fatal: true },
      );
    }
    return state;
  }
}
