import { sha256Spans } from '../hash.js';
import type { HashArena } from './hashArena.js';
import { BRANCH_TAG, leafEncodingBound, MAX_BRANCH_BYTES, writeExtensionEncoding, writeLeafEncoding } from './hashing.js';
import { BranchNode, ExtensionNode, type LeafOps, type TrieNode } from './node.js';

type AnyNode = TrieNode<unknown>;
type AnyOps = LeafOps<unknown>;
/** Input per native call: large enough that the call overhead vanishes, small enough to stay in cache-friendly scratch. */
const CHUNK_BYTES = 1 << 20;

/**
 * Rehashes the invalid nodes of any number of tries that share one arena, level by level from
 * the deepest up: every node of a level is encoded into one buffer and the whole level hashed
 * by one native call that writes the digests straight into the nodes' arena slots. A block of
 * 100,000 transfers dirties ~350,000 nodes across the 1024 subtree tries; hashed one call at a
 * time that was ~20% of the ledger, batched it is a few percent.
 */
export class TrieHasher {
  /** Queued nodes per level (distance from their trie's top), the nibble depth each starts at, and their trie's LeafOps. */
  private readonly nodes: AnyNode[][] = [];
  private readonly depths: number[][] = [];
  private readonly ops: AnyOps[][] = [];
  private deepest = -1;
  private input: Uint8Array = new Uint8Array(1 << 16);
  private input32: Int32Array = new Int32Array(this.input.buffer);
  private spans: Uint32Array = new Uint32Array(1 << 12);
  private slots: Uint32Array = new Uint32Array(1 << 11);

  constructor(readonly arena: HashArena) {}

  /** Queues every node under `top` whose hash is not valid (the dirty paths), allocating slots. */
  collect<L>(top: TrieNode<L> | undefined, ops: LeafOps<L>): void {
    if (top !== undefined) this.visit(top, ops as AnyOps, 0, 0);
  }

  private visit(node: AnyNode, ops: AnyOps, depth: number, level: number): void {
    if (node instanceof BranchNode || node instanceof ExtensionNode) {
      if (node.hashValid) return;
      if (node.hashSlot < 0) node.hashSlot = this.arena.alloc();
    } else {
      if (ops.hashValid(node)) return;
      if (ops.hashSlot(node) < 0) ops.setHashSlot(node, this.arena.alloc());
    }
    if (level > this.deepest) {
      for (let l = this.deepest + 1; l <= level; l++) {
        this.nodes[l] ??= [];
        this.depths[l] ??= [];
        this.ops[l] ??= [];
      }
      this.deepest = level;
    }
    (this.nodes[level] as AnyNode[]).push(node);
    (this.depths[level] as number[]).push(depth);
    (this.ops[level] as AnyOps[]).push(ops);
    if (node instanceof BranchNode) {
      const children = node.children;
      for (let i = 0; i < 16; i++) {
        const c = children[i];
        if (c !== undefined) this.visit(c, ops, depth + 1, level + 1);
      }
    } else if (node instanceof ExtensionNode) {
      this.visit(node.child, ops, depth + node.path.length, level + 1);
    }
  }

  /** Hashes everything queued; afterwards every collected node is valid. */
  flush(): void {
    for (let level = this.deepest; level >= 0; level--) {
      const nodes = this.nodes[level] as AnyNode[];
      const depths = this.depths[level] as number[];
      const ops = this.ops[level] as AnyOps[];
      this.hashLevel(nodes, depths, ops);
      nodes.length = 0;
      depths.length = 0;
      ops.length = 0;
    }
    this.deepest = -1;
  }

  /**
   * Encodes and hashes one level, in native calls of up to CHUNK_BYTES of input: the nodes of a
   * level never depend on one another, and bounded chunks keep the scratch small even when
   * genesis hashes a million leaves in one level (it was ~100 MB at the peak of startup).
   */
  private hashLevel(nodes: AnyNode[], depths: number[], ops: AnyOps[]): void {
    const n = nodes.length;
    const hashes = this.arena.bytes; // stable: every slot was allocated in collect()
    const hashes32 = new Int32Array(hashes.buffer, hashes.byteOffset, hashes.length >> 2);
    let first = 0;
    let o = 0;
    for (let i = 0; i < n; i++) {
      const node = nodes[i] as AnyNode;
      const leafOps = ops[i] as AnyOps;
      // +3: a branch may start up to 3 bytes later, to align its child hashes.
      const bound =
        node instanceof BranchNode ? MAX_BRANCH_BYTES + 3 : node instanceof ExtensionNode ? 2 + node.path.length + 32 : leafEncodingBound(leafOps, node);
      if (o + bound > this.input.length) {
        const grown = new Uint8Array(Math.max(2 * this.input.length, (o + bound + 3) & ~3)); // whole words, for input32
        grown.set(this.input.subarray(0, o));
        this.setInput(grown);
      }
      const k = i - first;
      if (k === this.slots.length) {
        this.slots = growU32(this.slots, 2 * k);
        this.spans = growU32(this.spans, 4 * k);
      }
      if (node instanceof BranchNode) {
        o += (5 - (o & 3)) & 3; // the 3-byte header ends on a word boundary
        this.spans[2 * k] = o;
        o = this.writeBranch(o, node, leafOps, hashes32);
        this.slots[k] = node.hashSlot;
      } else if (node instanceof ExtensionNode) {
        this.spans[2 * k] = o;
        o = writeExtensionEncoding(this.input, o, node.path, hashes, slotOf(node.child, leafOps) * 32);
        this.slots[k] = node.hashSlot;
      } else {
        this.spans[2 * k] = o;
        o = writeLeafEncoding(leafOps, this.input, o, node, depths[i] as number);
        this.slots[k] = leafOps.hashSlot(node);
      }
      this.spans[2 * k + 1] = o;
      if (o >= CHUNK_BYTES || i === n - 1) {
        sha256Spans(this.input, this.spans, k + 1, hashes, this.slots);
        first = i + 1;
        o = 0;
      }
    }
    for (let i = 0; i < n; i++) {
      const node = nodes[i] as AnyNode;
      if (node instanceof BranchNode || node instanceof ExtensionNode) node.hashValid = true;
      else (ops[i] as AnyOps).setHashValid(node, true);
    }
  }

  private setInput(input: Uint8Array): void {
    this.input = input;
    this.input32 = new Int32Array(input.buffer);
  }

  /**
   * The branch encoding (hashing.ts) at `o`, where `o + 3` is a multiple of 4: the child hashes
   * then land on word boundaries and are copied 4 bytes at a time, as their arena slots are
   * (byte by byte this copy was the hasher's largest cost).
   */
  private writeBranch(o: number, node: BranchNode<unknown>, ops: AnyOps, hashes32: Int32Array): number {
    const input = this.input;
    const out32 = this.input32;
    const children = node.children;
    let w = (o + 3) >> 2;
    let bitmap = 0;
    for (let i = 0; i < 16; i++) {
      const child = children[i];
      if (child === undefined) continue;
      bitmap |= 1 << (15 - i);
      const s = slotOf(child, ops) << 3;
      for (let j = 0; j < 8; j++) out32[w + j] = hashes32[s + j] as number;
      w += 8;
    }
    input[o] = BRANCH_TAG;
    input[o + 1] = bitmap >> 8;
    input[o + 2] = bitmap & 0xff;
    return w << 2;
  }
}

function growU32(a: Uint32Array, length: number): Uint32Array {
  const grown = new Uint32Array(length);
  grown.set(a);
  return grown;
}

function slotOf(node: AnyNode, ops: AnyOps): number {
  return node instanceof BranchNode || node instanceof ExtensionNode ? node.hashSlot : ops.hashSlot(node);
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
