import { TxStatus, type Transaction, type TxSummary } from '../../../protocol/src/types.js';
import { bstIndexAt } from '../../../protocol/src/state/worldState.js';
import { PUBLIC_KEY_LENGTH, ADDRESS_LENGTH } from '../../../protocol/src/params.js';
import { ROSTER_REGISTRY_ADDRESS } from '../../../protocol/src/reception/exclusion.js';
import type { BstDirectory } from './bstDirectory.js';
import type { TxWorker } from './txWorker.js';

/** Where the sender's address sits in its public key: the last 20 bytes (WP 6.3). */
export const SENDER_OFFSET = PUBLIC_KEY_LENGTH - ADDRESS_LENGTH;

/**
 * Drives a transaction to its end (WP 6.7, figure 8 steps 2–4): W at the sender's worker, then,
 * only if W succeeded, D at the recipient's worker. Because D follows its W and each account
 * applies its operations in order, a transfer is atomic: both halves or neither.
 */
export class TxMaster {
  completed = 0;
  /**
   * The summaries a transfer can end with, made once: a block holds 100,000 of them, and they
   * are frozen because they are shared.
   */
  private readonly summaries: Readonly<Record<TxStatus, TxSummary>>;

  constructor(
    readonly id: number,
    private readonly directory: BstDirectory,
    private readonly workers: readonly TxWorker[],
    private readonly fee: bigint,
  ) {
    const make = (status: TxStatus, charged: bigint) => Object.freeze({ status, fee: charged });
    this.summaries = {
      [TxStatus.success]: make(TxStatus.success, fee),
      [TxStatus.insufficientBalance]: make(TxStatus.insufficientBalance, fee),
      [TxStatus.badNonce]: make(TxStatus.badNonce, 0n),
      [TxStatus.insufficientFee]: make(TxStatus.insufficientFee, 0n),
      [TxStatus.unsupported]: make(TxStatus.unsupported, 0n),
    } as Record<TxStatus, TxSummary>;
  }

  drive(txIndex: number, tx: Transaction): TxSummary {
    const sender = tx.pubkey;
    const senderWorker = this.workerAt(sender, SENDER_OFFSET);
    this.completed++;
    if (tx.to === null || tx.code.length > 0 || (tx.data.length > 0 && !isRecord(tx))) {
      // Contract creation or call: not executed by the ledger engine yet.
      senderWorker.reject(txIndex, sender, SENDER_OFFSET, TxStatus.unsupported);
      return this.summaries[TxStatus.unsupported];
    }
    const status = senderWorker.withdraw(txIndex, sender, SENDER_OFFSET, tx.nonce, tx.amount, this.fee);
    if (status === TxStatus.success) this.workerAt(tx.to, 0).deposit(txIndex, tx.to, 0, tx.amount);
    return this.summaries[status];
  }

  private workerAt(address: Uint8Array, offset: number): TxWorker {
    return this.workers[this.directory.workerOf(bstIndexAt(address, offset))] as TxWorker;
  }
}

/**
 * A record: data sent with no value to the roster registry (an exclusion of reception nodes,
 * ADR 0004). It executes as a zero-amount transfer, so it pays the fee and takes the nonce like
 * any transaction; what the data means is the logic node's business, not the ledger's.
 */
function isRecord(tx: Transaction): boolean {
  const to = tx.to as Uint8Array;
  if (tx.amount !== 0n) return false;
  for (let i = 0; i < ROSTER_REGISTRY_ADDRESS.length; i++) if (to[i] !== ROSTER_REGISTRY_ADDRESS[i]) return false;
  return true;
}
