import { bstIndexOf } from '../address.js';
import { keyToBytes } from '../bytes.js';
import { ADDRESS_LENGTH, BST_COUNT } from '../params.js';
import type { Hash } from '../types.js';
import { PatriciaTrie } from '../mpt/trie.js';
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
  readonly trie = new PatriciaTrie<AccountLeaf>(ADDRESS_LENGTH);
  /** Accounts changed since the last `commit()`, each once. */
  private dirty: AccountLeaf[] = [];
  private readonly dirtySet = new Set<AccountLeaf>();
  private cachedRoot: Hash | null = null;

  constructor(readonly index: number) {}

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
    if (this.dirtySet.has(account)) return;
    this.dirtySet.add(account);
    this.dirty.push(account);
  }

  get dirtyAccounts(): readonly AccountLeaf[] {
    return this.dirty;
  }

  /** Puts every dirty account into the trie and returns the root; only the dirty paths are rehashed. */
  root(): Hash {
    if (this.dirty.length === 0 && this.cachedRoot !== null) return this.cachedRoot;
    for (const a of this.dirty) this.trie.put(a);
    this.cachedRoot = this.trie.root();
    return this.cachedRoot;
  }

  /** Forgets the dirty set after the block's changes are durable. */
  clearDirty(): void {
    this.dirty = [];
    this.dirtySet.clear();
  }
}

/**
 * The global state (WP 6.3): 1024 basic subtrees by the first 10 bits of the address, and
 * state_root as the Merkle root of their roots. Pure and in memory; persistence is the logic
 * node's job.
 */
export class WorldState {
  readonly subtrees: BasicSubtree[] = Array.from({ length: BST_COUNT }, (_, i) => new BasicSubtree(i));

  subtreeOf(key: string): BasicSubtree {
    return this.subtrees[bstIndexOfKey(key)] as BasicSubtree;
  }

  get(key: string): AccountLeaf | undefined {
    return this.subtreeOf(key).get(key);
  }

  /** The state root, rehashing only the subtrees and paths changed since the last call. */
  root(): Hash {
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
