export interface BackoffOptions {
  /** First pause; it doubles after each retry up to `backoffMaxMs`, with jitter (half to full). */
  backoffMs: number;
  backoffMaxMs: number;
  /** No retry starts after this time (ms, on `now`'s clock): the last error is thrown. */
  giveUpAt: number;
  now: () => number;
  onRetry?: () => void;
  /** Checked before each retry: true stops at once with the last error. */
  cancelled?: () => boolean;
}

/**
 * Runs `attempt` until it succeeds, its error is not `retryable`, the horizon passes or the
 * caller cancels; then throws the last error. One place for the retry policy of everything an RN
 * hands to a logic node that may be away (restarting), overloaded or stopping.
 */
export async function withBackoff<T>(attempt: () => Promise<T>, retryable: (err: unknown) => boolean, o: BackoffOptions): Promise<T> {
  let pause = o.backoffMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (!retryable(err) || o.now() + pause > o.giveUpAt || o.cancelled?.() === true) throw err;
    }
    o.onRetry?.();
    await new Promise((r) => setTimeout(r, pause * (0.5 + Math.random() / 2)));
    pause = Math.min(o.backoffMaxMs, pause * 2);
  }
}
