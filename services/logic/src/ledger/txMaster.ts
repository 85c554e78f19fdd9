import { TxStatus, type TxSummary } from '../../../protocol/src/types.js';
import { bstIndexOfKey } from '../../../protocol/src/state/worldState.js';
import type { BstDirectory } from './bstDirectory.js';
import type { TxWorker } from './txWorker.js';

export interface Routed {
  txIndex: number;
  sender: string;
  /** null for contract creation. */
  recipient: string | null;
  nonce: bigint;
  amount: bigint;
  /** Contract creation or call: not executed by the ledger engine yet. */
  unsupported: boolean;
}

/**
 * Drives a transaction to its end (WP 6.7, figure 8 steps 2–4): W at the sender's worker, then,
 * only if W succeeded, D at the recipient's worker. Because D follows its W and each account
 * applies its operations in order, a transfer is atomic: both halves or neither.
 */
export class TxMaster {
  completed = 0;

  constructor(
    readonly id: number,
    private readonly directory: BstDirectory,
    private readonly workers: readonly TxWorker[],
    private readonly fee: bigint,
  ) {}

  drive(t: Routed): TxSummary {
    const senderWorker = this.workers[this.directory.workerOf(bstIndexOfKey(t.sender))] as TxWorker;
    this.completed++;
    if (t.unsupported) {
      senderWorker.reject(t.txIndex, t.sender, TxStatus.unsupported);
      return { status: TxStatus.unsupported, fee: 0n };
    }
    const status = senderWorker.withdraw({ txIndex: t.txIndex, account: t.sender, nonce: t.nonce, amount: t.amount, fee: this.fee });
    if (status === TxStatus.success) {
      const recipient = t.recipient as string;
      (this.workers[this.directory.workerOf(bstIndexOfKey(recipient))] as TxWorker).deposit(t.txIndex, recipient, t.amount);
      return { status, fee: this.fee };
    }
    return { status, fee: status === TxStatus.insufficientBalance ? this.fee : 0n };
  }
}
