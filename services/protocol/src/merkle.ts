import { HASH_LENGTH, sha256, sha256Spans } from './hash.js';
import type { Hash } from './types.js';

/**
 * Binary SHA-256 Merkle root in the shape of RFC 6962 §2.1: leaves and inner nodes carry
 * different prefixes (0x00, 0x01) so a leaf can never pass for a node, and an unbalanced
 * tree splits at the largest power of two below n instead of duplicating the last leaf
 * (Bitcoin's duplicate-leaf ambiguity, CVE-2012-2459). The root of no leaves is SHA-256("").
 *
 * Roots are computed a level at a time, each level one call of the native batch hasher: a
 * block's transaction and summary roots are ~400,000 hashes, and one call each cost more
 * than the hashing itself.
 */
const EMPTY_ROOT = sha256(new Uint8Array(0));
const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;
const NODE_INPUT = 1 + 2 * HASH_LENGTH;

// Scratch buffers, reused: hashing is synchronous, so no two calls overlap.
let input = new Uint8Array(1 << 16);
let spans = new Uint32Array(1 << 12);

function inputOf(size: number): Uint8Array {
  if (input.length < size) input = new Uint8Array(Math.max(size, input.length * 2));
  return input;
}

function spansOf(count: number): Uint32Array {
  if (spans.length < 2 * count) spans = new Uint32Array(Math.max(2 * count, spans.length * 2));
  return spans;
}

export function merkleRoot(leaves: readonly Uint8Array[]): Hash {
  const n = leaves.length;
  if (n === 0) return EMPTY_ROOT.slice();
  let size = n;
  for (const leaf of leaves) size += leaf.length;
  const buf = inputOf(size);
  const sp = spansOf(n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const leaf = leaves[i] as Uint8Array;
    sp[2 * i] = o;
    buf[o] = LEAF_PREFIX;
    buf.set(leaf, o + 1);
    o += 1 + leaf.length;
    sp[2 * i + 1] = o;
  }
  const level = new Uint8Array(n * HASH_LENGTH);
  sha256Spans(buf, sp, n, level, null);
  return foldLevels(level, n);
}

/**
 * The root over leaves given as spans of `encoded` that already start with the 0x00 leaf
 * prefix: callers that encode many small leaves (transaction summaries) write them straight
 * into one buffer.
 */
export function merkleRootOfPrefixedLeaves(encoded: Uint8Array, leafSpans: Uint32Array, n: number): Hash {
  if (n === 0) return EMPTY_ROOT.slice();
  const level = new Uint8Array(n * HASH_LENGTH);
  sha256Spans(encoded, leafSpans, n, level, null);
  return foldLevels(level, n);
}

/** The root over leaves already hashed with `leafHash`. */
export function merkleRootOfLeafHashes(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT.slice();
  const level = new Uint8Array(hashes.length * HASH_LENGTH);
  hashes.forEach((h, i) => level.set(h, i * HASH_LENGTH));
  return foldLevels(level, hashes.length);
}

/**
 * Folds a level of n packed hashes in place, level by level. Pairing left to right and
 * carrying an odd last node up unchanged gives the same tree as RFC 6962's recursive split at
 * the largest power of two.
 */
function foldLevels(level: Uint8Array, n: number): Hash {
  while (n > 1) {
    const pairs = n >> 1;
    const buf = inputOf(pairs * NODE_INPUT);
    const sp = spansOf(pairs);
    for (let p = 0; p < pairs; p++) {
      const o = p * NODE_INPUT;
      buf[o] = NODE_PREFIX;
      const from = p * 2 * HASH_LENGTH;
      for (let j = 0; j < 2 * HASH_LENGTH; j++) buf[o + 1 + j] = level[from + j] as number;
      sp[2 * p] = o;
      sp[2 * p + 1] = o + NODE_INPUT;
    }
    sha256Spans(buf, sp, pairs, level, null);
    if (n & 1) level.copyWithin(pairs * HASH_LENGTH, (n - 1) * HASH_LENGTH, n * HASH_LENGTH);
    n = pairs + (n & 1);
  }
  return level.slice(0, HASH_LENGTH);
}

/** Hash of one leaf (for proofs and the reference definition). */
export function leafHash(data: Uint8Array): Hash {
  const buf = new Uint8Array(1 + data.length);
  buf[0] = LEAF_PREFIX;
  buf.set(data, 1);
  return sha256(buf);
}

/** Hash of one inner node. */
export function nodeHash(left: Hash, right: Hash): Hash {
  const buf = new Uint8Array(NODE_INPUT);
  buf[0] = NODE_PREFIX;
  buf.set(left, 1);
  buf.set(right, 1 + HASH_LENGTH);
  return sha256(buf);
}

/** The RFC 6962 recursive definition, kept as the reference the fast fold is tested against. */
export function merkleRootRecursive(leaves: readonly Uint8Array[]): Hash {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return leafHash(leaves[0] as Uint8Array);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(merkleRootRecursive(leaves.slice(0, k)), merkleRootRecursive(leaves.slice(k)));
}
