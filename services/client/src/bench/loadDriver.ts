import type { SignedTransfer } from './signer.js';
import type { SubmitOutcome, Submitter } from './submitters.js';

export interface LoadDriverOptions {
  /** Transactions per stream (or per batch of direct calls). */
  chunkSize: number;
  /** Chunks in flight per route. */
  streamsPerRoute: number;
  /** A route's queue is sent when it holds a chunk, or when its oldest transaction waited this long. */
  lingerMs: number;
  /** Attempts per transaction before it counts as rejected (GAVE_UP). */
  maxAttempts: number;
  /** Transport failures in a row after which a route's chunks go to the fallback submitter. */
  failoverAfter: number;
}

export const DEFAULT_LOAD_DRIVER_OPTIONS: LoadDriverOptions = {
  // 500 × ~140 bytes is 70 KB a stream: big enough that per-call overhead vanishes, small enough that a retry is cheap.
  chunkSize: 500,
  // Several streams per RN keep it busy while one chunk's results are on their way back.
  streamsPerRoute: 4,
  lingerMs: 50,
  maxAttempts: 30,
  failoverAfter: 5,
};

/** Backoff after a route said RESOURCE_EXHAUSTED (or failed): doubles from MIN to MAX, reset on success. */
const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2_000;

interface Route {
  submitter: Submitter;
  queue: SignedTransfer[];
  queuedSince: number;
  inflight: number;
  inflightTxs: number;
  backoffUntil: number;
  backoffMs: number;
  transportFailures: number;
  failedOver: boolean;
}

export interface DriverEvents {
  /** A transaction is sent for the first time: start its latency clock. */
  onFirstSend(tx: SignedTransfer, at: number): void;
  onAccepted?(tx: SignedTransfer): void;
  onRejected?(tx: SignedTransfer, code: string, message: string): void;
}

/**
 * Sends transactions along routes (route i: RN_i's stream; or one route, the logic node), a chunk
 * per stream and several streams per route, keeping every route's chunks flowing, backing off a
 * route that is overloaded, and putting refused-for-now transactions back at the front of their
 * queue so a sender's nonces keep their order as far as the chain can see.
 */
export class LoadDriver {
  private readonly routes: Route[];
  /** Sends so far of each transaction in the driver, by the object itself: no key to build per send. */
  private readonly attempts = new Map<SignedTransfer, number>();
  private wake: (() => void) | null = null;
  accepted = 0;
  rejected = 0;
  retries = 0;
  failovers = 0;
  readonly rejectionsByCode = new Map<string, number>();

  constructor(
    submitters: readonly Submitter[],
    private readonly fallback: Submitter | null,
    private readonly events: DriverEvents,
    private readonly options: LoadDriverOptions = DEFAULT_LOAD_DRIVER_OPTIONS,
  ) {
    this.routes = submitters.map((submitter) => ({ submitter, queue: [], queuedSince: 0, inflight: 0, inflightTxs: 0, backoffUntil: 0, backoffMs: 0, transportFailures: 0, failedOver: false }));
  }

  /** Transactions queued or in flight. */
  get buffered(): number {
    let n = 0;
    for (const r of this.routes) n += r.queue.length + r.inflightTxs;
    return n;
  }

  /** How many the driver can hold in flight at once, for a producer's back-pressure. */
  get capacity(): number {
    return this.routes.length * this.options.streamsPerRoute * this.options.chunkSize;
  }

  enqueue(tx: SignedTransfer, route: number): void {
    const r = this.routes[route] as Route;
    if (r.queue.length === 0) r.queuedSince = performance.now();
    r.queue.push(tx);
  }

  /** Launches every chunk that may go now; `flush` sends partial chunks without lingering. */
  pump(flush = false): void {
    const now = performance.now();
    for (const r of this.routes) {
      while (r.queue.length > 0 && r.inflight < this.options.streamsPerRoute && now >= r.backoffUntil) {
        if (!flush && r.queue.length < this.options.chunkSize && now - r.queuedSince < this.options.lingerMs) break;
        const chunk = r.queue.splice(0, this.options.chunkSize);
        r.queuedSince = now;
        void this.send(r, chunk);
      }
    }
  }

  /** Resolves when nothing is queued or in flight, pumping with flush meanwhile. */
  async drain(): Promise<void> {
    while (this.buffered > 0) {
      this.pump(true);
      await this.waitForChange(20);
    }
  }

  /** Waits until a chunk finishes or `ms` pass. */
  waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  close(): void {
    for (const r of this.routes) r.submitter.close();
    this.fallback?.close();
  }

  private async send(r: Route, chunk: SignedTransfer[]): Promise<void> {
    r.inflight++;
    r.inflightTxs += chunk.length;
    const now = Date.now();
    for (const tx of chunk) {
      const sent = this.attempts.get(tx);
      if (sent === undefined) this.events.onFirstSend(tx, now);
      this.attempts.set(tx, (sent ?? 0) + 1);
    }
    const submitter = r.failedOver && this.fallback !== null ? this.fallback : r.submitter;
    let outcomes: SubmitOutcome[];
    try {
      outcomes = await submitter.submit(chunk);
    } catch (err) {
      outcomes = chunk.map(() => ({ kind: 'retry', reason: (err as Error).message, transport: true }));
    }
    const retry: SignedTransfer[] = [];
    let overloaded = false;
    let transport = false;
    outcomes.forEach((o, i) => {
      const tx = chunk[i] as SignedTransfer;
      if (o.kind === 'accepted') {
        this.accepted++;
        this.attempts.delete(tx);
        this.events.onAccepted?.(tx);
      } else if (o.kind === 'rejected') this.reject(tx, o.code, o.message);
      else if ((this.attempts.get(tx) ?? 0) >= this.options.maxAttempts) this.reject(tx, 'GAVE_UP', `still ${o.reason} after ${this.options.maxAttempts} attempts`);
      else {
        retry.push(tx);
        if (o.transport) transport = true;
        else overloaded = true;
      }
    });
    r.inflight--;
    r.inflightTxs -= chunk.length;
    if (retry.length > 0) {
      this.retries += retry.length;
      r.queue.unshift(...retry);
      r.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, r.backoffMs * 2));
      r.backoffUntil = performance.now() + r.backoffMs;
      if (transport && ++r.transportFailures >= this.options.failoverAfter && !r.failedOver && this.fallback !== null) {
        r.failedOver = true;
        this.failovers++;
      }
    } else {
      r.backoffMs = 0;
      if (!overloaded) r.transportFailures = 0;
    }
    this.wake?.();
  }

  private reject(tx: SignedTransfer, code: string, message: string): void {
    this.rejected++;
    this.attempts.delete(tx);
    this.rejectionsByCode.set(code, (this.rejectionsByCode.get(code) ?? 0) + 1);
    this.events.onRejected?.(tx, code, message);
  }
}
