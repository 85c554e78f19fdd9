import { Bucket, type BatchOp, type DatabaseController } from '../../../storage/src/index.js';
import { decodeAccount } from '../../../protocol/src/codec/account.js';
import { decodeHeader } from '../../../protocol/src/codec/block.js';
import { bytesEqual, bytesToKey, toHex } from '../../../protocol/src/bytes.js';
import { ADDRESS_LENGTH } from '../../../protocol/src/params.js';
import { WorldState } from '../../../protocol/src/state/worldState.js';
import type { Hash } from '../../../protocol/src/types.js';
import { LedgerError, LedgerErrorCode } from '../ledger/errors.js';
import type { ExecutedBlock, Head } from '../ledger/ledgerEngine.js';

const HEAD_KEY = new TextEncoder().encode('head');

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
  constructor(private readonly db: DatabaseController) {}

  /**
   * Writes a block. Everything is encoded before the first await, so the caller may go on
   * executing the next block while this write is in flight (the encoded bytes are a snapshot).
   */
  commit(block: ExecutedBlock): Promise<void> {
    const height = block.header.height;
    const changed = block.changed;
    // All account values in one buffer, all keys in another: one allocation each per block.
    const values = new Uint8Array(changed.length * (changed[0]?.maxValueBytes ?? 0));
    const keys = new Uint8Array(changed.length * ADDRESS_LENGTH);
    const ops: BatchOp[] = new Array(changed.length);
    let vo = 0;
    for (let i = 0; i < changed.length; i++) {
      const a = changed[i]!;
      const ko = i * ADDRESS_LENGTH;
      for (let j = 0; j < ADDRESS_LENGTH; j++) keys[ko + j] = a.key.charCodeAt(j);
      const end = a.writeValue(values, vo);
      ops[i] = { type: 'put', bucket: Bucket.account, key: keys.subarray(ko, ko + ADDRESS_LENGTH), value: values.subarray(vo, end) };
      vo = end;
    }
    const hk = heightKey(height);
    const head = new Uint8Array(40);
    head.set(hk, 0);
    head.set(block.hash, 8);
    ops.push(
      { type: 'put', bucket: Bucket.blockHeader, key: block.hash, value: block.headerBytes },
      { type: 'put', bucket: Bucket.blockBody, key: block.hash, value: block.bodyBytes },
      { type: 'put', bucket: Bucket.operationLog, key: hk, value: block.operationLog },
      { type: 'put', bucket: Bucket.blockHashByHeight, key: hk, value: block.hash },
      { type: 'put', bucket: Bucket.meta, key: HEAD_KEY, value: head },
    );
    return this.db.batch(ops, { sync: true });
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
    for await (const [key, value] of this.db.entries(Bucket.account)) {
      if (key.length !== ADDRESS_LENGTH) throw new LedgerError(LedgerErrorCode.corruptStore, `account key of ${key.length} bytes`, { fatal: true });
      const decoded = decodeAccount(value);
      const k = bytesToKey(key);
      const bst = state.subtreeOf(k);
      const a = bst.getOrCreate(k);
      a.nonce = decoded.nonce;
      a.balance = decoded.balance;
      a.codeHash = decoded.codeHash;
      a.storageRoot = decoded.storageRoot;
      bst.markDirty(a);
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
