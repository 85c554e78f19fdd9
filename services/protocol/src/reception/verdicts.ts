import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { isWellFormedTransaction } from '../codec/transaction.js';
import { HASH_LENGTH, sha256Spans } from '../hash.js';
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from '../params.js';
import type { SignatureVerifier } from '../signature.js';

/**
 * Per-transaction verdicts of one RN over one batch: bit i (little-endian within each byte) is
 * 1 when transaction i decodes and its signature verifies. Bits past the last transaction are 0,
 * so every honest RN produces the same bytes and verdicts compare byte for byte.
 */
export type Verdicts = Uint8Array;

export function verdictBytes(count: number): number {
  return Math.ceil(count / 8);
}

export function isValid(verdicts: Verdicts, i: number): boolean {
  return (((verdicts[i >> 3] as number) >> (i & 7)) & 1) === 1;
}

export function setValid(verdicts: Verdicts, i: number): void {
  verdicts[i >> 3] = (verdicts[i >> 3] as number) | (1 << (i & 7));
}

export function countValid(verdicts: Verdicts, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) if (isValid(verdicts, i)) n++;
  return n;
}

/** Refuses verdicts of the wrong length or with bits set past the last transaction. */
export function checkVerdictShape(verdicts: Verdicts, count: number): void {
  if (verdicts.length !== verdictBytes(count)) {
    throw new ProtocolError(ProtocolErrorCode.invalidField, `verdicts must be ${verdictBytes(count)} bytes for ${count} transactions, got ${verdicts.length}`);
  }
  const spare = verdicts.length * 8 - count;
  if (spare > 0 && ((verdicts[verdicts.length - 1] as number) >> (8 - spare)) !== 0) {
    throw new ProtocolError(ProtocolErrorCode.invalidField, 'verdict bits are set past the last transaction');
  }
}

/**
 * What an honest RN says of a batch: each transaction decodes and its signature verifies.
 *
 * The member only verifies, so it does not decode: isWellFormedTransaction accepts exactly what
 * decodeTransaction does, and a well-formed transaction's pubkey and signature sit at fixed
 * places from its end, its id being SHA-256 of all but the signature. The ids of a batch are
 * hashed in one native call, straight from the batch's own buffer when the transactions are views
 * into one (as decodeBatch gives them). Per transaction that leaves three views and the
 * verification, where decoding built a transaction of a dozen objects only to drop it.
 */
export function judgeTransactions(transactions: readonly Uint8Array[], verifier: SignatureVerifier): Verdicts {
  const n = transactions.length;
  const verdicts = new Uint8Array(verdictBytes(n));
  const first = transactions[0];
  if (first === undefined) return verdicts;
  const shared = transactions.every((t) => t.buffer === first.buffer);
  const input = shared ? new Uint8Array(first.buffer) : new Uint8Array(transactions.reduce((sum, t) => sum + t.length, 0));
  const spans = new Uint32Array(2 * n);
  const slots = new Uint32Array(n);
  let count = 0;
  let copied = 0;
  for (let i = 0; i < n; i++) {
    const t = transactions[i] as Uint8Array;
    if (!isWellFormedTransaction(t)) continue;
    const unsigned = t.length - SIGNATURE_LENGTH;
    let at = t.byteOffset;
    if (!shared) {
      input.set(t.subarray(0, unsigned), copied);
      at = copied;
      copied += unsigned;
    }
    spans[2 * count] = at;
    spans[2 * count + 1] = at + unsigned;
    slots[count++] = i;
  }
  const ids = new Uint8Array(HASH_LENGTH * n);
  sha256Spans(input, spans, count, ids, slots);
  for (let c = 0; c < count; c++) {
    const i = slots[c] as number;
    const t = transactions[i] as Uint8Array;
    const unsigned = t.length - SIGNATURE_LENGTH;
    const pubkey = t.subarray(unsigned - PUBLIC_KEY_LENGTH, unsigned);
    if (verifier.verify(t.subarray(unsigned), ids.subarray(HASH_LENGTH * i, HASH_LENGTH * (i + 1)), pubkey)) setValid(verdicts, i);
  }
  return verdicts;
}
