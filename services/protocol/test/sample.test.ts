import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { ProtocolErrorCode } from '../src/errors.js';
import { sample } from '../src/sample.js';
import { hex, refusalCode } from './codecArbitraries.js';

const E = ProtocolErrorCode;

/**
 * The sampler as DESIGN §3 and the sample.ts header describe it, written independently:
 * digest_i = SHA-256(seed ‖ i as u64 big-endian); each digest gives eight big-endian u32
 * candidates; a candidate at or above the largest multiple of n below 2^32 is rejected;
 * index = candidate mod n; repeats and excluded indices are skipped.
 */
function referenceSample(seed: Uint8Array, n: number, count: number, exclude: readonly number[]): number[] {
  const skip = new Set(exclude.filter((e) => Number.isInteger(e) && e >= 0 && e < n));
  const limit = 2 ** 32 - (2 ** 32 % n);
  const out: number[] = [];
  for (let i = 0n; out.length < count; i++) {
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(i);
    const digest = createHash('sha256').update(seed).update(counter).digest();
    for (let j = 0; j < 8 && out.length < count; j++) {
      const c = digest.readUInt32BE(4 * j);
      if (c >= limit) continue;
      const index = c % n;
      if (skip.has(index) || out.includes(index)) continue;
      out.push(index);
    }
  }
  return out;
}

/** A deterministic seed per integer, so the statistical tests below cannot flake. */
function seedOf(label: string, i: number): Uint8Array {
  const b = Buffer.alloc(label.length + 4);
  b.write(label, 0, 'latin1');
  b.writeUInt32BE(i, label.length);
  return new Uint8Array(b);
}

function bump(counts: number[], i: number | undefined): void {
  if (i === undefined || counts[i] === undefined) throw new Error(`index ${String(i)} outside the histogram`);
  counts[i] += 1;
}

function chiSquare(observed: readonly number[], expectedEach: number): number {
  return observed.reduce((sum, o) => sum + (o - expectedEach) ** 2 / expectedEach, 0);
}

/** n, a count that fits, and an exclusion list with some out-of-range noise in it. */
const arbRequest = fc
  .integer({ min: 1, max: 2_000 })
  .chain((n) =>
    fc
      .array(fc.oneof(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: -5, max: n + 5 })), { maxLength: Math.min(n, 20) })
      .chain((exclude) => {
        const eligible = n - new Set(exclude.filter((e) => e >= 0 && e < n)).size;
        return fc.record({
          seed: fc.uint8Array({ maxLength: 48 }),
          n: fc.constant(n),
          count: fc.integer({ min: 0, max: Math.min(eligible, 40) }),
          exclude: fc.constant(exclude),
        });
      }),
  );

describe('sample', () => {
  it('when called twice with the same arguments, then it returns the same indices and leaves the seed alone', () => {
    fc.assert(
      fc.property(arbRequest, ({ seed, n, count, exclude }) => {
        const before = hex(seed);
        expect(sample(seed, n, count, exclude)).toEqual(sample(seed.slice(), n, count, [...exclude]));
        expect(hex(seed)).toBe(before);
      }),
      { numRuns: 200 },
    );
  });

  it('when drawing, then it matches an independent implementation of SHA-256(seed ‖ u64 counter) with rejection sampling', () => {
    fc.assert(
      fc.property(arbRequest, ({ seed, n, count, exclude }) => {
        expect(sample(seed, n, count, exclude)).toEqual(referenceSample(seed, n, count, exclude));
      }),
      { numRuns: 200 },
    );
  });

  it('when drawing, then the indices are distinct integers in [0, n), none excluded, exactly count of them', () => {
    fc.assert(
      fc.property(arbRequest, ({ seed, n, count, exclude }) => {
        const out = sample(seed, n, count, exclude);
        expect(out).toHaveLength(count);
        expect(new Set(out).size).toBe(count);
        for (const i of out) {
          expect(Number.isInteger(i) && i >= 0 && i < n).toBe(true);
          expect(exclude).not.toContain(i);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('when count is n − |exclude|, then the draw is a permutation of every eligible index', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), fc.integer({ min: 1, max: 64 }), fc.array(fc.nat({ max: 63 }), { maxLength: 10 }), (seed, n, raw) => {
        const exclude = raw.filter((e) => e < n);
        const eligible = Array.from({ length: n }, (_, i) => i).filter((i) => !exclude.includes(i));
        const out = sample(seed, n, eligible.length, exclude);
        expect([...out].sort((a, b) => a - b)).toEqual(eligible);
      }),
      { numRuns: 200 },
    );
  });

  it('when count grows, then the smaller draw is a prefix of the larger one (committees are stable)', () => {
    fc.assert(
      fc.property(arbRequest, ({ seed, n, count, exclude }) => {
        fc.pre(count > 0);
        expect(sample(seed, n, count - 1, exclude)).toEqual(sample(seed, n, count, exclude).slice(0, count - 1));
      }),
      { numRuns: 100 },
    );
  });

  it('when the exclusion list holds only out-of-range or duplicate values, then they change nothing', () => {
    const seed = seedOf('noise', 1);
    expect(sample(seed, 10, 5, [10, 11, -1, 2.5, Number.NaN])).toEqual(sample(seed, 10, 5));
    expect(sample(seed, 10, 9, [3, 3, 3])).toEqual(sample(seed, 10, 9, [3]));
  });

  it('when count is 0, then nothing is drawn', () => {
    expect(sample(seedOf('zero', 0), 5, 0)).toEqual([]);
    expect(sample(seedOf('zero', 0), 5, 0, [0, 1, 2, 3, 4])).toEqual([]);
  });

  it('when n is 1, then the only index is 0', () => {
    expect(sample(seedOf('one', 0), 1, 1)).toEqual([0]);
  });

  it('when seeds differ, then draws differ (for a space where a collision is negligible)', () => {
    const draws = new Set(Array.from({ length: 200 }, (_, i) => sample(seedOf('distinct', i), 1_000_000, 4).join(',')));
    expect(draws.size).toBe(200);
  });

  it.each<[string, number, number, number[]]>([
    ['count one more than the eligible indices', 10, 8, [0, 1, 2]],
    ['count larger than n', 3, 4, []],
    ['count of every index with one excluded', 5, 5, [4]],
    ['a negative count', 10, -1, []],
    ['a fractional count', 10, 1.5, []],
    ['a NaN count', 10, Number.NaN, []],
    ['n of 0', 0, 0, []],
    ['a negative n', -3, 1, []],
    ['a fractional n', 2.5, 1, []],
    ['n of 2^32', 2 ** 32, 1, []],
    ['n of Infinity', Number.POSITIVE_INFINITY, 1, []],
  ])('when asked with %s, then it refuses with INVALID_ARGUMENT', (_name, n, count, exclude) => {
    expect(refusalCode(() => sample(seedOf('bad', 0), n, count, exclude))).toBe(E.invalidArgument);
  });

  it('when n is the largest allowed (2^32 − 1), then it still draws', () => {
    const out = sample(seedOf('max', 0), 2 ** 32 - 1, 3);
    expect(out).toEqual(referenceSample(seedOf('max', 0), 2 ** 32 - 1, 3, []));
  });
});

describe('sample: uniformity (chi-square over fixed seeds, bounds at p < 1e-6)', () => {
  it('when one of 16 indices is drawn 16 000 times, then every index is about equally likely', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) bump(counts, sample(seedOf('chi16', i), 16, 1)[0]);
    // 15 degrees of freedom: P(chi2 > 50) ≈ 1e-5; a broken sampler lands in the hundreds.
    expect(chiSquare(counts, 1_000)).toBeLessThan(50);
  });

  it('when 3 of 10 indices are drawn 6 000 times, then each position of the draw is uniform too', () => {
    const counts = Array.from({ length: 3 }, () => new Array<number>(10).fill(0));
    for (let i = 0; i < 6_000; i++) {
      sample(seedOf('chi10', i), 10, 3).forEach((index, position) => bump(counts[position] as number[], index));
    }
    for (const row of counts) expect(chiSquare(row, 600)).toBeLessThan(45); // 9 dof
  });

  it('when one index is excluded, then the other 6 of 7 share the draws evenly', () => {
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 6_000; i++) bump(counts, sample(seedOf('chi7', i), 7, 1, [3])[0]);
    expect(counts[3]).toBe(0);
    const others = counts.filter((_, i) => i !== 3);
    expect(chiSquare(others, 1_000)).toBeLessThan(35); // 5 dof
  });

  it('when n is 3·2^30, then draws are uniform across thirds (a modulo without rejection would put half in the first)', () => {
    const n = 3 * 2 ** 30;
    const thirds = [0, 0, 0];
    for (let i = 0; i < 3_000; i++) bump(thirds, Math.floor((sample(seedOf('chi3', i), n, 1)[0] as number) / 2 ** 30));
    // 2 dof: P(chi2 > 28) ≈ 1e-6; plain modulo gives about 375.
    expect(chiSquare(thirds, 1_000)).toBeLessThan(28);
  });
});
