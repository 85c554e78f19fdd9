import { ADDRESS_LENGTH } from '../params.js';
import { bytesToKey } from '../bytes.js';

/** Index slots per row at most: the table doubles before it is half full, so probe runs stay short. */
const MAX_LOAD = 0.5;

/**
 * A set of 20-byte addresses numbered 0, 1, 2, … in insertion order: the addresses packed in
 * one byte column and an open-addressing (linear probing) index over them. It replaces a
 * `Map<string, …>` keyed by latin1 strings: no string and no entry object per address, and a
 * lookup reads the bytes where they already are (a transaction's buffer) instead of building
 * a key string first.
 *
 * Addresses are hash outputs, but a client can grind addresses to pile them into one probe
 * run; so the slot is a mix of all 20 bytes under a per-process random seed, not the raw bytes.
 */
export class AddressIndex {
  private addresses: Uint8Array;
  /** Row + 1 per slot; 0 is empty. */
  private slots: Int32Array;
  private mask: number;
  private size_ = 0;
  private readonly seed: number;

  constructor(initialRows = 1024) {
    const rows = Math.max(16, initialRows);
    this.addresses = new Uint8Array(rows * ADDRESS_LENGTH);
    const slots = 1 << Math.ceil(Math.log2(rows / MAX_LOAD));
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
    this.seed = globalThis.crypto.getRandomValues(new Uint32Array(1))[0] as number;
  }

  get size(): number {
    return this.size_;
  }

  /** The rows the address column has room for before it grows. */
  get capacity(): number {
    return this.addresses.length / ADDRESS_LENGTH;
  }

  /** The packed address column: row r at [20r, 20r + 20). Replaced when it grows: read it after inserting. */
  get bytes(): Uint8Array {
    return this.addresses;
  }

  /** The row of the address at `bytes[offset..offset+20)`, or -1. */
  find(bytes: Uint8Array, offset: number): number {
    const addresses = this.addresses;
    const mask = this.mask;
    let slot = this.slotOf(bytes, offset);
    for (;;) {
      const entry = this.slots[slot] as number;
      if (entry === 0) return -1;
      const row = entry - 1;
      const at = row * ADDRESS_LENGTH;
      let i = 0;
      while (i < ADDRESS_LENGTH && addresses[at + i] === bytes[offset + i]) i++;
      if (i === ADDRESS_LENGTH) return row;
      slot = (slot + 1) & mask;
    }
  }

  /** Adds an address the index does not hold yet; returns its row (the previous size). */
  insert(bytes: Uint8Array, offset: number): number {
    const row = this.size_;
    if (row === this.capacity) this.growRows(row * 2);
    if ((row + 1) / (this.mask + 1) > MAX_LOAD) this.rehash((this.mask + 1) * 2);
    this.addresses.set(bytes.subarray(offset, offset + ADDRESS_LENGTH), row * ADDRESS_LENGTH);
    this.place(row, this.slotOf(bytes, offset));
    this.size_ = row + 1;
    return row;
  }

  /** The address of a row, as a latin1 key (for queries and tests, not the hot path). */
  keyOf(row: number): string {
    const at = row * ADDRESS_LENGTH;
    return bytesToKey(this.addresses.subarray(at, at + ADDRESS_LENGTH));
  }

  private place(row: number, slot: number): void {
    while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = row + 1;
  }

  /** A seeded mix of all 20 bytes (five 32-bit words, murmur3-style rounds). */
  private slotOf(b: Uint8Array, o: number): number {
    let h = this.seed;
    for (let i = 0; i < ADDRESS_LENGTH; i += 4) {
      const w = (b[o + i] as number) | ((b[o + i + 1] as number) << 8) | ((b[o + i + 2] as number) << 16) | ((b[o + i + 3] as number) << 24);
      h = Math.imul(h ^ Math.imul(w, 0xcc9e2d51), 0x1b873593);
      h = (h << 13) | (h >>> 19);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h & this.mask;
  }

  private growRows(rows: number): void {
    const grown = new Uint8Array(rows * ADDRESS_LENGTH);
    grown.set(this.addresses);
    this.addresses = grown;
  }

  private rehash(slots: number): void {
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
    for (let row = 0; row < this.size_; row++) this.place(row, this.slotOf(this.addresses, row * ADDRESS_LENGTH));
  }
}
