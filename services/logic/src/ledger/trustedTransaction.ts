import type { Hash, Transaction } from '../../../protocol/src/types.js';

/**
 * A transaction whose signature was already checked — by a reception committee (WP 2.1 step 6)
 * or by the logic node itself when traffic is sparse — so the ledger never looks at it again.
 */
export interface TrustedTransaction {
  tx: Transaction;
  /** Its id, computed once from the received bytes. */
  id: Hash;
  /**
   * Who earns its fee (latin1 address keys): the 7 reception nodes of its committee (WP 5).
   * When absent, the block's default recipients do.
   */
  feeRecipients?: readonly string[];
}
