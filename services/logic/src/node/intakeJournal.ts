import { ByteReader } from '../../../protocol/src/codec/reader.js';
import { ByteWriter } from '../../../protocol/src/codec/writer.js';
import { decodeTransaction, encodeTransaction } from '../../../protocol/src/codec/transaction.js';
import { ADDRESS_LENGTH } from '../../../protocol/src/params.js';
import { Bucket, type BatchOp, type DatabaseController } from '../../../storage/src/index.js';
import type { TrustedTransaction } from '../ledger/trustedTransaction.js';

const ENTRY_VERSION = 1;
/** A committee has 7 members; a few more leaves room for configuration, not for abuse. */
const MAX_FEE_RECIPIENTS = 64;
const MAX_TRANSACTION_BYTES = 1 << 20;

/** version u8 | n varint | n × 20-byte fee recipient | transaction (len | bytes) */
export function encodeIntakeEntry(t: TrustedTransaction): Uint8Array {
  const recipients = t.feeRecipients ?? [];
  const w = new ByteWriter(256).u8(ENTRY_VERSION).varint(recipients.length);
  for (const r of recipients) w.fixed(Buffer.from(r, 'latin1'), ADDRESS_LENGTH, 'fee_recipient');
  return w.bytes(encodeTransaction(t.tx), MAX_TRANSACTION_BYTES, 'transaction').finish();
}

export function decodeIntakeEntry(bytes: Uint8Array): TrustedTransaction {
  const r = new ByteReader(bytes);
  r.version(ENTRY_VERSION, 'intake entry');
  const n = r.length(MAX_FEE_RECIPIENTS, 'fee_recipients');
  const feeRecipients: string[] = [];
  for (let i = 0; i < n; i++) feeRecipients.push(Buffer.from(r.fixed(ADDRESS_LENGTH, 'fee_recipient')).toString('latin1'));
  const { tx, id } = decodeTransaction(r.bytes(MAX_TRANSACTION_BYTES, 'transaction'));
  r.end('intake entry');
  return n > 0 ? { tx, id, feeRecipients } : { tx, id };
}

/**
 * The transactions a logic node has taken and not yet settled, on disk (bucket `intake`). A
 * package is acknowledged to RN_k, and a direct transaction to its client, only once its
 * transactions are here, so a crashed logic node (SIGKILL, OOM, a lost machine) comes back with
 * its pending pool instead of silently losing what it promised to execute: nobody would resend
 * them, since RN_k was told they were taken.
 *
 * Entries leave when their block commits or they are rejected. The delete is not part of the
 * block's own write batch, so a crash in between can leave an entry whose transaction already
 * committed; the replay on open drops those (the nonce is used), which is why that is harmless.
 */
export class IntakeJournal {
  constructor(private readonly db: DatabaseController) {}

  /** Durable (fsynced) before it resolves: callers acknowledge after it. */
  async record(txs: readonly TrustedTransaction[]): Promise<void> {
    if (txs.length === 0) return;
    const ops: BatchOp[] = txs.map((t) => ({ type: 'put', bucket: Bucket.intake, key: t.id, value: encodeIntakeEntry(t) }));
    await this.db.batch(ops, { sync: true });
  }

  /** Not synced: a forgotten entry that survives a crash is dropped on replay anyway. */
  async forget(ids: readonly Uint8Array[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.batch(
      ids.map((id) => ({ type: 'del', bucket: Bucket.intake, key: id })),
      { sync: false },
    );
  }

  /**
   * Every recorded entry, oldest id order (not arrival order: the pending pool orders by nonce
   * anyway). An entry that no longer decodes is reported and deleted rather than kept forever.
   */
  async replay(onCorrupt: (key: Uint8Array, err: unknown) => void): Promise<TrustedTransaction[]> {
    const out: TrustedTransaction[] = [];
    const corrupt: Uint8Array[] = [];
    for await (const [key, value] of this.db.entries(Bucket.intake)) {
      try {
        out.push(decodeIntakeEntry(value));
      } catch (err) {
        onCorrupt(key, err);
        corrupt.push(key);
      }
    }
    await this.forget(corrupt);
    return out;
  }
}
