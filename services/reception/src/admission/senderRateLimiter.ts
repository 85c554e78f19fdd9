/**
 * Per-sender token buckets (admission control, WP 2.3): each sender may submit `ratePerSecond`
 * sustained with bursts of `burst`. The table is bounded: past `capacity` senders the least
 * recently seen is forgotten (it comes back with a full bucket, which is what an idle sender
 * would have anyway), so a flood of fresh keys cannot grow memory.
 */
export class SenderRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly capacity: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token for `sender`; false when its bucket is empty. */
  take(sender: string): boolean {
    const now = this.clock();
    let b = this.buckets.get(sender);
    if (b === undefined) {
      b = { tokens: this.burst, at: now };
    } else {
      this.buckets.delete(sender); // re-inserted below: Map order is recency order
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerSecond);
      b.at = now;
    }
    this.buckets.set(sender, b);
    if (this.buckets.size > this.capacity) this.buckets.delete(this.buckets.keys().next().value as string);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
