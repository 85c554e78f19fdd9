/** Defaults of a logic node; each says why. Every one is a flag of the `logic-node` command. */
export interface LogicNodeOptions {
  /** Where the RocksDB database and the roster file live. */
  dataDir: string;
  /** Names the chain space in status answers. */
  chainId: string;
  /** One block per slot (WP 3: 3 s; the devnet uses 1 s). */
  slotMs: number;
  /** Upper bound of one block: bounds a slot's execution time and the body's size. */
  maxBlockTransactions: number;
  /** Transactions waiting for a block; past it, submitters get OVERLOADED and back off. */
  pendingCapacity: number;
  /**
   * How long a transaction may wait for an earlier nonce of its sender before it is dropped
   * (NONCE_GAP), counted in blocks of `slotMs`. Routing by signature spreads one sender's
   * transactions over several RN_k, so nonces arrive out of order by design; the wait matches
   * how long an RN keeps trying to deliver a package (its submitGiveUpMs, 60 s).
   */
  maxNonceWaitMs: number;
  /** Members of a reception committee (WP 2.1: 7). */
  committeeSize: number;
  /** Deadline of the first ask of a challenged committee member; each further ask doubles it. */
  challengeTimeoutMs: number;
  /** Asks before a silent member is excluded (2 s, 4 s, 8 s by default: 14 s of silence). */
  challengeAttempts: number;
  /** Rejections remembered for status queries (bounded: a flood of bad transactions must not grow memory). */
  rejectionMemory: number;
}

export const DEFAULT_LOGIC_NODE_OPTIONS: Omit<LogicNodeOptions, 'dataDir'> = {
  chainId: 'clusterchain-devnet',
  slotMs: 3000,
  maxBlockTransactions: 100_000,
  pendingCapacity: 400_000,
  maxNonceWaitMs: 60_000,
  committeeSize: 7,
  challengeTimeoutMs: 2000,
  challengeAttempts: 3,
  rejectionMemory: 100_000,
};
