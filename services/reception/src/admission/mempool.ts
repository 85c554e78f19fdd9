import { bytesToKey } from '../../../protocol/src/bytes.js';
import type { Hash } from '../../../protocol/src/types.js';

export interface BufferedTransaction {
  id: Hash;
  /** The bytes the client sent: what goes into the batch. */
  bytes: Uint8Array;
  fee: bigint;
}

interface Entry {
  tx: BufferedTransaction;
  key: string;
  /** Arrival order: among equal fees the older one ranks higher. */
  seq: number;
  removed: boolean;
}

export type Offer = { outcome: 'added'; evicted?: BufferedTransaction } | { outcome: 'duplicate' } | { outcome: 'refused'; lowestFee: bigint };

/**
 * RN_k's buffer of verified transactions waiting for the next batch (WP 2.1 step 2), bounded
 * (admission control, WP 2.3). When full, a newcomer paying more than the cheapest buffered
 * transaction evicts it; one paying the same or less is refused (ties favour what is already
 * here: evicting on a tie would let a flood churn the buffer for free).
 *
 * Batches take transactions in arrival order. A min-heap on (fee, arrival) finds the one to evict;
 * entries drained or evicted stay in the heap marked removed and are skipped (lazy deletion),
 * and the heap is rebuilt when they outnumber the live ones.
 */
export class Mempool {
  private readonly byId = new Map<string, Entry>();
  private heap: Entry[] = [];
  private seq = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.byId.size;
  }

  has(id: Hash): boolean {
    return this.byId.has(bytesToKey(id));
  }

  offer(tx: BufferedTransaction): Offer {
    const key = bytesToKey(tx.id);
    if (this.byId.has(key)) return { outcome: 'duplicate' };
    let evicted: BufferedTransaction | undefined;
    if (this.byId.size >= this.capacity) {
      const lowest = this.peekLowest();
      if (lowest === undefined || tx.fee <= lowest.tx.fee) return { outcome: 'refused', lowestFee: lowest?.tx.fee ?? 0n };
      this.remove(lowest);
      evicted = lowest.tx;
    }
    const e: Entry = { tx, key, seq: this.seq++, removed: false };
    this.byId.set(key, e);
    this.push(e);
    return evicted === undefined ? { outcome: 'added' } : { outcome: 'added', evicted };
  }

  /** Takes up to `maxCount` transactions and `maxBytes` of them, oldest first. */
  drain(maxCount: number, maxBytes = Number.POSITIVE_INFINITY): BufferedTransaction[] {
    const out: BufferedTransaction[] = [];
    let bytes = 0;
    for (const e of this.byId.values()) {
      if (out.length >= maxCount || (out.length > 0 && bytes + e.tx.bytes.length > maxBytes)) break;
      out.push(e.tx);
      bytes += e.tx.bytes.length;
    }
    for (const tx of out) this.remove(this.byId.get(bytesToKey(tx.id)) as Entry);
    if (this.byId.size === 0) this.heap = [];
    else if (this.heap.length > 2 * this.byId.size + 64) this.rebuild();
    return out;
  }

  private remove(e: Entry): void {
    e.removed = true;
    this.byId.delete(e.key);
  }

  private peekLowest(): Entry | undefined {
    while (this.heap.length > 0 && (this.heap[0] as Entry).removed) this.pop();
    return this.heap[0];
  }

  private rebuild(): void {
    this.heap = [];
    for (const e of this.byId.values()) this.push(e);
  }

  private static less(a: Entry, b: Entry): boolean {
    // The eviction candidate: lowest fee, and among equal fees the newest (keep the older ones).
    return a.tx.fee < b.tx.fee || (a.tx.fee === b.tx.fee && a.seq > b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!Mempool.less(h[i] as Entry, h[p] as Entry)) break;
      [h[i], h[p]] = [h[p] as Entry, h[i] as Entry];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Entry;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && Mempool.less(h[l] as Entry, h[m] as Entry)) m = l;
      if (r < h.length && Mempool.less(h[r] as Entry, h[m] as Entry)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as Entry, h[i] as Entry];
      i = m;
    }
  }
}
