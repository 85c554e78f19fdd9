import { bytesToKey } from '../../../protocol/src/bytes.js';
import { senderKey } from '../ledger/dispatcher.js';
import type { TrustedTransaction } from '../ledger/trustedTransaction.js';

interface Entry {
  t: TrustedTransaction;
  sender: string;
  /** The block number it arrived at: bounds how long it may wait for an earlier nonce. */
  arrived: number;
}

export interface Taken {
  /** In block order: per sender, consecutive nonces from the sender's next. */
  block: TrustedTransaction[];
  /** Dropped: nonce already used (a copy of something committed, or a replay). */
  stale: TrustedTransaction[];
  /** Dropped: waited `maxWaitBlocks` for an earlier nonce that never came. */
  gapExpired: TrustedTransaction[];
}

/**
 * Trusted transactions waiting for a block. A sender's transactions reach the node through
 * different reception nodes (routing is by signature), so nonce n+1 often arrives before n;
 * executing it first would fail it for nothing. Like a mempool's queued set, a transaction whose
 * nonce is ahead of its sender's waits (up to `maxWaitBlocks`) until the gap is filled.
 *
 * Bounded: past `capacity` the node answers OVERLOADED instead of growing, and senders back off.
 * An id already waiting or in the block being committed is not queued twice.
 */
export class PendingPool {
  private entries: Entry[] = [];
  private readonly ids = new Set<string>();
  /** Taken into a block whose commit has not finished: still not to be queued again. */
  private readonly inFlight = new Set<string>();

  constructor(
    readonly capacity: number,
    readonly maxWaitBlocks = 10,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  get free(): number {
    return this.capacity - this.entries.length;
  }

  has(id: Uint8Array): boolean {
    const key = bytesToKey(id);
    return this.ids.has(key) || this.inFlight.has(key);
  }

  /** Queues it unless it is already known; false when it was. The caller checks `free` first. */
  add(t: TrustedTransaction, block: number): boolean {
    const key = bytesToKey(t.id);
    if (this.ids.has(key) || this.inFlight.has(key)) return false;
    this.ids.add(key);
    this.entries.push({ t, sender: senderKey(t.tx.pubkey), arrived: block });
    return true;
  }

  /**
   * Up to `max` transactions for block number `block`: senders in order of arrival, each
   * sender's run of consecutive nonces from `nonceOf(sender)` (so a sender's transactions that
   * arrived out of order all go in one block). What is taken is remembered as in flight until
   * `settle`.
   */
  take(max: number, block: number, nonceOf: (sender: string) => bigint): Taken {
    const out: Taken = { block: [], stale: [], gapExpired: [] };
    // Senders in order of their first waiting transaction; each sender's transactions by nonce.
    const bySender = new Map<string, Entry[]>();
    for (const e of this.entries) {
      const list = bySender.get(e.sender);
      if (list === undefined) bySender.set(e.sender, [e]);
      else list.push(e);
    }
    const waiting: Entry[] = [];
    for (const [sender, list] of bySender) {
      if (list.length > 1) list.sort((a, b) => (a.t.tx.nonce < b.t.tx.nonce ? -1 : a.t.tx.nonce > b.t.tx.nonce ? 1 : 0));
      let expected = nonceOf(sender);
      let i = 0;
      for (; i < list.length; i++) {
        const e = list[i] as Entry;
        if (e.t.tx.nonce < expected) out.stale.push(e.t);
        else if (e.t.tx.nonce === expected && out.block.length < max) {
          out.block.push(e.t);
          expected++;
        } else break;
      }
      // The rest waits: for an earlier nonce (and may expire), or for room in the next block.
      const gap = out.block.length < max; // stopped at a missing nonce, not for want of room
      for (; i < list.length; i++) {
        const e = list[i] as Entry;
        if (gap && block - e.arrived >= this.maxWaitBlocks) out.gapExpired.push(e.t);
        else waiting.push(e);
      }
    }
    this.entries = waiting;
    for (const t of out.block) {
      const key = bytesToKey(t.id);
      this.ids.delete(key);
      this.inFlight.add(key);
    }
    for (const t of [...out.stale, ...out.gapExpired]) this.ids.delete(bytesToKey(t.id));
    return out;
  }

  /** Their block is committed (or abandoned): from now on the ledger's nonces refuse copies. */
  settle(taken: readonly TrustedTransaction[]): void {
    for (const t of taken) this.inFlight.delete(bytesToKey(t.id));
  }
}
