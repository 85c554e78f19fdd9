import { HASH_LENGTH } from '../hash.js';

/**
 * Where trie nodes keep their cached hashes: 32-byte slots in one growable buffer, named by
 * index. A Uint8Array view per node cost ~100 bytes of heap and a GC-traced object each (a
 * million accounts made garbage collection a quarter of the ledger's time); an index costs a
 * small integer. One buffer also lets the native hasher write a whole level of digests
 * straight into their slots in one call. Slots of discarded nodes are reused.
 */
export class HashArena {
  private bytes_: Uint8Array;
  private used = 0;
  private readonly freeSlots: number[] = [];

  constructor(initialSlots = 1024) {
    this.bytes_ = new Uint8Array(Math.max(1, initialSlots) * HASH_LENGTH);
  }

  /** The backing buffer. It is replaced when the arena grows: read it after allocating. */
  get bytes(): Uint8Array {
    return this.bytes_;
  }

  /** Slots in use. */
  get size(): number {
    return this.used - this.freeSlots.length;
  }

  alloc(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    if ((this.used + 1) * HASH_LENGTH > this.bytes_.length) {
      const grown = new Uint8Array(this.bytes_.length * 2);
      grown.set(this.bytes_);
      this.bytes_ = grown;
    }
    return this.used++;
  }

  release(slot: number): void {
    if (slot >= 0) this.freeSlots.push(slot);
  }

  /** A copy of a slot's hash. */
  copy(slot: number): Uint8Array {
    return this.bytes_.slice(slot * HASH_LENGTH, (slot + 1) * HASH_LENGTH);
  }
}
