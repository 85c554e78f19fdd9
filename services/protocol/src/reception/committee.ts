import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { sha256Spans } from '../hash.js';
import { rejectionLimit, sample } from '../sample.js';
import { SIGNATURE_LENGTH } from '../params.js';
import { MAX_COMMITTEE_SIZE, MAX_ROSTER_MEMBERS } from './params.js';

/** Routes remembered per roster size, at most this many sizes (a roster changes size rarely). */
const ROUTE_TABLES_KEPT = 4;
/** A 20-bit routing seed per entry: RN_k + 1, or 0 when not drawn yet. */
const routeTables = new Map<number, Uint32Array>();

/**
 * WP 2.1 step 1: the RN that verifies and batches a transaction, drawn from the first 20 bits of
 * its signature, so every RN forwards a given transaction to the same RN_k and anyone can check.
 *
 * Every client, RN_i and RN_k routes every transaction. With only 2^20 seeds, each draw is
 * remembered per roster size (4 MB a size, paged in as it fills); a miss hashes into reused
 * buffers (firstDraw) rather than running sample's general loop.
 */
export function routeOf(signature: Uint8Array, rosterSize: number): number {
  if (signature.length !== SIGNATURE_LENGTH) {
    throw new ProtocolError(ProtocolErrorCode.invalidField, `signature must be ${SIGNATURE_LENGTH} bytes, got ${signature.length}`);
  }
  // 20 bits: two whole bytes and the high nibble of the third.
  const b0 = signature[0] as number;
  const b1 = signature[1] as number;
  const b2 = (signature[2] as number) & 0xf0;
  const table = routeTableFor(rosterSize);
  const slot = (b0 << 12) | (b1 << 4) | (b2 >>> 4);
  if (table === undefined) return sample(Uint8Array.of(b0, b1, b2), rosterSize, 1)[0] as number; // refuses the size
  const known = table[slot] as number;
  if (known !== 0) return known - 1;
  const k = firstDraw(b0, b1, b2, rosterSize);
  table[slot] = k + 1;
  return k;
}

/** sample(seed, n, 1)'s input, seed ‖ counter 0, and its digest: reused, routing allocates nothing. */
const DRAW_INPUT = new Uint8Array(3 + 8);
const DRAW_SPAN = Uint32Array.of(0, DRAW_INPUT.length);
const DRAW_DIGEST = new Uint8Array(32);

/**
 * sample(seed, n, 1) for a 3-byte seed: its first candidate, the first u32 of SHA-256(seed ‖ 0),
 * nearly always lands under the rejection limit and is the draw; only otherwise does sample run.
 * A memo miss is the common case (2^20 seeds), and sample's sets and views cost more than the hash.
 */
function firstDraw(b0: number, b1: number, b2: number, n: number): number {
  DRAW_INPUT[0] = b0;
  DRAW_INPUT[1] = b1;
  DRAW_INPUT[2] = b2;
  sha256Spans(DRAW_INPUT, DRAW_SPAN, 1, DRAW_DIGEST, null);
  const candidate = (((DRAW_DIGEST[0] as number) << 24) | ((DRAW_DIGEST[1] as number) << 16) | ((DRAW_DIGEST[2] as number) << 8) | (DRAW_DIGEST[3] as number)) >>> 0;
  if (candidate < rejectionLimit(n)) return candidate % n;
  return sample(Uint8Array.of(b0, b1, b2), n, 1)[0] as number;
}

/** The memo of one roster size; undefined for a size `sample` would refuse (it throws then). */
function routeTableFor(rosterSize: number): Uint32Array | undefined {
  let table = routeTables.get(rosterSize);
  if (table !== undefined) return table;
  if (!Number.isInteger(rosterSize) || rosterSize < 1 || rosterSize > MAX_ROSTER_MEMBERS) return undefined;
  if (routeTables.size >= ROUTE_TABLES_KEPT) routeTables.delete(routeTables.keys().next().value as number);
  table = new Uint32Array(1 << 20);
  routeTables.set(rosterSize, table);
  return table;
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
