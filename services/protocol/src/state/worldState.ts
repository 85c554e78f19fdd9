import { bstIndexOf } from '../address.js';
import { keyToBytes } from '../bytes.js';
import { ADDRESS_LENGTH, BST_COUNT } from '../params.js';
import type { Hash } from '../types.js';
import { PatriciaTrie } from '../mpt/trie.js';
import { HashArena } from '../mpt/hashArena.js';
import { hasherFor } from '../mpt/trieHasher.js';
import { naiveTrieRoot } from '../mpt/naive.js';
import { AccountLeaf } from './accountLeaf.js';
import { stateRootOf } from './stateRoot.js';

/** The subtree of an address held as a latin1 key: its first 10 bits. */
export function bstIndexOfKey(key: string): number {
  return ((key.charCodeAt(0) << 8) | key.charCodeAt(1)) >>> 6;
}

/**
 * One basic subtree (WP 6.3): its accounts, their trie, and which of them changed since the
 * last commit. The unit that moves between workers and logic nodes.
 */
export class BasicSubtree {
  readonly accounts = new Map<string, AccountLeaf>();
  readonly trie: PatriciaTrie<AccountLeaf>;
  /** Accounts changed since the last `commit()`, each once. */
  private dirty: AccountLeaf[] = [];
  private cachedRoot: Hash | null = null;
  /** An account changed since the root was last computed. */
  private unhashed = false;

  /** @param arena where its trie caches hashes: the world state shares one across subtrees so they hash together. */
  constructor(
    readonly index: number,
    arena: HashArena = new HashArena(),
  ) {
    this.trie = new PatriciaTrie<AccountLeaf>(ADDRESS_LENGTH, arena);
  }

  get(key: string): AccountLeaf | undefined {
    return this.accounts.get(key);
  }

  /** The account, created empty (and so not yet in the trie) if it does not exist. */
  getOrCreate(key: string): AccountLeaf {
    let a = this.accounts.get(key);
    if (a === undefined) {
      a = new AccountLeaf(key);
      this.accounts.set(key, a);
    }
    return a;
  }

  /** Records that an account's state changed in this block. */
  markDirty(account: AccountLeaf): void {
    this.unhashed = true;
    if (account.dirty) return;
    account.dirty = true;
    this.dirty.push(account);
  }

  get dirtyAccounts(): readonly AccountLeaf[] {
    return this.dirty;
  }

  /** Puts every dirty account into the trie and returns the root; only the dirty paths are rehashed. */
  root(): Hash {
    if (!this.stale) return this.cachedRoot as Hash;
    this.putDirty();
    this.cachedRoot = this.trie.root();
    this.unhashed = false;
    return this.cachedRoot;
  }

  /** Whether the root must be recomputed (the trie changed since it was last read). */
  get stale(): boolean {
    return this.cachedRoot === null || this.unhashed;
  }

  /** Puts the dirty accounts into the trie (marking their paths for rehashing). */
  putDirty(): void {
    for (const a of this.dirty) this.trie.put(a);
  }

  /** Reads the root after its dirty paths were hashed together with other subtrees' (WorldState.root). */
  adoptHashedRoot(): Hash {
    this.cachedRoot = this.trie.hashedRoot();
    this.unhashed = false;
    return this.cachedRoot;
  }

  /** Forgets the dirty set after the block's changes are durable. */
  clearDirty(): void {
    for (const a of this.dirty) a.dirty = false;
    this.dirty = [];
  }
}

/**
 * The global state (WP 6.3): 1024 basic subtrees by the first 10 bits of the address, and
 * state_root as the Merkle root of their roots. Pure and in memory; persistence is the logic
 * node's job.
 */
export class WorldState {
  /** One arena for every subtree's trie, so one hasher rehashes all 1024 in a few native calls. */
  readonly arena = new HashArena(1 << 16);
  readonly subtrees: BasicSubtree[] = Array.from({ length: BST_COUNT }, (_, i) => new BasicSubtree(i, this.arena));

  subtreeOf(key: string): BasicSubtree {
    return this.subtrees[bstIndexOfKey(key)] as BasicSubtree;
  }

  get(key: string): AccountLeaf | undefined {
    return this.subtreeOf(key).get(key);
  }

  /**
   * The state root, rehashing only the subtrees and paths changed since the last call: the dirty
   * paths of every stale subtree are hashed together, level by level across all of them.
   */
  root(): Hash {
    const hasher = hasherFor(this.arena);
    const stale = this.subtrees.filter((s) => s.stale);
    for (const s of stale) {
      s.putDirty();
      s.trie.collectDirty(hasher);
    }
    hasher.flush();
    for (const s of stale) s.adoptHashedRoot();
    return stateRootOf(this.subtrees.map((s) => s.root()));
  }

  /** Every account that changed since the last clearDirty, subtree by subtree. */
  *dirtyAccounts(): IterableIterator<AccountLeaf> {
    for (const s of this.subtrees) yield* s.dirtyAccounts;
  }

  clearDirty(): void {
    for (const s of this.subtrees) s.clearDirty();
  }

  get accountCount(): number {
    let n = 0;
    for (const s of this.subtrees) n += s.accounts.size;
    return n;
  }
}

/** The state root of a list of accounts computed from scratch, with no incremental state: the reference. */
export function naiveStateRoot(accounts: Iterable<AccountLeaf>): Hash {
  const bySubtree: AccountLeaf[][] = Array.from({ length: BST_COUNT }, () => []);
  for (const a of accounts) (bySubtree[bstIndexOf(keyToBytes(a.key))] as AccountLeaf[]).push(a);
  return stateRootOf(bySubtree.map((list) => naiveTrieRoot(list)));
}
