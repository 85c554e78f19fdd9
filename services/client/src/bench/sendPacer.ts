/**
 * A token bucket for the bench's closed loop. Without it, every block that commits frees a
 * block's worth of the window at once and the bench sends all of it in one burst: the reception
 * nodes then verify the whole burst together, it reaches the logic node just after the next
 * slot began, and every transfer waits two slots (p50 2.0 s at 1 s slots on the devnet). Real
 * clients arrive spread out; so do the bench's refills now, at the window's rate per slot.
 */
export class SendPacer {
  private tokens: number;

  /**
   * @param perMs tokens (transfers) added per millisecond.
   * @param burst the most that may go at once after a pause.
   */
  constructor(
    private readonly perMs: number,
    private readonly burst: number,
    private last: number,
  ) {
    this.tokens = burst;
  }

  /** Whole transfers that may go at `now`. */
  available(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, now - this.last) * this.perMs);
    this.last = now;
    return Math.floor(this.tokens);
  }

  /** Spends what was sent (at most what was available). */
  spend(n: number): void {
    this.tokens -= n;
  }
}
