/**
 * Node shapes of the hexary Merkle Patricia Trie (WP 6.3). Keys are fixed-length byte strings
 * held as latin1 strings (one char per byte): cheap to compare, to use as Map keys and to read
 * nibbles from. A leaf is any object of the caller's that carries its key, a cached hash and a
 * way to write its value — the ledger's account record is its own leaf, so 1M accounts do not
 * cost 1M extra node objects.
 *
 * Cached hashes live in the trie's HashArena; a node holds only its slot index (-1 before its
 * first hashing).
 */
export interface TrieLeaf {
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

/** 16-way branch. Invariant: at least two children (a branch with one would not be canonical). */
export class BranchNode<L extends TrieLeaf> {
  readonly children: (TrieNode<L> | undefined)[] = new Array(16);
  hashSlot = -1;
  hashValid = false;
}

/**
 * A run of nibbles shared by everything below. Invariants: the path is non-empty and the child
 * is a branch (an extension over a leaf is folded into the leaf's path).
 */
export class ExtensionNode<L extends TrieLeaf> {
  hashSlot = -1;
  hashValid = false;
  constructor(
    public path: Uint8Array,
    public child: BranchNode<L>,
  ) {}
}

export type TrieNode<L extends TrieLeaf> = BranchNode<L> | ExtensionNode<L> | L;

/** The nibble at position `i` of a latin1 key (high nibble of each byte first). */
export function nibbleAt(key: string, i: number): number {
  const byte = key.charCodeAt(i >> 1);
  return i & 1 ? byte & 0x0f : byte >> 4;
}

/** Number of equal leading nibbles of two keys from position `from`, up to `limit` nibbles. */
export function commonNibbles(a: string, b: string, from: number, limit: number): number {
  let n = 0;
  while (n < limit && nibbleAt(a, from + n) === nibbleAt(b, from + n)) n++;
  return n;
}
