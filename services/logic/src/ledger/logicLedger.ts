import { LevelDatabaseController, WorkerDatabaseController, type DatabaseController, type StorageBackend } from '../../../storage/src/index.js';
import { LedgerStore } from '../store/ledgerStore.js';
import { LedgerEngine, DEFAULT_LEDGER_OPTIONS, type BlockContext, type ExecutedBlock, type LedgerOptions } from './ledgerEngine.js';
import type { Genesis } from './genesis.js';
import type { TrustedTransaction } from './trustedTransaction.js';

export interface LogicLedgerOptions {
  /** Directory of the RocksDB database. */
  path: string;
  backend?: StorageBackend;
  ledger?: LedgerOptions;
  /**
   * Run the database on its own thread (default true): block N is written on the second core
   * while block N+1 executes on this one. False keeps it on this thread (tools, tests).
   */
  storageThread?: boolean;
}

/**
 * The use case "a logic node keeps a durable ledger": open (or create from genesis), produce
 * blocks, and acknowledge each only once it is on disk.
 */
export class LogicLedger {
  private constructor(
    readonly engine: LedgerEngine,
    readonly store: LedgerStore,
    /** The node's database: other indexes of the logic node (transaction locations) live beside the ledger's buckets. */
    readonly db: DatabaseController,
  ) {}

  static async open(options: LogicLedgerOptions, genesis: Genesis): Promise<LogicLedger> {
    const dbOptions = { path: options.path, ...(options.backend ? { backend: options.backend } : {}) };
    const db = options.storageThread === false ? await LevelDatabaseController.create(dbOptions) : await WorkerDatabaseController.create(dbOptions);
    try {
      const store = new LedgerStore(db);
      const head = await store.head();
      if (head === null) {
        const { engine, block } = LedgerEngine.fromGenesis(genesis, options.ledger ?? DEFAULT_LEDGER_OPTIONS);
        await store.commitGenesis(block);
        return new LogicLedger(engine, store, db);
      }
      const state = await store.loadState(head);
      return new LogicLedger(new LedgerEngine(state, head, options.ledger ?? DEFAULT_LEDGER_OPTIONS), store, db);
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /** Executes a block and resolves once it is durable. */
  async produceBlock(txs: readonly TrustedTransaction[], ctx: BlockContext): Promise<ExecutedBlock> {
    const block = this.engine.executeBlock(txs, ctx);
    await this.store.commit(block);
    return block;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
