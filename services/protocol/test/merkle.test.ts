import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { leafHash, merkleRoot, merkleRootOfLeafHashes, merkleRootOfPrefixedLeaves, merkleRootRecursive, nodeHash } from '../src/merkle.js';
import { concat, hex } from './codecArbitraries.js';

const sha = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(createHash('sha256').update(concat(...parts)).digest());
const H0 = Uint8Array.of(0x00);
const H1 = Uint8Array.of(0x01);

/** RFC 6962 §2.1 Merkle Tree Hash, written from the RFC with node:crypto, independent of src. */
function rfc6962(leaves: readonly Uint8Array[]): Uint8Array {
  const n = leaves.length;
  if (n === 0) return sha();
  if (n === 1) return sha(H0, leaves[0] as Uint8Array);
  let k = 1;
  while (k << 1 < n) k <<= 1; // the largest power of two smaller than n
  return sha(H1, rfc6962(leaves.slice(0, k)), rfc6962(leaves.slice(k)));
}

/** n distinct leaves of varied length, the first one empty. */
const leavesOf = (n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => new Uint8Array(i % 7).fill(i & 0xff).map((b, j) => (b + j * 31) & 0xff));

const arbLeaves = (minLength = 0, maxLength = 80): fc.Arbitrary<Uint8Array[]> =>
  fc.array(fc.uint8Array({ maxLength: 40 }), { minLength, maxLength });

describe('merkleRoot', () => {
  it.each(Array.from({ length: 71 }, (_, n) => [n]))(
    'when there are %i leaves, then the fast fold, the recursive reference and RFC 6962 agree',
    (n) => {
      const leaves = leavesOf(n);
      const fast = hex(merkleRoot(leaves));
      expect(fast).toBe(hex(merkleRootRecursive(leaves)));
      expect(fast).toBe(hex(rfc6962(leaves)));
    },
  );

  it('when the leaves are any list, then the fast fold equals the recursive reference', () => {
    fc.assert(
      fc.property(fc.oneof(arbLeaves(0, 80), arbLeaves(120, 300)), (leaves) => {
        expect(hex(merkleRoot(leaves))).toBe(hex(merkleRootRecursive(leaves)));
      }),
      { numRuns: 200 },
    );
  });

  it('when leaves come prefixed in one buffer or already hashed, then the root is the same', () => {
    fc.assert(
      fc.property(fc.oneof(arbLeaves(0, 80), arbLeaves(120, 300)), (leaves) => {
        const packed = concat(...leaves.map((l) => concat(H0, l)));
        const spans = new Uint32Array(2 * leaves.length);
        let o = 0;
        leaves.forEach((l, i) => {
          spans[2 * i] = o;
          o += 1 + l.length;
          spans[2 * i + 1] = o;
        });
        const expected = hex(rfc6962(leaves));
        expect(hex(merkleRootOfPrefixedLeaves(packed, spans, leaves.length))).toBe(expected);
        expect(hex(merkleRootOfLeafHashes(leaves.map(leafHash)))).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('when there are no leaves, then the root is SHA-256 of the empty string', () => {
    expect(hex(merkleRoot([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('when there is one leaf, then the root is SHA-256(0x00 ‖ leaf)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (leaf) => {
        expect(hex(merkleRoot([leaf]))).toBe(hex(sha(H0, leaf)));
        expect(hex(leafHash(leaf))).toBe(hex(sha(H0, leaf)));
      }),
      { numRuns: 100 },
    );
  });

  it('when there are two leaves, then the root is SHA-256(0x01 ‖ h0 ‖ h1)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        const expected = sha(H1, sha(H0, a), sha(H0, b));
        expect(hex(merkleRoot([a, b]))).toBe(hex(expected));
        expect(hex(nodeHash(sha(H0, a), sha(H0, b)))).toBe(hex(expected));
      }),
      { numRuns: 100 },
    );
  });

  it('when there are three leaves, then the tree splits 2 + 1 and the third leaf is not duplicated', () => {
    const [a, b, c] = leavesOf(4).slice(1) as [Uint8Array, Uint8Array, Uint8Array];
    const expected = sha(H1, sha(H1, sha(H0, a), sha(H0, b)), sha(H0, c));
    expect(hex(merkleRoot([a, b, c]))).toBe(hex(expected));
    // Bitcoin's ambiguity (CVE-2012-2459): [a, b, c] and [a, b, c, c] must not share a root.
    expect(hex(merkleRoot([a, b, c, c]))).not.toBe(hex(merkleRoot([a, b, c])));
  });

  it('when there are five leaves, then the tree splits 4 + 1', () => {
    const l = leavesOf(5).map((x) => sha(H0, x));
    const [h0, h1, h2, h3, h4] = l as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const expected = sha(H1, sha(H1, sha(H1, h0, h1), sha(H1, h2, h3)), h4);
    expect(hex(merkleRoot(leavesOf(5)))).toBe(hex(expected));
  });

  it('when a single leaf holds the bytes of an inner node, then its root differs from that node (domain separation)', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), (a, b) => {
        const inner = concat(leafHash(a), leafHash(b));
        expect(hex(merkleRoot([inner]))).not.toBe(hex(merkleRoot([a, b])));
        expect(hex(merkleRoot([concat(H1, inner)]))).not.toBe(hex(merkleRoot([a, b])));
      }),
      { numRuns: 50 },
    );
  });

  it('when one leaf changes, then the root changes', () => {
    fc.assert(
      fc.property(arbLeaves(1), fc.nat(), fc.uint8Array({ maxLength: 40 }), (leaves, at, replacement) => {
        const i = at % leaves.length;
        fc.pre(hex(replacement) !== hex(leaves[i] as Uint8Array));
        const changed = leaves.slice();
        changed[i] = replacement;
        expect(hex(merkleRoot(changed))).not.toBe(hex(merkleRoot(leaves)));
      }),
      { numRuns: 150 },
    );
  });

  it('when two different leaves swap places, then the root changes', () => {
    fc.assert(
      fc.property(arbLeaves(2), fc.nat(), fc.nat(), (leaves, x, y) => {
        const i = x % leaves.length;
        const j = y % leaves.length;
        fc.pre(hex(leaves[i] as Uint8Array) !== hex(leaves[j] as Uint8Array));
        const swapped = leaves.slice();
        [swapped[i], swapped[j]] = [leaves[j] as Uint8Array, leaves[i] as Uint8Array];
        expect(hex(merkleRoot(swapped))).not.toBe(hex(merkleRoot(leaves)));
      }),
      { numRuns: 150 },
    );
  });

  it('when a leaf is added anywhere, then the root changes', () => {
    fc.assert(
      fc.property(arbLeaves(0), fc.nat(), fc.uint8Array({ maxLength: 40 }), (leaves, at, extra) => {
        const i = at % (leaves.length + 1);
        const grown = [...leaves.slice(0, i), extra, ...leaves.slice(i)];
        expect(hex(merkleRoot(grown))).not.toBe(hex(merkleRoot(leaves)));
      }),
      { numRuns: 150 },
    );
  });

  it('when a leaf is removed, then the root changes', () => {
    fc.assert(
      fc.property(arbLeaves(1), fc.nat(), (leaves, at) => {
        const i = at % leaves.length;
        const shrunk = [...leaves.slice(0, i), ...leaves.slice(i + 1)];
        expect(hex(merkleRoot(shrunk))).not.toBe(hex(merkleRoot(leaves)));
      }),
      { numRuns: 150 },
    );
  });

  it('when a root is computed, then the leaves passed in are not modified', () => {
    const leaves = leavesOf(9);
    const before = leaves.map(hex);
    merkleRoot(leaves);
    merkleRootRecursive(leaves);
    expect(leaves.map(hex)).toEqual(before);
  });

  it('when leaves of very different sizes follow each other (the leaf scratch buffer grows and is reused), then every root is still RFC 6962', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ minLength: 250, maxLength: 700 })), { maxLength: 24 }), (leaves) => {
        expect(hex(merkleRoot(leaves))).toBe(hex(rfc6962(leaves)));
      }),
      { numRuns: 100 },
    );
  });

  it('when more hashes are computed, then hashes returned earlier do not change (no scratch buffer leaks out)', () => {
    const a = leafHash(Uint8Array.of(1, 2, 3));
    const n = nodeHash(a, a);
    const aHex = hex(a);
    const nHex = hex(n);
    leafHash(new Uint8Array(1000).fill(7));
    nodeHash(n, a);
    merkleRoot(leavesOf(33));
    expect(hex(a)).toBe(aHex);
    expect(hex(n)).toBe(nHex);
  });

  it('when a leaf is a view into a larger buffer, then only the viewed bytes are hashed', () => {
    const outer = Uint8Array.of(9, 9, 1, 2, 3, 9, 9);
    expect(hex(leafHash(outer.subarray(2, 5)))).toBe(hex(sha(H0, Uint8Array.of(1, 2, 3))));
  });
});

describe('merkleRootOfLeafHashes', () => {
  it('when given the leaf hashes of any list, then it equals merkleRoot of the leaves', () => {
    fc.assert(
      fc.property(fc.oneof(arbLeaves(0, 80), arbLeaves(120, 200)), (leaves) => {
        const hashes = leaves.map(leafHash);
        const before = hashes.map(hex);
        expect(hex(merkleRootOfLeafHashes(hashes))).toBe(hex(merkleRoot(leaves)));
        expect(hashes.map(hex)).toEqual(before);
      }),
      { numRuns: 150 },
    );
  });

  it('when given no hashes, then the root is SHA-256 of the empty string', () => {
    expect(hex(merkleRootOfLeafHashes([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('when given one hash, then that hash is the root (it is not hashed again)', () => {
    const h = leafHash(Uint8Array.of(42));
    expect(hex(merkleRootOfLeafHashes([h]))).toBe(hex(h));
  });
});
