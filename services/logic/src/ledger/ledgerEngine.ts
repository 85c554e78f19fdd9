import { WorldState, type AccountRows } from '../../../protocol/src/state/worldState.js';
import type { BlockHeader, Hash, TxSummary } from '../../../protocol/src/types.js';
import { BST_COUNT } from '../../../protocol/src/params.js';
import { keyToBytes } from '../../../protocol/src/bytes.js';
import { buildBlock, type BuiltBlock } from '../block/blockBuilder.js';
import { BstDirectory } from './bstDirectory.js';
import { DEFAULT_CHAIN_PARAMS, type ChainParams } from './chainParams.js';
import { Dispatcher } from './dispatcher.js';
import { LedgerError, LedgerErrorCode } from './errors.js';
import { splitFee } from './fees.js';
import { validateGenesis, type Genesis } from './genesis.js';
import { OperationLogWriter } from './operationLog.js';
import type { TrustedTransaction } from './trustedTransaction.js';
import { TxMaster } from './txMaster.js';
import { TxWorker } from './txWorker.js';

export interface LedgerOptions {
  params: ChainParams;
  /** TxWorkers in this process; each holds a contiguous range of subtrees. */
  workers: number;
  /** TxMasters in this process; each drives the transactions of a range of subtrees. */
  masters: number;
}

export const DEFAULT_LEDGER_OPTIONS: Readonly<LedgerOptions> = {
  params: DEFAULT_CHAIN_PARAMS,
  // In one process the split costs nothing and keeps ownership explicit for when subtrees move.
  workers: 4,
  masters: 2,
};

export interface BlockContext {
  /** Milliseconds since the Unix epoch. */
  timestamp: bigint;
  /** Latin1 address keys that earn the fees of transactions that name no recipients (the producer). */
  feeRecipients: readonly string[];
}

export interface ExecutedBlock extends BuiltBlock {
  summaries: TxSummary[];
  /** The block's operation log (W, D, R), encoded. */
  operationLog: Uint8Array;
  /**
   * Accounts whose state this block changed, to be persisted with it: rows of the engine's
   * table, read live (LedgerStore.commit encodes them at once, before the next block runs).
   */
  changed: AccountRows;
}

export interface Head {
  height: bigint;
  hash: Hash;
  header: BlockHeader;
}

/**
 * The ledger of one logic node (WP 6.3–6.7): the 1024-subtree state, the Dispatcher → TxMaster
 * → TxWorker pipeline of figure 8, and block building. In memory and synchronous; the caller
 * persists each ExecutedBlock atomically before acknowledging it (a failed write is fatal,
 * because memory is then ahead of disk — restart from the database).
 */
export class LedgerEngine {
  readonly directory: BstDirectory;
  readonly workers: TxWorker[];
  readonly masters: TxMaster[];
  private readonly dispatcher: Dispatcher;
  private readonly logRef: { current: OperationLogWriter } = { current: new OperationLogWriter() };
  private head_: Head;

  constructor(
    readonly state: WorldState,
    head: Head,
    readonly options: LedgerOptions = DEFAULT_LEDGER_OPTIONS,
  ) {
    this.head_ = head;
    this.directory = new BstDirectory(options.workers, options.masters);
    this.workers = Array.from({ length: options.workers }, (_, i) => new TxWorker(i, this.logRef));
    for (let bst = 0; bst < BST_COUNT; bst++) {
      (this.workers[this.directory.workerOf(bst)] as TxWorker).hold(state.subtrees[bst] as WorldState['subtrees'][number]);
    }
    this.masters = Array.from({ length: options.masters }, (_, i) => new TxMaster(i, this.directory, this.workers, options.params.transferFee));
    this.dispatcher = new Dispatcher(this.directory, this.masters);
  }

  /** Builds the genesis block and an engine standing on it. */
  static fromGenesis(genesis: Genesis, options: LedgerOptions = DEFAULT_LEDGER_OPTIONS): { engine: LedgerEngine; block: ExecutedBlock } {
    validateGenesis(genesis);
    const state = new WorldState(genesis.allocations.length);
    for (const a of genesis.allocations) {
      const bst = state.subtreeAt(a.address, 0);
      const row = bst.getOrCreate(a.address, 0);
      state.table.setBalance(row, a.balance);
      bst.markDirty(row);
    }
    const changed = state.dirtyAccounts();
    const built = buildBlock({
      parentHash: new Uint8Array(32),
      height: 0n,
      timestamp: genesis.timestamp,
      coinbase: [],
      stateRoot: state.root(),
      transactions: [],
      ids: [],
      summaries: [],
    });
    state.clearDirty();
    const engine = new LedgerEngine(state, { height: 0n, hash: built.hash, header: built.header }, options);
    return { engine, block: { ...built, summaries: [], operationLog: new OperationLogWriter().finish(), changed } };
  }

  get head(): Head {
    return this.head_;
  }

  /**
   * Executes the next block: every transaction in order through the dispatcher, then the fee
   * rewards, then the roots and the header. Returns what must be persisted; the changed
   * accounts' dirty marks are cleared, so the next block starts clean.
   */
  executeBlock(txs: readonly TrustedTransaction[], ctx: BlockContext): ExecutedBlock {
    this.logRef.current = new OperationLogWriter();
    for (const w of this.workers) w.beginBlock();
    const summaries: TxSummary[] = new Array(txs.length);
    const rewards = new Map<string, bigint>();
    // Every charged fee is the chain's transfer fee: count them rather than add a bigint per transaction.
    let defaultCharged = 0;
    for (let i = 0; i < txs.length; i++) {
      const t = txs[i] as TrustedTransaction;
      const s = this.dispatcher.dispatch(t, i);
      summaries[i] = s;
      if (s.fee === 0n) continue;
      if (t.feeRecipients !== undefined && t.feeRecipients.length > 0) splitFee(s.fee, t.feeRecipients, rewards);
      else defaultCharged++;
    }
    const defaultFees = BigInt(defaultCharged) * this.options.params.transferFee;
    if (defaultFees > 0n) {
      if (ctx.feeRecipients.length === 0) {
        throw new LedgerError(LedgerErrorCode.invalidConfig, 'fees were charged but the block names no fee recipient');
      }
      splitFee(defaultFees, ctx.feeRecipients, rewards);
    }
    // Coinbase in address order: every node lists the same rewards the same way.
    const coinbase = [...rewards].filter(([, r]) => r > 0n).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [account, reward] of coinbase) {
      const address = keyToBytes(account);
      (this.workers[this.directory.workerOf(this.state.subtreeAt(address, 0).index)] as TxWorker).reward(address, 0, reward);
    }
    const stateRoot = this.state.root();
    const changed = this.state.dirtyAccounts();
    this.state.clearDirty();
    const height = this.head_.height + 1n;
    const built = buildBlock({
      parentHash: this.head_.hash,
      height,
      timestamp: ctx.timestamp,
      coinbase: coinbase.map(([account, reward]) => ({ account: keyToBytes(account), reward })),
      stateRoot,
      transactions: txs.map((t) => t.tx),
      ids: txs.map((t) => t.id),
      summaries,
    });
    this.head_ = { height, hash: built.hash, header: built.header };
    return { ...built, summaries, operationLog: this.logRef.current.finish(), changed };
  }
}
