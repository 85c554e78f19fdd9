import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { decodeTransaction, decodeTransactions, type DecodedTransaction } from '../codec/transaction.js';
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
 * A batch from an honest RN_k decodes whole (RN_k decoded each transaction on admission), so the
 * ids are hashed in one native call; only a batch holding an undecodable transaction, which
 * only a lying RN_k sends, is judged one transaction at a time.
 */
export function judgeTransactions(transactions: readonly Uint8Array[], verifier: SignatureVerifier): Verdicts {
  const verdicts = new Uint8Array(verdictBytes(transactions.length));
  let decoded: DecodedTransaction[] | undefined;
  try {
    decoded = decodeTransactions(transactions);
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
  }
  if (decoded !== undefined) {
    for (let i = 0; i < decoded.length; i++) {
      const { tx, id } = decoded[i] as DecodedTransaction;
      if (verifier.verify(tx.signature, id, tx.pubkey)) setValid(verdicts, i);
    }
    return verdicts;
  }
  for (let i = 0; i < transactions.length; i++) {
    let ok = false;
    try {
      const { tx, id } = decodeTransaction(transactions[i] as Uint8Array);
      ok = verifier.verify(tx.signature, id, tx.pubkey);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
    }
    if (ok) setValid(verdicts, i);
  }
  return verdicts;
}
