/** Defaults of a reception node, each with why. The process flags override some of them. */
export interface ReceptionNodeOptions {
  /** WP 2.1 step 2: RN_k seals its buffer every 0.3 s. */
  batchMs: number;
  /** WP 2.1: RN_k and 6 co-signers. Must equal the logic nodes' setting. */
  committeeSize: number;
  /** Sparse traffic (WP 2.1, last paragraph): below this many tx/s arriving here, send each transaction to the LN directly. 0: off. */
  directBelowTps: number;
  /** Window over which the incoming rate is measured for `directBelowTps`. */
  rateWindowMs: number;
  /** How long RN_k waits for a co-signer; a member that has not answered by then is listed absent. */
  coSignTimeoutMs: number;
  /** Deadline of one ForwardTx to RN_k or one direct SubmitTx to the LN. */
  forwardTimeoutMs: number;
  /** Deadline of one SubmitPackage attempt. */
  submitTimeoutMs: number;
  /** First and largest pause between SubmitPackage retries (UNAVAILABLE, RESOURCE_EXHAUSTED). */
  submitBackoffMs: number;
  submitBackoffMaxMs: number;
  /** After this long a package is given up and its transactions are handed to the LN directly. */
  submitGiveUpMs: number;
  /** Packages sealed and not yet acknowledged; past it RN_k stops sealing and the buffer fills (back-pressure). */
  maxPackagesInFlight: number;
  /** Transactions buffered by RN_k; past it the lowest fee is evicted, or the newcomer refused (RESOURCE_EXHAUSTED). */
  mempoolCapacity: number;
  /** Per-sender token bucket: sustained transactions per second... */
  senderRatePerSecond: number;
  /** ...and burst. A wallet sends a few at once; a flood from one key is throttled at the edge. */
  senderBurst: number;
  /** Senders whose bucket is tracked; the least recently seen is forgotten first (bounded memory under key churn). */
  senderTableSize: number;
  /** Requests one SubmitTxStream may carry (its results are held until the client half-closes). */
  maxStreamRequests: number;
  /** Requests of one stream processed at once; the stream is paused past it. */
  streamConcurrency: number;
  /** Transactions one SubmitTxBatches batch may carry. */
  maxBatchTransactions: number;
  /** WatchRoster reconnect backoff, first and largest pause. */
  rosterBackoffMs: number;
  rosterBackoffMaxMs: number;
  /** Roster epochs kept for batches formed just before a change (the LN keeps 4). */
  keptEpochs: number;
  /** How long a clean stop waits for buffered and in-flight transactions to reach the LN. */
  stopDrainMs: number;
}

export const DEFAULT_RECEPTION_OPTIONS: Readonly<ReceptionNodeOptions> = {
  batchMs: 300,
  committeeSize: 7,
  directBelowTps: 0,
  rateWindowMs: 5_000,
  // A 0.3 s batch verifies in well under a second on one core; longer than that is a member
  // we should not wait for (the LN challenges it itself).
  coSignTimeoutMs: 1_500,
  forwardTimeoutMs: 5_000,
  submitTimeoutMs: 10_000,
  submitBackoffMs: 100,
  submitBackoffMaxMs: 2_000,
  submitGiveUpMs: 60_000,
  maxPackagesInFlight: 8,
  // One full batch (MAX_BATCH_TRANSACTIONS): more cannot leave in one interval anyway.
  mempoolCapacity: 50_000,
  senderRatePerSecond: 100,
  senderBurst: 200,
  senderTableSize: 100_000,
  maxStreamRequests: 100_000,
  streamConcurrency: 256,
  // ~600 KB of transfers: a few linger periods of a busy client, well under the message limit.
  maxBatchTransactions: 4_096,
  rosterBackoffMs: 100,
  rosterBackoffMaxMs: 5_000,
  keptEpochs: 4,
  stopDrainMs: 10_000,
};
