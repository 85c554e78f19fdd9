import type { BasicSubtree } from '../../../protocol/src/state/worldState.js';
import type { AccountLeaf } from '../../../protocol/src/state/accountLeaf.js';
import { bstIndexOfKey } from '../../../protocol/src/state/worldState.js';
import { TxStatus } from '../../../protocol/src/types.js';
import { LedgerError, LedgerErrorCode } from './errors.js';
import type { OperationLogWriter } from './operationLog.js';

/** A withdrawal W_h (WP 6.6): the sender's half of a transfer. */
export interface Withdraw {
  txIndex: number;
  account: string;
  nonce: bigint;
  amount: bigint;
  fee: bigint;
}

/**
 * Holds basic subtrees and applies W and D operations to their accounts, in arrival order,
 * numbering each account's operations within the block (WP 6.6) and logging every one.
 */
export class TxWorker {
  private readonly held = new Map<number, BasicSubtree>();
  /** The block being built, numbered across all workers: accounts keep their count for it (AccountLeaf.seq). */
  private block = 0;
  private static blocksBegun = 0;
  /** Operation counts of senders with no account (their rejections are logged too). */
  private sequenceOfAbsent = new Map<string, number>();

  constructor(
    readonly id: number,
    private readonly log: { current: OperationLogWriter },
  ) {}

  hold(subtree: BasicSubtree): void {
    this.held.set(subtree.index, subtree);
  }

  /** Gives a subtree up, for migration to another worker. */
  release(index: number): BasicSubtree {
    const s = this.subtree(index);
    this.held.delete(index);
    return s;
  }

  holds(index: number): boolean {
    return this.held.has(index);
  }

  /**
   * W: checks the nonce and the balance, debits amount + fee, advances the nonce. A failure
   * leaves the account as it was, except a shortfall on the amount alone: then the fee is
   * still charged (so failing transactions are not free to send) and the nonce advances.
   */
  withdraw(op: Withdraw): TxStatus {
    const bst = this.subtree(bstIndexOfKey(op.account));
    const account = bst.get(op.account);
    let status: TxStatus;
    let charged = 0n;
    if (account === undefined || account.nonce !== op.nonce) {
      status = TxStatus.badNonce;
    } else if (account.balance < op.fee) {
      status = TxStatus.insufficientFee;
    } else if (account.balance - op.fee < op.amount) {
      account.balance -= op.fee;
      account.nonce += 1n;
      charged = op.fee;
      status = TxStatus.insufficientBalance;
      bst.markDirty(account);
    } else {
      account.balance -= op.amount + op.fee;
      account.nonce += 1n;
      charged = op.fee;
      status = TxStatus.success;
      bst.markDirty(account);
    }
    this.log.current.withdraw(op.txIndex, op.account, this.nextSeq(op.account, account), status === TxStatus.success ? op.amount : 0n, charged, status);
    return status;
  }

  /** D: credits the recipient, creating the account on first use. Never fails: supply ≤ u128 is a genesis invariant. */
  deposit(txIndex: number, account: string, amount: bigint): void {
    const bst = this.subtree(bstIndexOfKey(account));
    const a = bst.getOrCreate(account);
    a.balance += amount;
    bst.markDirty(a);
    this.log.current.deposit(txIndex, account, this.nextSeq(account, a), amount);
  }

  /** R: credits a fee reward at the end of the block. */
  reward(account: string, amount: bigint): void {
    const bst = this.subtree(bstIndexOfKey(account));
    const a = bst.getOrCreate(account);
    a.balance += amount;
    bst.markDirty(a);
    this.log.current.reward(account, this.nextSeq(account, a), amount);
  }

  /** A rejected transaction that never reached an account (unsupported kind) still leaves a W in the log. */
  reject(txIndex: number, account: string, status: TxStatus): void {
    const bst = this.subtree(bstIndexOfKey(account));
    this.log.current.withdraw(txIndex, account, this.nextSeq(account, bst.get(account)), 0n, 0n, status);
  }

  /** Starts a new block: per-account numbering restarts. */
  beginBlock(): void {
    // Unique across workers, so an account that moves to another worker never sees a stale count.
    this.block = ++TxWorker.blocksBegun;
    this.sequenceOfAbsent = new Map();
  }

  private nextSeq(key: string, account: AccountLeaf | undefined): number {
    if (account === undefined) {
      const n = this.sequenceOfAbsent.get(key) ?? 0;
      this.sequenceOfAbsent.set(key, n + 1);
      return n;
    }
    if (account.seqBlock !== this.block) {
      account.seqBlock = this.block;
      // An account created in this block may have had operations logged while it was absent.
      account.seq = this.sequenceOfAbsent.size === 0 ? 0 : (this.sequenceOfAbsent.get(key) ?? 0);
    }
    return account.seq++;
  }

  private subtree(index: number): BasicSubtree {
    const s = this.held.get(index);
    if (s === undefined) {
      throw new LedgerError(LedgerErrorCode.subtreeNotHeld, `worker ${this.id} does not hold subtree ${index}`, { fatal: true });
    }
    return s;
  }
}
