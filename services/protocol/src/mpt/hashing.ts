import { sha256 } from '../hash.js';
import { nibbleAt, type TrieLeaf } from './node.js';

/**
 * Node encodings that are hashed (never stored): a leading tag byte keeps the three shapes
 * from ever colliding.
 *   leaf:      0x00 | nibble count u8 | packed nibbles of the rest of the key | value
 *   extension: 0x01 | nibble count u8 | packed nibbles | child hash
 *   branch:    0x02 | u16 big-endian bitmap of present children | their hashes in nibble order
 * Nibbles are packed two to a byte, high first; an odd count leaves the last low nibble zero.
 * The empty trie's root is SHA-256 of the empty string.
 */
export const LEAF_TAG = 0x00;
export const EXTENSION_TAG = 0x01;
export const BRANCH_TAG = 0x02;

/** One scratch buffer: hashing is synchronous and single-threaded, so no call overlaps another. */
let scratch = new Uint8Array(1024);

function ensure(size: number): Uint8Array {
  if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
  return scratch;
}

/** Packs nibbles [from, to) of a latin1 key into `out` at `offset`; returns the end offset. */
function packKeyNibbles(key: string, from: number, to: number, out: Uint8Array, offset: number): number {
  if ((from & 1) === 0) {
    // Aligned: whole bytes, then maybe one high nibble.
    const end = to >> 1;
    for (let b = from >> 1; b < end; b++) out[offset++] = key.charCodeAt(b);
    if (to & 1) out[offset++] = key.charCodeAt(end) & 0xf0;
    return offset;
  }
  for (let i = from; i < to; i += 2) {
    const hi = nibbleAt(key, i);
    const lo = i + 1 < to ? nibbleAt(key, i + 1) : 0;
    out[offset++] = (hi << 4) | lo;
  }
  return offset;
}

/** Hash of a leaf whose remaining path starts at nibble `depth` of its key. */
export function hashLeaf(leaf: TrieLeaf, depth: number): Uint8Array {
  const keyNibbles = leaf.key.length * 2;
  const buf = ensure(2 + leaf.key.length + leaf.maxValueBytes);
  buf[0] = LEAF_TAG;
  buf[1] = keyNibbles - depth;
  let end = packKeyNibbles(leaf.key, depth, keyNibbles, buf, 2);
  end = leaf.writeValue(buf, end);
  return sha256(buf.subarray(0, end));
}

/** Hash of an extension with nibbles `path` over a child with hash `childHash`. */
export function hashExtension(path: Uint8Array, childHash: Uint8Array): Uint8Array {
  const buf = ensure(2 + path.length + 32);
  buf[0] = EXTENSION_TAG;
  buf[1] = path.length;
  let o = 2;
  for (let i = 0; i < path.length; i += 2) {
    buf[o++] = ((path[i] as number) << 4) | (i + 1 < path.length ? (path[i + 1] as number) : 0);
  }
  buf.set(childHash, o);
  return sha256(buf.subarray(0, o + 32));
}

/** Hash of a branch whose children (where present) already carry their hashes. */
export function hashBranch(children: readonly (unknown | undefined)[], hashOf: (child: unknown) => Uint8Array): Uint8Array {
  const buf = ensure(3 + 16 * 32);
  buf[0] = BRANCH_TAG;
  let bitmap = 0;
  let o = 3;
  for (let i = 0; i < 16; i++) {
    const child = children[i];
    if (child === undefined) continue;
    bitmap |= 1 << (15 - i);
    buf.set(hashOf(child), o);
    o += 32;
  }
  buf[1] = bitmap >> 8;
  buf[2] = bitmap & 0xff;
  return sha256(buf.subarray(0, o));
}

/** The nibbles [from, to) of a key, as an extension path. */
export function keyNibbles(key: string, from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  for (let i = from; i < to; i++) out[i - from] = nibbleAt(key, i);
  return out;
}
