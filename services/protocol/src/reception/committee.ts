import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { sample } from '../sample.js';
import { SIGNATURE_LENGTH } from '../params.js';
import { MAX_COMMITTEE_SIZE } from './params.js';

/**
 * WP 2.1 step 1: the RN that verifies and batches a transaction, drawn from the first 20 bits of
 * its signature, so every RN forwards a given transaction to the same RN_k and anyone can check.
 */
export function routeOf(signature: Uint8Array, rosterSize: number): number {
  if (signature.length !== SIGNATURE_LENGTH) {
    throw new ProtocolError(ProtocolErrorCode.invalidField, `signature must be ${SIGNATURE_LENGTH} bytes, got ${signature.length}`);
  }
  // 20 bits: two whole bytes and the high nibble of the third.
  const seed = Uint8Array.of(signature[0] as number, signature[1] as number, (signature[2] as number) & 0xf0);
  return sample(seed, rosterSize, 1)[0] as number;
}

/**
 * WP 2.1 step 2: the co-signers of a batch, `size − 1` distinct RNs other than its leader k,
 * drawn from the batch hash. A logic node recomputes them (step 5 b), so RN_k cannot pick friends.
 */
export function committeeOf(batchHash: Uint8Array, rosterSize: number, leader: number, size: number): number[] {
  if (!Number.isInteger(size) || size < 1 || size > MAX_COMMITTEE_SIZE) {
    throw new ProtocolError(ProtocolErrorCode.invalidArgument, `committee size must be in [1, ${MAX_COMMITTEE_SIZE}], got ${size}`);
  }
  if (rosterSize < size) {
    throw new ProtocolError(ProtocolErrorCode.invalidArgument, `a roster of ${rosterSize} cannot seat a committee of ${size}`);
  }
  if (!Number.isInteger(leader) || leader < 0 || leader >= rosterSize) {
    throw new ProtocolError(ProtocolErrorCode.invalidArgument, `leader ${leader} is not in a roster of ${rosterSize}`);
  }
  return sample(batchHash, rosterSize, size - 1, [leader]);
}
