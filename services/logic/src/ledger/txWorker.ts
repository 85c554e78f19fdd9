import type { BasicSubtree } from '../../../protocol/src/state/worldState.js';
import { bstIndexAt } from '../../../protocol/src/state/worldState.js';
import { Debit } from '../../../protocol/src/state/accountTable.js';
import { bytesToKey } from '../../../protocol/src/bytes.js';
import { ADDRESS_LENGTH, BST_COUNT } from '../../../protocol/src/params.js';
import { TxStatus } from '../../../protocol/src/types.js';
import { LedgerError, LedgerErrorCode } from './errors.js';
import type { OperationLogWriter } from './operationLog.js';

/**
 * Holds basic subtrees and applies W and D operations to their accounts, in arrival order,
 * numbering each account's operations within the block (WP 6.6) and logging every one.
 *
 * Accounts are named by where their 20-byte address already is — `address[offset..offset+20)`,
 * e.g. inside a transaction's public key — so an operation makes no key string and no object.
 */
export class TxWorker {
  private readonly held: (BasicSubtree | undefined)[] = new Array(BST_COUNT);
  /** The block being built, numbered across all workers (and from 1): accounts keep their count for it. */
  private block = 0;
  private static blocksBegun = 0;
  /** Operation counts of senders with no account (their rejections are logged too). */
  private sequenceOfAbsent = new Map<string, number>();

  constructor(
    readonly id: number,
    private readonly log: { current: OperationLogWriter },
  ) {}

  hold(subtree: BasicSubtree): void {
    this.held[subtree.index] = subtree;
  }

  /** Gives a subtree up, for migration to another worker. */
  release(index: number): BasicSubtree {
    const s = this.subtree(index);
    this.held[index] = undefined;
    return s;
  }

  holds(index: number): boolean {
    return this.held[index] !== undefined;
  }

  /**
   * W: checks the nonce and the balance, debits amount + fee, advances the nonce. A failure
   * leaves the account as it was, except a shortfall on the amount alone: then the fee is
   * still charged (so failing transactions are not free to send) and the nonce advances.
   */
  withdraw(txIndex: number, address: Uint8Array, offset: number, nonce: bigint, amount: bigint, fee: bigint): TxStatus {
    const bst = this.subtree(bstIndexAt(address, offset));
    const table = bst.table;
    const row = bst.find(address, offset);
    let status: TxStatus = TxStatus.badNonce;
    if (row >= 0 && table.nonceIs(row, nonce)) {
      const debit = table.debit(row, amount, fee);
      if (debit === Debit.none) status = TxStatus.insufficientFee;
      else {
        status = debit === Debit.all ? TxStatus.success : TxStatus.insufficientBalance;
        table.incrementNonce(row);
        bst.markDirty(row);
      }
    }
    const charged = status === TxStatus.success || status === TxStatus.insufficientBalance ? fee : 0n;
    const seq = this.nextSeq(bst, row, address, offset);
    this.log.current.withdraw(txIndex, address, offset, seq, status === TxStatus.success ? amount : 0n, charged, status);
    return status;
  }

  /** D: credits the recipient, creating the account on first use. Never fails: supply ≤ u128 is a genesis invariant. */
  deposit(txIndex: number, address: Uint8Array, offset: number, amount: bigint): void {
    const bst = this.subtree(bstIndexAt(address, offset));
    const row = bst.getOrCreate(address, offset);
    bst.table.credit(row, amount);
    bst.markDirty(row);
    this.log.current.deposit(txIndex, address, offset, this.nextSeq(bst, row, address, offset), amount);
  }

  /** R: credits a fee reward at the end of the block. */
  reward(address: Uint8Array, offset: number, amount: bigint): void {
    const bst = this.subtree(bstIndexAt(address, offset));
    const row = bst.getOrCreate(address, offset);
    bst.table.credit(row, amount);
    bst.markDirty(row);
    this.log.current.reward(address, offset, this.nextSeq(bst, row, address, offset), amount);
  }

  /** A rejected transaction that never reached an account (unsupported kind) still leaves a W in the log. */
  reject(txIndex: number, address: Uint8Array, offset: number, status: TxStatus): void {
    const bst = this.subtree(bstIndexAt(address, offset));
    const seq = this.nextSeq(bst, bst.find(address, offset), address, offset);
    this.log.current.withdraw(txIndex, address, offset, seq, 0n, 0n, status);
  }

  /** Starts a new block: per-account numbering restarts. */
  beginBlock(): void {
    // Unique across workers, so an account that moves to another worker never sees a stale count.
    this.block = ++TxWorker.blocksBegun;
    this.sequenceOfAbsent = new Map();
  }

  private nextSeq(bst: BasicSubtree, row: number, address: Uint8Array, offset: number): number {
    if (row < 0) {
      const key = bytesToKey(address.subarray(offset, offset + ADDRESS_LENGTH));
      const n = this.sequenceOfAbsent.get(key) ?? 0;
      this.sequenceOfAbsent.set(key, n + 1);
      return n;
    }
    // An account created in this block may have had operations logged while it was absent.
    const start = this.sequenceOfAbsent.size === 0 ? 0 : (this.sequenceOfAbsent.get(bytesToKey(address.subarray(offset, offset + ADDRESS_LENGTH))) ?? 0);
    return bst.table.nextSeq(row, this.block, start);
  }

  private subtree(index: number): BasicSubtree {
    const s = this.held[index];
    if (s === undefined) {
      throw new LedgerError(LedgerErrorCode.subtreeNotHeld, `worker ${this.id} does not hold subtree ${index}`, { fatal: true });
    }
    return s;
  }
}
