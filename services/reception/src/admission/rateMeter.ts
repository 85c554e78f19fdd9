/**
 * The recent incoming rate, in events per second over a sliding window of whole seconds: what
 * decides the sparse path (`directBelowTps`). O(1) per event, bounded memory.
 */
export class RateMeter {
  private readonly buckets: number[];
  private readonly stamps: number[];

  constructor(
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {
    const n = Math.max(1, Math.ceil(windowMs / 1000));
    this.buckets = new Array<number>(n).fill(0);
    this.stamps = new Array<number>(n).fill(-1);
  }

  mark(count = 1): void {
    const second = Math.floor(this.clock() / 1000);
    const i = second % this.buckets.length;
    if (this.stamps[i] !== second) {
      this.stamps[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i] = (this.buckets[i] as number) + count;
  }

  /** Events per second over the window (the current, partial second included). */
  perSecond(): number {
    const second = Math.floor(this.clock() / 1000);
    let total = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      const s = this.stamps[i] as number;
      if (s >= 0 && second - s < this.buckets.length) total += this.buckets[i] as number;
    }
    return total / this.buckets.length;
  }
}
