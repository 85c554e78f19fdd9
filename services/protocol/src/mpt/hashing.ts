import { sha256 } from '../hash.js';
import { leafNibble, nibbleAt, objectLeafOps, type LeafOps, type TrieLeaf } from './node.js';

/**
 * Node encodings that are hashed (never stored): a leading tag byte keeps the three shapes
 * from ever colliding.
 *   leaf:      0x00 | nibble count u8 | packed nibbles of the rest of the key | value
 *   extension: 0x01 | nibble count u8 | packed nibbles | child hash
 *   branch:    0x02 | u16 big-endian bitmap of present children | their hashes in nibble order
 * Nibbles are packed two to a byte, high first; an odd count leaves the last low nibble zero.
 * The empty trie's root is SHA-256 of the empty string.
 *
 * The writers are shared by the batched hasher (trieHasher.ts) and the from-scratch reference
 * (naive.ts), so the two can only disagree on the shape of the tree, which is what tests check.
 */
export const LEAF_TAG = 0x00;
export const EXTENSION_TAG = 0x01;
export const BRANCH_TAG = 0x02;
/** The longest branch encoding. */
export const MAX_BRANCH_BYTES = 3 + 16 * 32;

/** Packs nibbles [from, to) of a leaf's key into `out` at `offset`; returns the end offset. */
function packKeyNibbles<L>(ops: LeafOps<L>, leaf: L, from: number, to: number, out: Uint8Array, offset: number): number {
  if ((from & 1) === 0) {
    // Aligned: whole bytes, then maybe one high nibble.
    const end = to >> 1;
    for (let b = from >> 1; b < end; b++) out[offset++] = ops.keyByte(leaf, b);
    if (to & 1) out[offset++] = ops.keyByte(leaf, end) & 0xf0;
    return offset;
  }
  for (let i = from; i < to; i += 2) {
    const hi = leafNibble(ops, leaf, i);
    const lo = i + 1 < to ? leafNibble(ops, leaf, i + 1) : 0;
    out[offset++] = (hi << 4) | lo;
  }
  return offset;
}

function copyHash(from: Uint8Array, at: number, out: Uint8Array, o: number): void {
  for (let i = 0; i < 32; i++) out[o + i] = from[at + i] as number;
}

/** An upper bound of a leaf's encoding. */
export function leafEncodingBound<L>(ops: LeafOps<L>, leaf: L): number {
  return 2 + ops.keyLength(leaf) + ops.maxValueBytes(leaf);
}

/** The encoding of a leaf whose remaining path starts at nibble `depth` of its key; returns the end offset. */
export function writeLeafEncoding<L>(ops: LeafOps<L>, out: Uint8Array, o: number, leaf: L, depth: number): number {
  const keyNibbles = ops.keyLength(leaf) * 2;
  out[o] = LEAF_TAG;
  out[o + 1] = keyNibbles - depth;
  return ops.writeValue(leaf, out, packKeyNibbles(ops, leaf, depth, keyNibbles, out, o + 2));
}

/** The encoding of an extension with nibbles `path` over a child whose hash is at `hashes[at..at+32)`. */
export function writeExtensionEncoding(out: Uint8Array, o: number, path: Uint8Array, hashes: Uint8Array, at: number): number {
  out[o++] = EXTENSION_TAG;
  out[o++] = path.length;
  for (let i = 0; i < path.length; i += 2) {
    out[o++] = ((path[i] as number) << 4) | (i + 1 < path.length ? (path[i + 1] as number) : 0);
  }
  copyHash(hashes, at, out, o);
  return o + 32;
}

/** The encoding of a branch; `hashAt(child, nibble)` says where in `hashes` each present child's hash is. */
export function writeBranchEncoding<C>(
  out: Uint8Array,
  o: number,
  children: readonly (C | undefined)[],
  hashes: Uint8Array,
  hashAt: (child: C, nibble: number) => number,
): number {
  const start = o;
  out[o] = BRANCH_TAG;
  o += 3;
  let bitmap = 0;
  for (let i = 0; i < 16; i++) {
    const child = children[i];
    if (child === undefined) continue;
    bitmap |= 1 << (15 - i);
    copyHash(hashes, hashAt(child, i), out, o);
    o += 32;
  }
  out[start + 1] = bitmap >> 8;
  out[start + 2] = bitmap & 0xff;
  return o;
}

// One-at-a-time hashing, for the reference computation only.
let scratch = new Uint8Array(1024);
function ensure(size: number): Uint8Array {
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  return scratch;
}

export function hashLeaf(leaf: TrieLeaf, depth: number): Uint8Array {
  const buf = ensure(leafEncodingBound(objectLeafOps, leaf));
  return sha256(buf.subarray(0, writeLeafEncoding(objectLeafOps, buf, 0, leaf, depth)));
}

export function hashExtension(path: Uint8Array, childHash: Uint8Array): Uint8Array {
  const buf = ensure(2 + path.length + 32);
  return sha256(buf.subarray(0, writeExtensionEncoding(buf, 0, path, childHash, 0)));
}

/** Hash of a branch over up to 16 child hashes (undefined where a child is absent). */
export function hashBranch(childHashes: readonly (Uint8Array | undefined)[]): Uint8Array {
  const packed = new Uint8Array(16 * 32);
  childHashes.forEach((h, i) => h && packed.set(h, i * 32));
  const buf = ensure(MAX_BRANCH_BYTES);
  return sha256(buf.subarray(0, writeBranchEncoding(buf, 0, childHashes, packed, (_h, i) => i * 32)));
}

/** The nibbles [from, to) of a key, as an extension path. */
export function keyNibbles(key: string, from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = nibbleAt(key, i);
  return out;
}
