import { sha256Spans } from '../hash.js';
import type { HashArena } from './hashArena.js';
import { leafEncodingBound, MAX_BRANCH_BYTES, writeBranchEncoding, writeExtensionEncoding, writeLeafEncoding } from './hashing.js';
import { BranchNode, ExtensionNode, type TrieLeaf, type TrieNode } from './node.js';

type AnyNode = TrieNode<TrieLeaf>;
/** Scratch a hasher keeps between flushes: enough for a 100,000-transfer block's levels. */
const SCRATCH_KEPT_BYTES = 32 << 20;

/**
 * Rehashes the invalid nodes of any number of tries that share one arena, level by level from
 * the deepest up: every node of a level is encoded into one buffer and the whole level hashed
 * by one native call that writes the digests straight into the nodes' arena slots. A block of
 * 100,000 transfers dirties ~350,000 nodes across the 1024 subtree tries; hashed one call at a
 * time that was ~20% of the ledger, batched it is a few percent.
 */
export class TrieHasher {
  /** Queued nodes per level (distance from their trie's top) and the nibble depth each starts at. */
  private readonly nodes: AnyNode[][] = [];
  private readonly depths: number[][] = [];
  private deepest = -1;
  private input = new Uint8Array(1 << 16);
  private spans = new Uint32Array(1 << 12);
  private slots = new Uint32Array(1 << 11);

  constructor(readonly arena: HashArena) {}

  /** Queues every node under `top` whose hash is not valid (the dirty paths), allocating slots. */
  collect(top: AnyNode | undefined): void {
    if (top !== undefined) this.visit(top, 0, 0);
  }

  private visit(node: AnyNode, depth: number, level: number): void {
    if (node.hashValid) return;
    if (node.hashSlot < 0) node.hashSlot = this.arena.alloc();
    if (level > this.deepest) {
      for (let l = this.deepest + 1; l <= level; l++) {
        this.nodes[l] ??= [];
        this.depths[l] ??= [];
      }
      this.deepest = level;
    }
    (this.nodes[level] as AnyNode[]).push(node);
    (this.depths[level] as number[]).push(depth);
    if (node instanceof BranchNode) {
      const children = node.children;
      for (let i = 0; i < 16; i++) {
        const c = children[i];
        if (c !== undefined) this.visit(c, depth + 1, level + 1);
      }
    } else if (node instanceof ExtensionNode) {
      this.visit(node.child, depth + node.path.length, level + 1);
    }
  }

  /** Hashes everything queued; afterwards every collected node is valid. */
  flush(): void {
    for (let level = this.deepest; level >= 0; level--) {
      const nodes = this.nodes[level] as AnyNode[];
      const depths = this.depths[level] as number[];
      this.hashLevel(nodes, depths);
      nodes.length = 0;
      depths.length = 0;
    }
    this.deepest = -1;
    // Genesis hashes a million leaves in one level; do not keep its ~100 MB of scratch for ever.
    if (this.input.length > SCRATCH_KEPT_BYTES) this.input = new Uint8Array(1 << 16);
    if (this.slots.length > SCRATCH_KEPT_BYTES / 32) {
      this.slots = new Uint32Array(1 << 11);
      this.spans = new Uint32Array(1 << 12);
    }
  }

  private hashLevel(nodes: AnyNode[], depths: number[]): void {
    const n = nodes.length;
    if (n === 0) return;
    if (this.slots.length < n) {
      this.slots = new Uint32Array(n * 2);
      this.spans = new Uint32Array(n * 4);
    }
    const hashes = this.arena.bytes; // stable: every slot was allocated in collect()
    const spans = this.spans;
    const slots = this.slots;
    let input = this.input;
    let o = 0;
    for (let i = 0; i < n; i++) {
      const node = nodes[i] as AnyNode;
      const bound =
        node instanceof BranchNode ? MAX_BRANCH_BYTES : node instanceof ExtensionNode ? 2 + node.path.length + 32 : leafEncodingBound(node);
      if (o + bound > input.length) {
        const grown = new Uint8Array(Math.max(2 * input.length, o + bound));
        grown.set(input.subarray(0, o));
        this.input = input = grown;
      }
      spans[2 * i] = o;
      if (node instanceof BranchNode) o = writeBranchEncoding(input, o, node.children, hashes, slotOffset);
      else if (node instanceof ExtensionNode) o = writeExtensionEncoding(input, o, node.path, hashes, node.child.hashSlot * 32);
      else o = writeLeafEncoding(input, o, node, depths[i] as number);
      spans[2 * i + 1] = o;
      slots[i] = node.hashSlot;
    }
    sha256Spans(input, spans, n, hashes, slots);
    for (let i = 0; i < n; i++) (nodes[i] as AnyNode).hashValid = true;
  }
}

function slotOffset(child: AnyNode): number {
  return child.hashSlot * 32;
}

const hashers = new WeakMap<HashArena, TrieHasher>();

/** The hasher of an arena (one per arena, reused so its buffers are too). */
export function hasherFor(arena: HashArena): TrieHasher {
  let h = hashers.get(arena);
  if (h === undefined) {
    h = new TrieHasher(arena);
    hashers.set(arena, h);
  }
  return h;
}
