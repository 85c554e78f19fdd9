import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The reception node's metrics, built in one place (CONVENTIONS 6): prefix
 * `clusterchain_reception_`, unit suffixes, label values from closed sets (our error codes, the
 * logic node's codes, fixed outcome names), never ids, keys or addresses.
 */
export function createReceptionMetrics(registry: Registry) {
  const registers = [registry];
  return {
    mempoolCapacity: new Gauge({ name: 'clusterchain_reception_mempool_capacity_transactions', help: 'Transactions the mempool holds at most (the DoS alert compares occupancy with it)', registers }),
    received: new Counter({ name: 'clusterchain_reception_received_transactions_total', help: 'Transactions submitted to this RN by clients (SubmitTx and SubmitTxStream)', registers }),
    rejected: new Counter({
      name: 'clusterchain_reception_rejected_transactions_total',
      help: 'Transactions refused or dropped here, by reason code (OVERSIZE, MALFORMED, BAD_SIGNATURE, RATE_LIMITED, MEMPOOL_FULL, EVICTED, ...)',
      labelNames: ['reason'] as const,
      registers,
    }),
    forwarded: new Counter({ name: 'clusterchain_reception_forwarded_transactions_total', help: 'Transactions forwarded to the RN_k their signature routes to (WP 2.1 step 1)', registers }),
    buffered: new Counter({ name: 'clusterchain_reception_buffered_transactions_total', help: 'Transactions verified and buffered here as RN_k', registers }),
    direct: new Counter({
      name: 'clusterchain_reception_direct_transactions_total',
      help: 'Transactions handed to the logic node directly, by why (sparse, small_roster, fallback, rescue, drain)',
      labelNames: ['path'] as const,
      registers,
    }),
    batchesSealed: new Counter({ name: 'clusterchain_reception_batches_sealed_total', help: 'Batches sealed as RN_k (WP 2.1 step 2)', registers }),
    batchTransactions: new Histogram({
      name: 'clusterchain_reception_batch_transactions',
      help: 'Transactions per sealed batch',
      buckets: [1, 10, 100, 500, 1000, 5000, 10000, 25000, 50000],
      registers,
    }),
    coSignSeconds: new Histogram({
      name: 'clusterchain_reception_cosign_duration_seconds',
      help: 'Time RN_k spent collecting its committee co-signatures for one batch',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    coSignAbsent: new Counter({ name: 'clusterchain_reception_cosign_absent_total', help: 'Committee members listed absent (no answer in time, or an answer that does not verify)', registers }),
    coSignServed: new Counter({
      name: 'clusterchain_reception_cosign_requests_total',
      help: 'CoSign requests answered as a committee member, by outcome (signed or the refusal code)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    packageSubmitSeconds: new Histogram({
      name: 'clusterchain_reception_package_submit_duration_seconds',
      help: 'Time from sealing a package to its final answer from the logic node, retries included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    packageSubmits: new Counter({
      name: 'clusterchain_reception_package_submits_total',
      help: 'Packages submitted to the logic node, by final outcome (accepted, dropped, rejected, abandoned)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    packageRetries: new Counter({ name: 'clusterchain_reception_package_retries_total', help: 'SubmitPackage attempts repeated after UNAVAILABLE or RESOURCE_EXHAUSTED', registers }),
    rescueRetries: new Counter({
      name: 'clusterchain_reception_rescue_retries_total',
      help: 'Direct hand-overs of buffered transactions to the logic node repeated after it answered "not now" (away, overloaded, stopping)',
      registers,
    }),
    mempool: new Gauge({ name: 'clusterchain_reception_mempool_transactions', help: 'Transactions buffered here as RN_k, waiting for the next batch', registers }),
    packagesInFlight: new Gauge({ name: 'clusterchain_reception_packages_in_flight', help: 'Packages sealed and not yet answered by the logic node', registers }),
    rosterEpoch: new Gauge({ name: 'clusterchain_reception_roster_epoch', help: 'Roster epoch this RN follows (0: none yet)', registers }),
    rosterMembers: new Gauge({ name: 'clusterchain_reception_roster_members', help: 'Reception nodes in the current roster epoch', registers }),
    inRoster: new Gauge({ name: 'clusterchain_reception_in_roster', help: '1 when this RN is a member of the current roster epoch', registers }),
    draining: new Gauge({
      name: 'clusterchain_reception_draining',
      help: '1 once the operator asked this RN to drain before a relay handoff (it takes no new client transactions), 0 while it serves',
      registers,
    }),
  };
}

export type ReceptionMetrics = ReturnType<typeof createReceptionMetrics>;
