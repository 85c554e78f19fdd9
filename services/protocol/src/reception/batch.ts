import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { sha256 } from '../hash.js';
import { ByteReader } from '../codec/reader.js';
import { ByteWriter } from '../codec/writer.js';
import { U64_MAX } from '../codec/varint.js';
import { MAX_TRANSACTION_BYTES } from '../codec/transaction.js';
import type { Hash } from '../types.js';
import { BATCH_VERSION, MAX_BATCH_BYTES, MAX_BATCH_TRANSACTIONS, MAX_ROSTER_MEMBERS } from './params.js';

/**
 * What RN_k seals every batch interval (WP 2.1 step 2). Transactions are carried as the bytes
 * clients sent, not re-encoded: a verdict is about those exact bytes, and an RN that lies may
 * have put bytes in that do not even decode.
 *
 * `sequence` counts RN_k's batches within the epoch and `createdAtMs` is its clock: together they
 * make every honest batch hash unique, so the same hash arriving twice is a replay.
 */
export interface Batch {
  epoch: bigint;
  /** RN_k: the leader's index in the roster of `epoch`. */
  leader: number;
  sequence: bigint;
  createdAtMs: bigint;
  transactions: readonly Uint8Array[];
}

export interface DecodedBatch extends Batch {
  /** SHA-256 of the encoding: the seed of the committee and what every verdict signs. */
  hash: Hash;
  encoded: Uint8Array;
}

function checkU64(value: bigint, field: string): void {
  if (value < 0n || value > U64_MAX) throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `${field} out of range: ${value}`);
}

/** version u8 | epoch u64 | leader u32 | sequence u64 | created_at_ms u64 | count | (len | tx bytes)* */
export function encodeBatch(batch: Batch): Uint8Array {
  checkU64(batch.epoch, 'epoch');
  checkU64(batch.sequence, 'sequence');
  checkU64(batch.createdAtMs, 'created_at_ms');
  if (!Number.isInteger(batch.leader) || batch.leader < 0 || batch.leader >= MAX_ROSTER_MEMBERS) {
    throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `leader out of range: ${batch.leader}`);
  }
  if (batch.transactions.length > MAX_BATCH_TRANSACTIONS) {
    throw new ProtocolError(ProtocolErrorCode.oversize, `batch holds ${batch.transactions.length} transactions, over ${MAX_BATCH_TRANSACTIONS}`);
  }
  let size = 40;
  for (const tx of batch.transactions) size += tx.length + 3;
  const w = new ByteWriter(size);
  w.u8(BATCH_VERSION).varint(batch.epoch).varint(batch.leader).varint(batch.sequence).varint(batch.createdAtMs);
  w.varint(batch.transactions.length);
  for (const tx of batch.transactions) w.bytes(tx, MAX_TRANSACTION_BYTES, 'transaction');
  if (w.length > MAX_BATCH_BYTES) {
    throw new ProtocolError(ProtocolErrorCode.oversize, `batch is ${w.length} bytes, over ${MAX_BATCH_BYTES}`);
  }
  return w.finish();
}

/** Decodes a batch; the transactions are views into `encoded`. */
export function decodeBatch(encoded: Uint8Array): DecodedBatch {
  if (encoded.length > MAX_BATCH_BYTES) {
    throw new ProtocolError(ProtocolErrorCode.oversize, `batch is ${encoded.length} bytes, over ${MAX_BATCH_BYTES}`);
  }
  const r = new ByteReader(encoded);
  r.version(BATCH_VERSION, 'batch');
  const epoch = r.varint(64, 'epoch');
  const leader = r.length(MAX_ROSTER_MEMBERS - 1, 'leader');
  const sequence = r.varint(64, 'sequence');
  const createdAtMs = r.varint(64, 'created_at_ms');
  const count = r.length(MAX_BATCH_TRANSACTIONS, 'transaction count');
  const transactions: Uint8Array[] = new Array(count);
  for (let i = 0; i < count; i++) transactions[i] = r.bytes(MAX_TRANSACTION_BYTES, 'transaction');
  r.end('batch');
  return { epoch, leader, sequence, createdAtMs, transactions, hash: sha256(encoded), encoded };
}
