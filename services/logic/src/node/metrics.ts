import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The logic node's metrics, built in one place (CONVENTIONS 6): prefix `clusterchain_`, unit
 * suffixes, label values from closed sets (outcome and reason codes, never ids or addresses).
 * The Grafana dashboards in the chart read exactly these names.
 */
export function createLogicNodeMetrics(registry: Registry) {
  const registers = [registry];
  return {
    packages: new Counter({
      name: 'clusterchain_logic_packages_total',
      help: 'Reception packages received, by outcome (trusted, self_verified, or the drop code)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    transactionsQueued: new Counter({
      name: 'clusterchain_logic_transactions_queued_total',
      help: 'Transactions queued for a block, by path (committee, direct, system)',
      labelNames: ['path'] as const,
      registers,
    }),
    rejections: new Counter({
      name: 'clusterchain_logic_rejections_total',
      help: 'Transactions refused by the logic node, by reason code',
      labelNames: ['reason'] as const,
      registers,
    }),
    challenges: new Counter({
      name: 'clusterchain_logic_challenges_total',
      help: 'Asks of committee members RN_k listed absent, by outcome (answered, false_answer, no_answer)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    exclusions: new Counter({
      name: 'clusterchain_logic_exclusions_total',
      help: 'Reception nodes excluded from the roster, by misconduct',
      labelNames: ['misconduct'] as const,
      registers,
    }),
    rosterChanges: new Counter({
      name: 'clusterchain_logic_roster_changes_total',
      help: 'Roster changes asked by the operator (ChangeRoster), by outcome (changed, unchanged, or the refusal code)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    committed: new Counter({
      name: 'clusterchain_logic_committed_transactions_total',
      help: 'Transactions committed in blocks, by outcome (SUCCESS, BAD_NONCE, ...)',
      labelNames: ['status'] as const,
      registers,
    }),
    blocks: new Counter({ name: 'clusterchain_logic_blocks_total', help: 'Blocks produced and committed', registers }),
    blockSeconds: new Histogram({
      name: 'clusterchain_logic_block_production_seconds',
      help: 'Time to execute a block and commit it durably',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    blockTransactions: new Histogram({
      name: 'clusterchain_logic_block_transactions',
      help: 'Transactions per block',
      buckets: [0, 10, 100, 1000, 5000, 10000, 25000, 50000, 100000],
      registers,
    }),
    height: new Gauge({ name: 'clusterchain_logic_height', help: 'Height of the last committed block', registers }),
    slotSeconds: new Gauge({ name: 'clusterchain_logic_slot_seconds', help: 'The chain space slot: one block is due every this many seconds (alerts measure a stall in slots)', registers }),
    bstBlockOperations: new Histogram({
      name: 'clusterchain_logic_bst_block_operations',
      help: 'Accounts one basic subtree (of 1024) changed in one block, observed once per subtree per block: how evenly a block loads the BSTs',
      buckets: [0, 1, 10, 100, 1000, 10000, 100000],
      registers,
    }),
    storageBytes: new Gauge({ name: 'clusterchain_logic_storage_bytes', help: 'Bytes the data directory (RocksDB, journals) takes on disk, sampled every 30 s', registers }),
    lastBlockTimestamp: new Gauge({ name: 'clusterchain_logic_last_block_timestamp_seconds', help: 'Timestamp of the last committed block', registers }),
    pending: new Gauge({ name: 'clusterchain_logic_pending_transactions', help: 'Transactions waiting for a block', registers }),
    rosterEpoch: new Gauge({ name: 'clusterchain_logic_roster_epoch', help: 'Current roster epoch of the reception layer', registers }),
    rosterSize: new Gauge({ name: 'clusterchain_logic_roster_members', help: 'Reception nodes in the current roster epoch', registers }),
  };
}

export type LogicNodeMetrics = ReturnType<typeof createLogicNodeMetrics>;
