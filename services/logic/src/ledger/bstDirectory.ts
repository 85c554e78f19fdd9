import { BST_COUNT } from '../../../protocol/src/params.js';
import { LedgerError, LedgerErrorCode } from './errors.js';

/**
 * Who owns what (WP 6.7, figure 8): each basic subtree has one TxMaster that drives the
 * transactions sent from it, and lives in one TxWorker that applies its operations. Kept as
 * explicit tables so that a subtree can move to another worker — and later another logic
 * node — by changing one entry.
 */
export class BstDirectory {
  private readonly worker = new Uint16Array(BST_COUNT);
  private readonly master = new Uint16Array(BST_COUNT);

  constructor(
    readonly workerCount: number,
    readonly masterCount: number,
  ) {
    if (workerCount < 1 || masterCount < 1 || workerCount > BST_COUNT || masterCount > BST_COUNT) {
      throw new LedgerError(LedgerErrorCode.invalidConfig, `need 1..${BST_COUNT} workers and masters, got ${workerCount} and ${masterCount}`);
    }
    // Contiguous ranges: neighbouring subtrees share a worker, as a range split would place them.
    for (let i = 0; i < BST_COUNT; i++) {
      this.worker[i] = Math.floor((i * workerCount) / BST_COUNT);
      this.master[i] = Math.floor((i * masterCount) / BST_COUNT);
    }
  }

  workerOf(bst: number): number {
    return this.worker[bst] as number;
  }

  masterOf(bst: number): number {
    return this.master[bst] as number;
  }

  /** Records that a subtree now lives in another worker. */
  move(bst: number, toWorker: number): void {
    if (toWorker < 0 || toWorker >= this.workerCount) {
      throw new LedgerError(LedgerErrorCode.invalidConfig, `no worker ${toWorker}`);
    }
    this.worker[bst] = toWorker;
  }
}
