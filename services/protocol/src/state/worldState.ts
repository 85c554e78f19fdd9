import { encodeAccount } from '../codec/account.js';
import { keyToBytes } from '../bytes.js';
import { ADDRESS_LENGTH, BST_BITS, BST_COUNT } from '../params.js';
import type { AccountState, Hash } from '../types.js';
import { PatriciaTrie } from '../mpt/trie.js';
import { HashArena } from '../mpt/hashArena.js';
import { hasherFor } from '../mpt/trieHasher.js';
import { naiveTrieRoot } from '../mpt/naive.js';
import { ValueLeaf } from '../mpt/valueLeaf.js';
import { AccountTable, type Account } from './accountTable.js';
import { stateRootOf } from './stateRoot.js';

/** The subtree of an address held as a latin1 key: its first 10 bits. */
export function bstIndexOfKey(key: string): number {
  return ((key.charCodeAt(0) << 8) | key.charCodeAt(1)) >>> (16 - BST_BITS);
}

/** The subtree of the address at `bytes[offset..offset+20)`. */
export function bstIndexAt(bytes: Uint8Array, offset: number): number {
  return (((bytes[offset] as number) << 8) | (bytes[offset + 1] as number)) >>> (16 - BST_BITS);
}

/**
 * One basic subtree (WP 6.3): its accounts (rows of the world state's AccountTable), their
 * trie, and which of them changed since the last commit. The unit that moves between workers
 * and logic nodes.
 */
export class BasicSubtree {
  readonly trie: PatriciaTrie<number>;
  /** Its accounts' rows, in creation order. */
  private readonly rows: number[] = [];
  /** Accounts changed since the last `clearDirty()`, each once (the table's dirty flag says who is in). */
  private dirty: number[] = [];
  private cachedRoot: Hash | null = null;
  /** An account changed since the root was last computed. */
  private unhashed = false;

  /** @param arena where its trie caches hashes: the world state shares one across subtrees so they hash together. */
  constructor(
    readonly index: number,
    readonly table: AccountTable,
    arena: HashArena = new HashArena(),
  ) {
    this.trie = new PatriciaTrie<number>(ADDRESS_LENGTH, arena, table);
  }

  get size(): number {
    return this.rows.length;
  }

  /** The row of the address at `bytes[offset..offset+20)` (an address of this subtree), or -1. */
  find(bytes: Uint8Array, offset: number): number {
    return this.table.find(bytes, offset);
  }

  /** The account's row, created empty (and so not yet in the trie) if it does not exist. */
  getOrCreate(bytes: Uint8Array, offset: number): number {
    const row = this.table.find(bytes, offset);
    if (row >= 0) return row;
    const created = this.table.insert(bytes, offset);
    this.rows.push(created);
    return created;
  }

  /** Snapshots of its accounts, in creation order. */
  *accounts(): IterableIterator<Account> {
    for (const row of this.rows) yield this.table.view(row);
  }

  /** Records that an account's state changed in this block. */
  markDirty(row: number): void {
    this.unhashed = true;
    if (this.table.markDirty(row)) return;
    this.dirty.push(row);
  }

  get dirtyRows(): readonly number[] {
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
    for (const row of this.dirty) this.trie.put(row);
  }

  /** Reads the root after its dirty paths were hashed together with other subtrees' (WorldState.root). */
  adoptHashedRoot(): Hash {
    this.cachedRoot = this.trie.hashedRoot();
    this.unhashed = false;
    return this.cachedRoot;
  }

  /** Forgets the dirty set after the block's changes are durable. */
  clearDirty(): void {
    for (const row of this.dirty) this.table.clearDirty(row);
    this.dirty = [];
  }
}

/** Accounts named by row, read from their table (the accounts a block changed, for the store). */
export interface AccountRows {
  readonly table: AccountTable;
  readonly rows: Int32Array;
}

/**
 * The global state (WP 6.3): 1024 basic subtrees by the first 10 bits of the address, and
 * state_root as the Merkle root of their roots. Pure and in memory; persistence is the logic
 * node's job. The accounts themselves live in one AccountTable; a subtree holds their rows.
 */
export class WorldState {
  readonly table: AccountTable;
  /** One arena for every subtree's trie, so one hasher rehashes all 1024 in a few native calls. */
  readonly arena = new HashArena(1 << 16);
  readonly subtrees: BasicSubtree[];

  /** @param expectedAccounts rows to reserve up front (genesis, reload), sparing the doublings. */
  constructor(expectedAccounts = 1024) {
    this.table = new AccountTable(expectedAccounts);
    this.subtrees = Array.from({ length: BST_COUNT }, (_, i) => new BasicSubtree(i, this.table, this.arena));
  }

  subtreeOf(key: string): BasicSubtree {
    return this.subtrees[bstIndexOfKey(key)] as BasicSubtree;
  }

  /** A snapshot of the account with this latin1 address key, or undefined. */
  get(key: string): Account | undefined {
    const row = this.findKey(key);
    return row < 0 ? undefined : this.table.view(row);
  }

  /** The row of the account with this latin1 address key, or -1. */
  findKey(key: string): number {
    return key.length === ADDRESS_LENGTH ? this.table.find(keyToBytes(key), 0) : -1;
  }

  /** The subtree of the address at `bytes[offset..offset+20)`. */
  subtreeAt(bytes: Uint8Array, offset: number): BasicSubtree {
    return this.subtrees[bstIndexAt(bytes, offset)] as BasicSubtree;
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
  dirtyAccounts(): AccountRows {
    let n = 0;
    for (const s of this.subtrees) n += s.dirtyRows.length;
    const rows = new Int32Array(n);
    let at = 0;
    for (const s of this.subtrees) for (const row of s.dirtyRows) rows[at++] = row;
    return { table: this.table, rows };
  }

  clearDirty(): void {
    for (const s of this.subtrees) s.clearDirty();
  }

  /** Snapshots of every account, subtree by subtree. */
  *accounts(): IterableIterator<Account> {
    for (const s of this.subtrees) yield* s.accounts();
  }

  get accountCount(): number {
    return this.table.size;
  }
}

/**
 * The state root of a list of accounts computed from scratch, with no incremental state and
 * none of the table's code: each account encoded by `encodeAccount` into a plain leaf. The reference.
 */
export function naiveStateRoot(accounts: Iterable<AccountState & { readonly key: string }>): Hash {
  const bySubtree: ValueLeaf[][] = Array.from({ length: BST_COUNT }, () => []);
  for (const a of accounts) (bySubtree[bstIndexOfKey(a.key)] as ValueLeaf[]).push(new ValueLeaf(a.key, encodeAccount(a)));
  return stateRootOf(bySubtree.map((list) => naiveTrieRoot(list)));
}
