import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { sha256 } from './hash.js';

/**
 * Deterministic sampling (DESIGN §3): `count` distinct indices in [0, n), none in `exclude`,
 * drawn from SHA-256(seed ‖ counter) so that any node can recompute any choice — the routing
 * target of a transaction and the 6 co-signers of a batch (WP 2.1).
 *
 * Each 32-byte digest yields eight u32 candidates; a candidate is mapped to [0, n) by
 * rejection sampling (no modulo bias), and repeats or excluded indices are skipped.
 */
export function sample(seed: Uint8Array, n: number, count: number, exclude: Iterable<number> = []): number[] {
  if (!Number.isInteger(n) || n <= 0 || n > 0xffffffff) {
    throw new ProtocolError(ProtocolErrorCode.invalidArgument, `sample: n must be an integer in [1, 2^32), got ${n}`);
  }
  const excluded = new Set<number>();
  for (const e of exclude) if (Number.isInteger(e) && e >= 0 && e < n) excluded.add(e);
  if (!Number.isInteger(count) || count < 0 || count > n - excluded.size) {
    throw new ProtocolError(ProtocolErrorCode.invalidArgument, `sample: cannot draw ${count} of ${n - excluded.size} eligible indices`);
  }
  const out: number[] = [];
  const chosen = new Set<number>();
  const limit = rejectionLimit(n);
  const input = new Uint8Array(seed.length + 8);
  input.set(seed, 0);
  const view = new DataView(input.buffer);
  for (let counter = 0; out.length < count; counter++) {
    view.setUint32(seed.length, Math.floor(counter / 0x100000000));
    view.setUint32(seed.length + 4, counter >>> 0);
    const digest = sha256(input);
    const dv = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
    for (let j = 0; j < 8 && out.length < count; j++) {
      const candidate = dv.getUint32(j * 4);
      if (candidate >= limit) continue;
      const index = candidate % n;
      if (excluded.has(index) || chosen.has(index)) continue;
      chosen.add(index);
      out.push(index);
    }
  }
  return out;
}

/** The largest multiple of n that fits in u32: a candidate at or above it is rejected (no modulo bias). */
export function rejectionLimit(n: number): number {
  return 0x100000000 - (0x100000000 % n);
}
