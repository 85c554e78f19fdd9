/**
 * Node shapes of the hexary Merkle Patricia Trie (WP 6.3). Branches and extensions are the
 * trie's own objects; a leaf is whatever the caller keeps its records as, reached through a
 * LeafOps: an object carrying its key (TrieLeaf, for contract storage and tests) or a plain
 * number naming a row of a columnar table (the ledger's accounts, see AccountTable), so a
 * million accounts cost neither a million leaf objects nor a million key strings.
 *
 * Cached hashes live in the trie's HashArena; a node holds only its slot index (-1 before its
 * first hashing).
 */
export interface TrieLeaf {
  /** The key as a latin1 string (one char per byte). */
  readonly key: string;
  /** Slot of this leaf's cached hash in the trie's arena; -1 before the first hashing. */
  hashSlot: number;
  /** Whether the slot holds the hash of this leaf at its current depth and value. */
  hashValid: boolean;
  /** Writes the canonical value encoding at `offset` of `out` (at least `maxValueBytes` free); returns the end offset. */
  writeValue(out: Uint8Array, offset: number): number;
  /** An upper bound of what writeValue writes. */
  readonly maxValueBytes: number;
}

/**
 * How a trie reads and marks its leaves. A leaf must never be a BranchNode or an ExtensionNode
 * (the trie tells them apart with instanceof).
 */
export interface LeafOps<L> {
  /** Byte `i` of the leaf's key. */
  keyByte(leaf: L, i: number): number;
  keyLength(leaf: L): number;
  hashSlot(leaf: L): number;
  setHashSlot(leaf: L, slot: number): void;
  hashValid(leaf: L): boolean;
  setHashValid(leaf: L, valid: boolean): void;
  /** An upper bound of what writeValue writes. */
  maxValueBytes(leaf: L): number;
  /** Writes the canonical value encoding at `offset` of `out`; returns the end offset. */
  writeValue(leaf: L, out: Uint8Array, offset: number): number;
}

/** The LeafOps of object leaves (TrieLeaf): the trie's default. */
export const objectLeafOps: LeafOps<TrieLeaf> = {
  keyByte: (leaf, i) => leaf.key.charCodeAt(i),
  keyLength: (leaf) => leaf.key.length,
  hashSlot: (leaf) => leaf.hashSlot,
  setHashSlot: (leaf, slot) => {
    leaf.hashSlot = slot;
  },
  hashValid: (leaf) => leaf.hashValid,
  setHashValid: (leaf, valid) => {
    leaf.hashValid = valid;
  },
  maxValueBytes: (leaf) => leaf.maxValueBytes,
  writeValue: (leaf, out, offset) => leaf.writeValue(out, offset),
};

/** 16-way branch. Invariant: at least two children (a branch with one would not be canonical). */
export class BranchNode<L> {
  readonly children: (TrieNode<L> | undefined)[] = new Array(16);
  hashSlot = -1;
  hashValid = false;
}

/**
 * A run of nibbles shared by everything below. Invariants: the path is non-empty and the child
 * is a branch (an extension over a leaf is folded into the leaf's path).
 */
export class ExtensionNode<L> {
  hashSlot = -1;
  hashValid = false;
  constructor(
    public path: Uint8Array,
    public child: BranchNode<L>,
  ) {}
}

export type TrieNode<L> = BranchNode<L> | ExtensionNode<L> | L;

/** The nibble at position `i` of a latin1 key (high nibble of each byte first). */
export function nibbleAt(key: string, i: number): number {
  const byte = key.charCodeAt(i >> 1);
  return i & 1 ? byte & 0x0f : byte >> 4;
}

/** The nibble at position `i` of a leaf's key. */
export function leafNibble<L>(ops: LeafOps<L>, leaf: L, i: number): number {
  const byte = ops.keyByte(leaf, i >> 1);
  return i & 1 ? byte & 0x0f : byte >> 4;
}

/** Number of equal leading nibbles of two keys from position `from`, up to `limit` nibbles. */
export function commonNibbles(a: string, b: string, from: number, limit: number): number {
  let n = 0;
  while (n < limit && nibbleAt(a, from + n) === nibbleAt(b, from + n)) n++;
  return n;
}
