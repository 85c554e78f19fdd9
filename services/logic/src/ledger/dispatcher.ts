import { ADDRESS_LENGTH } from '../../../protocol/src/params.js';
import { bstIndexAt } from '../../../protocol/src/state/worldState.js';
import type { TxSummary } from '../../../protocol/src/types.js';
import type { BstDirectory } from './bstDirectory.js';
import { SENDER_OFFSET, type TxMaster } from './txMaster.js';
import type { TrustedTransaction } from './trustedTransaction.js';

/** Latin1 key of the sender: the last 20 bytes of the public key (WP 6.3). */
export function senderKey(pubkey: Uint8Array): string {
  return Buffer.from(pubkey.buffer, pubkey.byteOffset + SENDER_OFFSET, ADDRESS_LENGTH).toString('latin1');
}

export function addressKey(address: Uint8Array): string {
  return Buffer.from(address.buffer, address.byteOffset, ADDRESS_LENGTH).toString('latin1');
}

/** The entry of the logic layer (WP 6.7, figure 8 step 1): routes a transaction to the TxMaster of its sender's subtree. */
export class Dispatcher {
  constructor(
    private readonly directory: BstDirectory,
    private readonly masters: readonly TxMaster[],
  ) {}

  dispatch(t: TrustedTransaction, txIndex: number): TxSummary {
    const master = this.masters[this.directory.masterOf(bstIndexAt(t.tx.pubkey, SENDER_OFFSET))] as TxMaster;
    return master.drive(txIndex, t.tx);
  }
}
