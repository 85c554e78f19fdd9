/** Defaults of `clusterchain bench`; each says why. Every one is a flag. */
export interface BenchOptions {
  /** Fresh accounts made in memory and funded from the keys directory's funded keys. */
  accounts: number;
  /** Target submission rate, tx/s; undefined: as fast as the nodes take them. */
  rate?: number | undefined;
  /** How long to submit; the run ends at whichever of duration and count comes first. */
  durationS?: number | undefined;
  /** How many transfers to submit. */
  count?: number | undefined;
  /** Check afterwards every transaction and every balance against the client's own model. */
  verify: boolean;
  /** Seconds each core verifies signatures for the verify-capacity baseline. */
  verifySeconds: number;
  /** Send everything to the logic node's SubmitTx even when the roster could route to RNs. */
  direct: boolean;
  /** Transactions per batch on a reception node's SubmitTxBatches stream (at most MAX_CHUNK). */
  chunkSize: number;
  /** Batches in flight per reception node. */
  streamsPerRn: number;
  /**
   * Transfers submitted and not yet committed, at most (as-fast-as-possible runs): a closed loop,
   * so the run measures what the chain sustains at a latency it can keep, not how long a queue
   * an unbounded sender can build. Undefined: WINDOW_SLOTS slots of the verify capacity.
   */
  window?: number | undefined;
}

/**
 * The default window, in slots of verify capacity: enough to keep every stage busy (a transfer
 * spends about a slot between submission and its block), small enough that p99 latency stays
 * within 3 slots (the bound). Measured on the devnet (1 s slots, 2026-12-04, after the
 * reception layer's latency came down to p50 ~1.1 s): 1 slot left the two cores ~8% idle at
 * p99 2.0-2.2 s; 1.25 slots gave 4-7% more committed_tps at p99 2.2-2.6 s; 1.5 slots 3.1 s.
 */
export const WINDOW_SLOTS = 1.25;

export const DEFAULT_BENCH_OPTIONS: BenchOptions = {
  // The figure: enough distinct senders that per-sender nonce ordering never serializes a block.
  accounts: 2000,
  verify: false,
  // ~1–2 s per core gives a rate stable to a few percent without delaying the run much.
  verifySeconds: 1.5,
  direct: false,
  chunkSize: 500,
  streamsPerRn: 4,
};

/** A reception node's default bound on one batch (its `maxBatchTransactions`). */
export const MAX_CHUNK = 4_096;

/** Used when neither --count nor --duration is given. */
export const DEFAULT_DURATION_S = 10;
/** Transfer amounts are drawn from [1, MAX_TRANSFER_AMOUNT]: small, so funding stays small. */
export const MAX_TRANSFER_AMOUNT = 100n;
/** Each fresh account's funding when the run's size is open-ended (no --count, no --rate). */
export const OPEN_ENDED_FUNDING = 10n ** 15n;
