import { ACCOUNT_VERSION, ADDRESS_LENGTH } from '../params.js';
import { EMPTY_HASH, HASH_LENGTH } from '../hash.js';
import { bytesEqual } from '../bytes.js';
import { writeVarintInto } from '../codec/varint.js';
import type { AccountState, Hash } from '../types.js';
import type { LeafOps } from '../mpt/node.js';
import { AddressIndex } from './addressIndex.js';

/** An account read out of the table: a snapshot made on demand (queries, tests), not a live record. */
export interface Account extends AccountState {
  /** The 20-byte address as a latin1 string. */
  readonly key: string;
}

/** 1 + u64 varint + u128 varint + two hashes: the longest account encoding. */
export const ACCOUNT_VALUE_MAX_BYTES = 1 + 10 + 19 + 32 + 32;

const SAFE = Number.MAX_SAFE_INTEGER;
const SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);

// Row flags.
const BIG_NONCE = 1; // the nonce is in bigNonces, not the number column
const BIG_BALANCE = 2; // the balance is in bigBalances
const HASH_VALID = 4; // the trie leaf's arena slot holds its current hash
const DIRTY = 8; // in its subtree's dirty list
const HAS_HASHES = 16; // a code hash or storage root other than EMPTY_HASH, in codeHashes/storageRoots

/** What `debit` did: the ledger's W rules on the balance (TxWorker). */
export const Debit = { none: 0, feeOnly: 1, all: 2 } as const;
export type Debit = (typeof Debit)[keyof typeof Debit];

/**
 * Every account of the world state in columns, one row per account (rows are numbered in
 * creation order and never reused: accounts are not deleted). One object per account with
 * bigint fields and a string key made a million accounts ~250 MB of heap that every garbage
 * collection traced, and each update stored a fresh bigint into an old object (a remembered-set
 * entry, and a copy at the next scavenge); typed-array columns hold the same state in ~60 bytes
 * a row that the collector never looks into.
 *
 * Nonce and balance are exact: a value up to 2^53 − 1 lives in a Float64 column and is computed
 * on in doubles (exact in that range, and every fast-path result is checked to stay in it);
 * anything larger moves to a bigint side table, flagged per row, and is computed on in bigint.
 * Code hash and storage root are EMPTY_HASH for every plain account, so only other values are
 * kept, in side maps.
 *
 * The table is also its tries' LeafOps: a trie leaf is a row number.
 */
export class AccountTable implements LeafOps<number> {
  private readonly index: AddressIndex;
  private nonces: Float64Array;
  private balances: Float64Array;
  private flags: Uint8Array;
  private hashSlots: Int32Array;
  /** Operations applied in block `seqBlocks[row]` (WP 6.6 numbering); block numbers start at 1. */
  private seqs: Int32Array;
  private seqBlocks: Int32Array;
  private readonly bigNonces = new Map<number, bigint>();
  private readonly bigBalances = new Map<number, bigint>();
  private readonly codeHashes = new Map<number, Hash>();
  private readonly storageRoots = new Map<number, Hash>();

  constructor(initialRows = 1024) {
    this.index = new AddressIndex(initialRows);
    const rows = this.index.capacity;
    this.nonces = new Float64Array(rows);
    this.balances = new Float64Array(rows);
    this.flags = new Uint8Array(rows);
    this.hashSlots = new Int32Array(rows);
    this.seqs = new Int32Array(rows);
    this.seqBlocks = new Int32Array(rows);
  }

  get size(): number {
    return this.index.size;
  }

  /** The row of the address at `bytes[offset..offset+20)`, or -1. */
  find(bytes: Uint8Array, offset: number): number {
    return this.index.find(bytes, offset);
  }

  /** Adds an empty account (nonce 0, balance 0, empty code and storage); the address must be new. */
  insert(bytes: Uint8Array, offset: number): number {
    const row = this.index.insert(bytes, offset);
    if (this.index.capacity > this.nonces.length) this.grow(this.index.capacity);
    this.hashSlots[row] = -1;
    return row;
  }

  /** The packed address column (row r at [20r, 20r + 20)); replaced when the table grows. */
  get addresses(): Uint8Array {
    return this.index.bytes;
  }

  keyOf(row: number): string {
    return this.index.keyOf(row);
  }

  view(row: number): Account {
    return { key: this.keyOf(row), nonce: this.nonce(row), balance: this.balance(row), codeHash: this.codeHash(row), storageRoot: this.storageRoot(row) };
  }

  nonce(row: number): bigint {
    return this.flags[row]! & BIG_NONCE ? (this.bigNonces.get(row) as bigint) : BigInt(this.nonces[row]!);
  }

  setNonce(row: number, value: bigint): void {
    if (value <= SAFE_BIG) {
      this.nonces[row] = Number(value);
      this.flags[row]! &= ~BIG_NONCE;
      this.bigNonces.delete(row);
    } else {
      this.bigNonces.set(row, value);
      this.flags[row]! |= BIG_NONCE;
    }
  }

  /** Whether the account's nonce is `value`, without making a bigint. */
  nonceIs(row: number, value: bigint): boolean {
    if (this.flags[row]! & BIG_NONCE) return this.bigNonces.get(row) === value;
    return value <= SAFE_BIG && Number(value) === this.nonces[row];
  }

  incrementNonce(row: number): void {
    const n = this.nonces[row]!;
    if ((this.flags[row]! & BIG_NONCE) === 0 && n < SAFE) this.nonces[row] = n + 1;
    else this.setNonce(row, this.nonce(row) + 1n);
  }

  balance(row: number): bigint {
    return this.flags[row]! & BIG_BALANCE ? (this.bigBalances.get(row) as bigint) : BigInt(this.balances[row]!);
  }

  setBalance(row: number, value: bigint): void {
    if (value <= SAFE_BIG) {
      this.balances[row] = Number(value);
      this.flags[row]! &= ~BIG_BALANCE;
      this.bigBalances.delete(row);
    } else {
      this.bigBalances.set(row, value);
      this.flags[row]! |= BIG_BALANCE;
    }
  }

  /** Adds to the balance. The caller guarantees no overflow past u128 (total supply is a genesis invariant). */
  credit(row: number, amount: bigint): void {
    if ((this.flags[row]! & BIG_BALANCE) === 0 && amount <= SAFE_BIG) {
      // Exact below 2^53; a true sum at or above it rounds to at least 2^53, so the check holds.
      const sum = this.balances[row]! + Number(amount);
      if (sum <= SAFE) {
        this.balances[row] = sum;
        return;
      }
    }
    this.setBalance(row, this.balance(row) + amount);
  }

  /**
   * The balance side of a withdrawal: below the fee, nothing is taken (`none`); covering the fee
   * but not fee + amount, the fee alone is taken (`feeOnly`); otherwise both are (`all`).
   */
  debit(row: number, amount: bigint, fee: bigint): Debit {
    if ((this.flags[row]! & BIG_BALANCE) === 0 && amount <= SAFE_BIG && fee <= SAFE_BIG) {
      // Every operand is a safe integer and every difference is taken only when non-negative: exact.
      const balance = this.balances[row]!;
      const f = Number(fee);
      if (balance < f) return Debit.none;
      const afterFee = balance - f;
      const a = Number(amount);
      if (afterFee < a) {
        this.balances[row] = afterFee;
        return Debit.feeOnly;
      }
      this.balances[row] = afterFee - a;
      return Debit.all;
    }
    const balance = this.balance(row);
    if (balance < fee) return Debit.none;
    if (balance - fee < amount) {
      this.setBalance(row, balance - fee);
      return Debit.feeOnly;
    }
    this.setBalance(row, balance - fee - amount);
    return Debit.all;
  }

  codeHash(row: number): Hash {
    return this.flags[row]! & HAS_HASHES ? (this.codeHashes.get(row) ?? EMPTY_HASH) : EMPTY_HASH;
  }

  storageRoot(row: number): Hash {
    return this.flags[row]! & HAS_HASHES ? (this.storageRoots.get(row) ?? EMPTY_HASH) : EMPTY_HASH;
  }

  setCodeHash(row: number, hash: Hash): void {
    this.setHash(this.codeHashes, row, hash);
  }

  setStorageRoot(row: number, hash: Hash): void {
    this.setHash(this.storageRoots, row, hash);
  }

  private setHash(map: Map<number, Hash>, row: number, hash: Hash): void {
    if (bytesEqual(hash, EMPTY_HASH)) map.delete(row);
    else map.set(row, hash.slice());
    if (this.codeHashes.has(row) || this.storageRoots.has(row)) this.flags[row]! |= HAS_HASHES;
    else this.flags[row]! &= ~HAS_HASHES;
  }

  /** Sets the dirty mark; returns whether it was already set. */
  markDirty(row: number): boolean {
    const f = this.flags[row]!;
    this.flags[row] = f | DIRTY;
    return (f & DIRTY) !== 0;
  }

  clearDirty(row: number): void {
    this.flags[row]! &= ~DIRTY;
  }

  /**
   * The account's next operation number in `block` (WP 6.6), counting from `start` if this is
   * its first operation in the block.
   */
  nextSeq(row: number, block: number, start: number): number {
    if (this.seqBlocks[row] !== block) {
      this.seqBlocks[row] = block;
      this.seqs[row] = start;
    }
    return this.seqs[row]!++;
  }

  /** Writes `encodeAccount` of the row's state (a test holds the two equal); returns the end offset. */
  writeValue(row: number, out: Uint8Array, offset: number): number {
    const flags = this.flags[row]!;
    out[offset++] = ACCOUNT_VERSION;
    offset = flags & BIG_NONCE ? writeVarintInto(out, offset, this.bigNonces.get(row) as bigint) : writeSafeVarint(out, offset, this.nonces[row]!);
    offset = flags & BIG_BALANCE ? writeVarintInto(out, offset, this.bigBalances.get(row) as bigint) : writeSafeVarint(out, offset, this.balances[row]!);
    if (flags & HAS_HASHES) {
      out.set(this.codeHash(row), offset);
      out.set(this.storageRoot(row), offset + HASH_LENGTH);
    } else {
      out.set(EMPTY_HASH, offset);
      out.set(EMPTY_HASH, offset + HASH_LENGTH);
    }
    return offset + 2 * HASH_LENGTH;
  }

  // LeafOps<number>: the tries' leaves are rows.
  keyByte(row: number, i: number): number {
    return this.index.bytes[row * ADDRESS_LENGTH + i]!;
  }

  keyLength(): number {
    return ADDRESS_LENGTH;
  }

  hashSlot(row: number): number {
    return this.hashSlots[row]!;
  }

  setHashSlot(row: number, slot: number): void {
    this.hashSlots[row] = slot;
  }

  hashValid(row: number): boolean {
    return (this.flags[row]! & HASH_VALID) !== 0;
  }

  setHashValid(row: number, valid: boolean): void {
    if (valid) this.flags[row]! |= HASH_VALID;
    else this.flags[row]! &= ~HASH_VALID;
  }

  maxValueBytes(): number {
    return ACCOUNT_VALUE_MAX_BYTES;
  }

  private grow(rows: number): void {
    const f64 = (a: Float64Array) => {
      const g = new Float64Array(rows);
      g.set(a);
      return g;
    };
    const i32 = (a: Int32Array) => {
      const g = new Int32Array(rows);
      g.set(a);
      return g;
    };
    this.nonces = f64(this.nonces);
    this.balances = f64(this.balances);
    const flags = new Uint8Array(rows);
    flags.set(this.flags);
    this.flags = flags;
    this.hashSlots = i32(this.hashSlots);
    this.seqs = i32(this.seqs);
    this.seqBlocks = i32(this.seqBlocks);
  }
}

/** LEB128 of a safe non-negative integer held as a double. */
function writeSafeVarint(out: Uint8Array, offset: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    out[offset++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  out[offset++] = v;
  return offset;
}
