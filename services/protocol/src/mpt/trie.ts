import { EMPTY_HASH } from '../hash.js';
import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { HashArena } from './hashArena.js';
import { hasherFor, type TrieHasher } from './trieHasher.js';
import { BranchNode, ExtensionNode, leafNibble, nibbleAt, objectLeafOps, type LeafOps, type TrieLeaf, type TrieNode } from './node.js';

/**
 * A hexary Merkle Patricia Trie over fixed-length keys (WP 6.3: one per basic subtree).
 *
 * Writes only reshape the tree and clear cached hashes along the touched path; `root()` then
 * rehashes exactly the nodes whose hash was cleared — the dirty paths — once per block, however
 * many times a leaf changed in between. Hashes live in a HashArena, which tries may share so
 * that one TrieHasher rehashes many of them in a few native calls (see WorldState). The shape is canonical (branches have ≥ 2 children,
 * extensions sit only above branches), so the root depends on the set of (key, value) pairs
 * and never on the order they were written in.
 *
 * Leaves are the caller's: TrieLeaf objects by default, or anything a LeafOps reads (the world
 * state's leaves are account row numbers). When a leaf's value changes in place, call
 * `put(leaf)` again so its path is rehashed.
 */
export class PatriciaTrie<L = TrieLeaf> {
  private top: TrieNode<L> | undefined = undefined;
  private size_ = 0;

  /**
   * @param keyLength bytes in every key (20 for addresses).
   * @param arena where node hashes are cached; tries hashed together must share one.
   * @param ops how leaves are read; the default reads TrieLeaf objects.
   */
  constructor(
    readonly keyLength: number,
    readonly arena: HashArena = new HashArena(),
    readonly ops: LeafOps<L> = objectLeafOps as unknown as LeafOps<L>,
  ) {
    if (keyLength < 1 || keyLength > 127) {
      throw new ProtocolError(ProtocolErrorCode.invalidArgument, `trie key length must be 1..127 bytes, got ${keyLength}`);
    }
  }

  get size(): number {
    return this.size_;
  }

  /** Inserts a leaf, or replaces the leaf with the same key; in both cases its path is marked dirty. */
  put(leaf: L): void {
    const length = this.ops.keyLength(leaf);
    if (length !== this.keyLength) {
      throw new ProtocolError(ProtocolErrorCode.invalidArgument, `trie key must be ${this.keyLength} bytes, got ${length}`);
    }
    this.ops.setHashValid(leaf, false);
    this.top = this.insert(this.top, leaf, 0);
  }

  /** The leaf with this key, if any. */
  get(key: string): L | undefined {
    let node = this.top;
    let depth = 0;
    while (node !== undefined) {
      if (node instanceof BranchNode) {
        node = node.children[nibbleAt(key, depth++)];
      } else if (node instanceof ExtensionNode) {
        const p = node.path;
        for (let i = 0; i < p.length; i++) if (p[i] !== nibbleAt(key, depth + i)) return undefined;
        depth += p.length;
        node = node.child;
      } else {
        return this.hasKey(node, key) ? node : undefined;
      }
    }
    return undefined;
  }

  /** Removes the leaf with this key; returns whether there was one. */
  delete(key: string): boolean {
    if (key.length !== this.keyLength) return false;
    const before = this.size_;
    this.top = this.remove(this.top, key, 0);
    return this.size_ !== before;
  }

  /** The root hash (a copy), rehashing only what changed since the last call. */
  root(): Uint8Array {
    const hasher = hasherFor(this.arena);
    this.collectDirty(hasher);
    hasher.flush();
    return this.hashedRoot();
  }

  /** Queues this trie's dirty paths on a hasher of its arena (to be flushed with other tries'). */
  collectDirty(hasher: TrieHasher): void {
    hasher.collect(this.top, this.ops);
  }

  /** The root (a copy) once the dirty paths were collected and flushed. */
  hashedRoot(): Uint8Array {
    if (this.top === undefined) return EMPTY_HASH.slice(); // a copy, like every other root: callers may keep or change it
    if (!this.isValid(this.top)) {
      throw new ProtocolError(ProtocolErrorCode.invalidArgument, 'trie root read before its dirty paths were hashed');
    }
    return this.arena.copy(this.slotOf(this.top));
  }

  /** Nodes in the tree (leaves, branches, extensions): each holds one arena slot once hashed. */
  nodeCount(): number {
    let n = 0;
    const stack: TrieNode<L>[] = this.top === undefined ? [] : [this.top];
    while (stack.length > 0) {
      const node = stack.pop() as TrieNode<L>;
      n++;
      if (node instanceof BranchNode) for (const c of node.children) if (c !== undefined) stack.push(c);
      if (node instanceof ExtensionNode) stack.push(node.child);
    }
    return n;
  }

  /** Every leaf, in key order. */
  *leaves(): IterableIterator<L> {
    const stack: TrieNode<L>[] = this.top === undefined ? [] : [this.top];
    while (stack.length > 0) {
      const node = stack.pop() as TrieNode<L>;
      if (node instanceof BranchNode) {
        for (let i = 15; i >= 0; i--) {
          const c = node.children[i];
          if (c !== undefined) stack.push(c);
        }
      } else if (node instanceof ExtensionNode) stack.push(node.child);
      else yield node;
    }
  }

  private insert(node: TrieNode<L> | undefined, leaf: L, depth: number): TrieNode<L> {
    if (node === undefined) {
      this.size_++;
      return leaf;
    }
    if (node instanceof BranchNode) {
      const nib = leafNibble(this.ops, leaf, depth);
      node.children[nib] = this.insert(node.children[nib], leaf, depth + 1);
      node.hashValid = false;
      return node;
    }
    if (node instanceof ExtensionNode) {
      const path = node.path;
      let common = 0;
      while (common < path.length && path[common] === leafNibble(this.ops, leaf, depth + common)) common++;
      if (common === path.length) {
        node.child = this.insert(node.child, leaf, depth + path.length) as BranchNode<L>;
        node.hashValid = false;
        return node;
      }
      // Split the extension where the new key leaves it; the old extension node goes.
      this.discard(node);
      const branch = new BranchNode<L>();
      const rest = path.length - common - 1;
      branch.children[path[common] as number] = rest > 0 ? new ExtensionNode(path.slice(common + 1), node.child) : node.child;
      branch.children[leafNibble(this.ops, leaf, depth + common)] = leaf;
      this.size_++;
      return common > 0 ? new ExtensionNode(path.slice(0, common), branch) : branch;
    }
    if (node === leaf) return leaf; // the same leaf again: its path is dirty, the size unchanged
    const ops = this.ops;
    // Two leaves: equal keys (another object for the same key replaces the old one), or a branch
    // where their keys part, under an extension for the shared nibbles.
    const maxNibbles = this.keyLength * 2 - depth;
    let common = 0;
    while (common < maxNibbles && leafNibble(ops, node, depth + common) === leafNibble(ops, leaf, depth + common)) common++;
    if (common === maxNibbles) {
      this.discard(node);
      return leaf;
    }
    const branch = new BranchNode<L>();
    ops.setHashValid(node, false); // it moves deeper, so its remaining path (and hash) changes
    branch.children[leafNibble(ops, node, depth + common)] = node;
    branch.children[leafNibble(ops, leaf, depth + common)] = leaf;
    this.size_++;
    if (common === 0) return branch;
    const path = new Uint8Array(common);
    for (let i = 0; i < common; i++) path[i] = leafNibble(ops, leaf, depth + i);
    return new ExtensionNode(path, branch);
  }

  private remove(node: TrieNode<L> | undefined, key: string, depth: number): TrieNode<L> | undefined {
    if (node === undefined) return undefined;
    if (node instanceof BranchNode) {
      const nib = nibbleAt(key, depth);
      const child = node.children[nib];
      const before = this.size_;
      const next = this.remove(child, key, depth + 1);
      // A child changed in place keeps its identity: whether a leaf went is what says "dirty".
      if (this.size_ === before) return node;
      node.children[nib] = next;
      node.hashValid = false;
      return this.collapse(node);
    }
    if (node instanceof ExtensionNode) {
      const path = node.path;
      for (let i = 0; i < path.length; i++) if (path[i] !== nibbleAt(key, depth + i)) return node;
      const before = this.size_;
      const next = this.remove(node.child, key, depth + path.length);
      if (this.size_ === before) return node;
      if (next === node.child) {
        node.hashValid = false;
        return node;
      }
      this.discard(node);
      return this.joinExtension(path, next);
    }
    if (!this.hasKey(node, key)) return node;
    this.size_--;
    this.discard(node);
    return undefined;
  }

  /** A branch left with one child is replaced by that child, one nibble longer. */
  private collapse(branch: BranchNode<L>): TrieNode<L> | undefined {
    let only = -1;
    for (let i = 0; i < 16; i++) {
      if (branch.children[i] === undefined) continue;
      if (only !== -1) return branch; // two or more children: still a branch
      only = i;
    }
    this.discard(branch);
    if (only === -1) return undefined;
    return this.joinExtension(Uint8Array.of(only), branch.children[only]);
  }

  /** `path` above `child`, in canonical form: folded into a leaf, merged with an extension, or a new extension. */
  private joinExtension(path: Uint8Array, child: TrieNode<L> | undefined): TrieNode<L> | undefined {
    if (child === undefined) return undefined;
    if (child instanceof BranchNode) return new ExtensionNode(path, child);
    if (child instanceof ExtensionNode) {
      this.discard(child);
      const merged = new Uint8Array(path.length + child.path.length);
      merged.set(path);
      merged.set(child.path, path.length);
      return new ExtensionNode(merged, child.child);
    }
    this.ops.setHashValid(child, false); // the leaf moves up: its remaining path grows
    return child;
  }

  private hasKey(leaf: L, key: string): boolean {
    const ops = this.ops;
    if (ops.keyLength(leaf) !== key.length) return false;
    for (let i = 0; i < key.length; i++) if (ops.keyByte(leaf, i) !== key.charCodeAt(i)) return false;
    return true;
  }

  private isValid(node: TrieNode<L>): boolean {
    return node instanceof BranchNode || node instanceof ExtensionNode ? node.hashValid : this.ops.hashValid(node);
  }

  private slotOf(node: TrieNode<L>): number {
    return node instanceof BranchNode || node instanceof ExtensionNode ? node.hashSlot : this.ops.hashSlot(node);
  }

  /** A node leaves the tree: its hash slot goes back to the arena. */
  private discard(node: TrieNode<L>): void {
    this.arena.release(this.slotOf(node));
    if (node instanceof BranchNode || node instanceof ExtensionNode) {
      node.hashSlot = -1;
      node.hashValid = false;
    } else {
      this.ops.setHashSlot(node, -1);
      this.ops.setHashValid(node, false);
    }
  }
}
