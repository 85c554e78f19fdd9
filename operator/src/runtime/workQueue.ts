/** How a retry is scheduled: setTimeout in the operator, a recorder in tests. */
export type Schedule = (run: () => void, delayMs: number) => { cancel(): void };

export interface WorkQueueOptions {
  /** Objects reconciled at once (each object never more than once at a time). */
  concurrency: number;
  /** First retry delay after a failed reconcile; doubles per failure up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  schedule?: Schedule;
}

const timerSchedule: Schedule = (run, delayMs) => {
  const t = setTimeout(run, delayMs);
  t.unref();
  return { cancel: () => clearTimeout(t) };
};

/**
 * A work queue keyed by object (namespace/name), after pepr's and client-go's: an object is
 * reconciled by one worker at a time; events that arrive meanwhile fold into one more run after
 * it; a failed run is retried with bounded exponential backoff, and an event in between runs it
 * at once (the world changed, the backoff's reason may be gone). Reconcile reads the current
 * state itself, so only the key travels through the queue.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly inFlight = new Set<string>();
  /** Keys that got an event while in flight: run again when done. */
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly retries = new Map<string, { cancel(): void }>();
  private readonly wakeups = new Map<string, { cancel(): void }>();
  private readonly schedule: Schedule;
  private stopped = false;
  private idle: (() => void) | null = null;

  constructor(
    private readonly reconcile: (key: string) => Promise<void>,
    private readonly options: WorkQueueOptions,
    private readonly onError: (key: string, err: unknown, attempt: number) => void = () => {},
  ) {
    this.schedule = options.schedule ?? timerSchedule;
  }

  /** Keys waiting or running: the queue-depth metric. */
  get depth(): number {
    return this.queue.length + this.inFlight.size;
  }

  add(key: string): void {
    if (this.stopped) return;
    this.retries.get(key)?.cancel();
    this.retries.delete(key);
    if (this.inFlight.has(key)) this.dirty.add(key);
    else if (!this.queued.has(key)) {
      this.queued.add(key);
      this.queue.push(key);
      this.pump();
    }
  }

  /**
   * Runs `key` again in `delayMs` unless an event runs it sooner: for what no event announces,
   * like a rented window nearing its end or a cool-down running out. A later call replaces it.
   */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    this.wakeups.get(key)?.cancel();
    this.wakeups.set(
      key,
      this.schedule(() => {
        this.wakeups.delete(key);
        this.add(key);
      }, Math.max(0, delayMs)),
    );
  }

  /** Resolves when nothing is queued or running (retries scheduled for later do not count). */
  whenIdle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  stop(): void {
    this.stopped = true;
    for (const r of [...this.retries.values(), ...this.wakeups.values()]) r.cancel();
    this.retries.clear();
    this.wakeups.clear();
    this.queue.length = 0;
    this.queued.clear();
  }

  private pump(): void {
    while (this.inFlight.size < this.options.concurrency && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      this.inFlight.add(key);
      void this.run(key);
    }
    if (this.depth === 0 && this.idle) {
      const done = this.idle;
      this.idle = null;
      done();
    }
  }

  private async run(key: string): Promise<void> {
    try {
      await this.reconcile(key);
      this.failures.delete(key);
    } catch (err) {
      const attempt = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempt);
      this.onError(key, err, attempt);
      if (!this.stopped && !this.dirty.has(key)) {
        const delay = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1));
        this.retries.set(key, this.schedule(() => {
          this.retries.delete(key);
          this.add(key);
        }, delay));
      }
    } finally {
      this.inFlight.delete(key);
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }
}
