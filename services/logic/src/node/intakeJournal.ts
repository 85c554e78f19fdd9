import { ByteReader } from '../../../protocol/src/codec/reader.js';
import { ByteWriter } from '../../../protocol/src/codec/writer.js';
import { decodeTransaction, encodeTransaction } from '../../../protocol/src/codec/transaction.js';
import { ProtocolError, ProtocolErrorCode } from '../../../protocol/src/errors.js';
import { ADDRESS_LENGTH } from '../../../protocol/src/params.js';
import { Bucket, type BatchOp, type DatabaseController } from '../../../storage/src/index.js';
import type { TrustedTransaction } from '../ledger/trustedTransaction.js';

/** One transaction per entry, keyed by its id: what nodes before the grouped entries wrote. */
const SINGLE_VERSION = 1;
/** One entry per intake (a package, a direct transaction), keyed by a sequence number. */
const GROUPED_VERSION = 2;
/** A committee has 7 members; a few more leaves room for configuration, not for abuse. */
const MAX_FEE_RECIPIENTS = 64;
const MAX_TRANSACTION_BYTES = 1 << 20;
/** Groups and transactions per entry: far above a package (4,096) and a recovery's pending pool. */
const MAX_GROUPS = 1 << 20;
const MAX_ENTRY_TRANSACTIONS = 1 << 22;
const SEQUENCE_KEY_BYTES = 8;

/**
 * version 2 | groups varint | per group: (r varint | r × 20-byte fee recipient | n varint |
 * n × (len varint | transaction bytes)). A group is a run of transactions with the same fee
 * recipients: a package's all share its committee's, so a package is one group.
 *
 * @param encoded transaction i as received, when the caller has it (decodeTransaction of it gave
 *   txs[i]): copied as is instead of encoded again.
 */
export function encodeIntakeEntry(txs: readonly TrustedTransaction[], encoded?: readonly Uint8Array[]): Uint8Array {
  const bodies = encoded ?? txs.map((t) => encodeTransaction(t.tx));
  const groups = groupsOf(txs);
  let size = 16;
  for (const b of bodies) size += b.length + 3;
  for (let g = 0, at = 0; g < groups.length; at += groups[g++] as number) size += 16 + ((txs[at] as TrustedTransaction).feeRecipients?.length ?? 0) * ADDRESS_LENGTH;
  const w = new ByteWriter(size).u8(GROUPED_VERSION).varint(groups.length);
  let at = 0;
  for (const count of groups) {
    const recipients = (txs[at] as TrustedTransaction).feeRecipients ?? [];
    w.varint(recipients.length);
    for (const r of recipients) w.fixed(Buffer.from(r, 'latin1'), ADDRESS_LENGTH, 'fee_recipient');
    w.varint(count);
    for (const end = at + count; at < end; at++) w.bytes(bodies[at] as Uint8Array, MAX_TRANSACTION_BYTES, 'transaction');
  }
  return w.finish();
}

/** Either version: a single-transaction entry of the older nodes decodes to a list of one. */
export function decodeIntakeEntry(bytes: Uint8Array): TrustedTransaction[] {
  const r = new ByteReader(bytes);
  const version = r.u8('intake entry version');
  const out: TrustedTransaction[] = [];
  if (version === SINGLE_VERSION) {
    // version 1 | r varint | r × 20-byte fee recipient | transaction (len | bytes)
    readTransactions(r, readRecipients(r), 1, out);
  } else if (version === GROUPED_VERSION) {
    const groups = r.length(MAX_GROUPS, 'groups');
    for (let g = 0; g < groups; g++) {
      const recipients = readRecipients(r);
      const count = r.length(MAX_ENTRY_TRANSACTIONS, 'transactions');
      // Each transaction takes at least a few bytes: refuse a count the input cannot hold before looping.
      if (count > r.remaining) throw new ProtocolError(ProtocolErrorCode.truncated, `intake group claims ${count} transactions in ${r.remaining} bytes`);
      readTransactions(r, recipients, count, out);
    }
  } else {
    throw new ProtocolError(ProtocolErrorCode.unknownVersion, `intake entry version ${version} is not known (expected ${SINGLE_VERSION} or ${GROUPED_VERSION})`, { meta: { version } });
  }
  r.end('intake entry');
  return out;
}

function readRecipients(r: ByteReader): string[] {
  const n = r.length(MAX_FEE_RECIPIENTS, 'fee_recipients');
  const recipients: string[] = [];
  for (let i = 0; i < n; i++) recipients.push(Buffer.from(r.fixed(ADDRESS_LENGTH, 'fee_recipient')).toString('latin1'));
  return recipients;
}

function readTransactions(r: ByteReader, feeRecipients: string[], count: number, out: TrustedTransaction[]): void {
  for (let i = 0; i < count; i++) {
    const { tx, id } = decodeTransaction(r.bytes(MAX_TRANSACTION_BYTES, 'transaction'));
    out.push(feeRecipients.length > 0 ? { tx, id, feeRecipients } : { tx, id });
  }
}

/** Lengths of the runs of transactions with equal fee recipients. */
function groupsOf(txs: readonly TrustedTransaction[]): number[] {
  const runs: number[] = [];
  let prev: readonly string[] | undefined;
  for (let i = 0; i < txs.length; i++) {
    const recipients = (txs[i] as TrustedTransaction).feeRecipients;
    if (i > 0 && sameRecipients(prev, recipients)) runs[runs.length - 1]! += 1;
    else runs.push(1);
    prev = recipients;
  }
  return runs;
}

function sameRecipients(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((r, i) => r === y[i]);
}

function sequenceKey(n: bigint): Uint8Array {
  const k = new Uint8Array(SEQUENCE_KEY_BYTES);
  new DataView(k.buffer).setBigUint64(0, n);
  return k;
}

/** An entry on disk and how many of its transactions are not settled yet. */
interface Entry {
  key: Uint8Array;
  unsettled: number;
}

export interface Replayed {
  transactions: TrustedTransaction[];
  /** Every key read, the undecodable ones included: `replace` removes them all. */
  keys: Uint8Array[];
}

/**
 * The transactions a logic node has taken and not yet settled, on disk (bucket `intake`). A
 * package is acknowledged to RN_k, and a direct transaction to its client, only once its
 * transactions are here, so a crashed logic node (SIGKILL, OOM, a lost machine) comes back with
 * its pending pool instead of silently losing what it promised to execute: nobody would resend
 * them, since RN_k was told they were taken.
 *
 * One entry per intake, not per transaction: a package of thousands is one key written with the
 * bytes as received, and one delete once its last transaction settles. Per-transaction keys
 * cost a put and a delete each, a re-encoding, and as many tombstones for RocksDB to compact.
 * Settlement is counted in memory by the transaction objects the pending pool holds, so
 * `forget` must be given the very objects `record` was.
 *
 * The delete is not part of the block's own write batch, so a crash in between can leave an
 * entry whose transactions already committed; the replay on open drops those (the index knows
 * them, or their nonce is used), which is why that is harmless.
 */
export class IntakeJournal {
  readonly #entryOf = new Map<TrustedTransaction, Entry>();
  #next = 0n;

  constructor(private readonly db: DatabaseController) {}

  /** Transactions recorded and not yet forgotten. */
  get size(): number {
    return this.#entryOf.size;
  }

  /**
   * Durable (fsynced) before it resolves: callers acknowledge after it. The transactions count
   * as recorded from the call on, so a block that settles them before the write lands still
   * forgets them (the delete queues behind the put).
   *
   * @param encoded transaction i as received (see encodeIntakeEntry), when the caller has it.
   */
  async record(txs: readonly TrustedTransaction[], encoded?: readonly Uint8Array[]): Promise<void> {
    if (txs.length === 0) return;
    const entry = this.#newEntry(txs);
    await this.db.put(Bucket.intake, entry.key, encodeIntakeEntry(txs, encoded), { sync: true });
  }

  /** Settled (committed or rejected). Not synced: an entry that survives a crash is dropped on replay anyway. */
  async forget(txs: readonly TrustedTransaction[]): Promise<void> {
    const done: Uint8Array[] = [];
    for (const t of txs) {
      const entry = this.#entryOf.get(t);
      if (entry === undefined) continue;
      this.#entryOf.delete(t);
      if (--entry.unsettled === 0) done.push(entry.key);
    }
    if (done.length === 0) return;
    await this.db.batch(
      done.map((key) => ({ type: 'del', bucket: Bucket.intake, key })),
      { sync: false },
    );
  }

  /**
   * Every recorded transaction, oldest entry first (entries of older nodes, keyed by id, come in
   * id order). An entry that no longer decodes is reported; `replace` removes it with the rest.
   */
  async replay(onCorrupt: (key: Uint8Array, err: unknown) => void): Promise<Replayed> {
    const transactions: TrustedTransaction[] = [];
    const keys: Uint8Array[] = [];
    for await (const [key, value] of this.db.entries(Bucket.intake)) {
      keys.push(key);
      if (key.length === SEQUENCE_KEY_BYTES) {
        const n = new DataView(key.buffer, key.byteOffset, key.byteLength).getBigUint64(0);
        if (n >= this.#next) this.#next = n + 1n;
      }
      try {
        for (const t of decodeIntakeEntry(value)) transactions.push(t);
      } catch (err) {
        onCorrupt(key, err);
      }
    }
    return { transactions, keys };
  }

  /**
   * After a replay: the entries read give way to one holding what went back into the pending
   * pool, in one synced batch, so a crash here leaves either the old entries or the new one.
   */
  async replace(oldKeys: readonly Uint8Array[], pending: readonly TrustedTransaction[]): Promise<void> {
    const ops: BatchOp[] = oldKeys.map((key) => ({ type: 'del', bucket: Bucket.intake, key }));
    if (pending.length > 0) {
      const entry = this.#newEntry(pending);
      ops.push({ type: 'put', bucket: Bucket.intake, key: entry.key, value: encodeIntakeEntry(pending) });
    }
    if (ops.length > 0) await this.db.batch(ops, { sync: true });
  }

  /** A new entry's key, with `txs` counted against it (each object once). */
  #newEntry(txs: readonly TrustedTransaction[]): Entry {
    const entry: Entry = { key: sequenceKey(this.#next++), unsettled: 0 };
    for (const t of txs) {
      if (this.#entryOf.has(t)) continue;
      this.#entryOf.set(t, entry);
      entry.unsettled++;
    }
    return entry;
  }
}
