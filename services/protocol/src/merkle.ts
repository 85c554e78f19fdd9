import { HASH_LENGTH, sha256 } from './hash.js';
import type { Hash } from './types.js';

/**
 * Binary SHA-256 Merkle root in the shape of RFC 6962 §2.1: leaves and inner nodes carry
 * different prefixes (0x00, 0x01) so a leaf can never pass for a node, and an unbalanced
 * tree splits at the largest power of two below n instead of duplicating the last leaf
 * (Bitcoin's duplicate-leaf ambiguity, CVE-2012-2459). The root of no leaves is SHA-256("").
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Hash {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  return rootOfLevel(leaves.map(leafHash));
}

/** The root over leaves already hashed with `leafHash`. */
export function merkleRootOfLeafHashes(hashes: Hash[]): Hash {
  if (hashes.length === 0) return sha256(new Uint8Array(0));
  return rootOfLevel(hashes);
}

// Scratch input buffers: hashing is synchronous, and an input buffer per leaf was pure garbage.
let leafScratch = new Uint8Array(256);
const nodeScratch = new Uint8Array(1 + 2 * HASH_LENGTH);
nodeScratch[0] = 0x01;

export function leafHash(data: Uint8Array): Hash {
  if (leafScratch.length < 1 + data.length) leafScratch = new Uint8Array(2 * (1 + data.length));
  leafScratch[0] = 0x00;
  leafScratch.set(data, 1);
  return sha256(leafScratch.subarray(0, 1 + data.length));
}

export function nodeHash(left: Hash, right: Hash): Hash {
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_LENGTH);
  return sha256(nodeScratch);
}

/**
 * Folds leaf hashes level by level. Pairing left to right and carrying an odd last node up
 * unchanged gives the same tree as RFC 6962's recursive split at the largest power of two.
 */
function rootOfLevel(level: Hash[]): Hash {
  while (level.length > 1) {
    const next: Hash[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i] as Hash, level[i + 1] as Hash));
    if (level.length % 2 === 1) next.push(level[level.length - 1] as Hash);
    level = next;
  }
  return level[0] as Hash;
}

/** The RFC 6962 recursive definition, kept as the reference the fast fold is tested against. */
export function merkleRootRecursive(leaves: readonly Uint8Array[]): Hash {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return leafHash(leaves[0] as Uint8Array);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(merkleRootRecursive(leaves.slice(0, k)), merkleRootRecursive(leaves.slice(k)));
}
