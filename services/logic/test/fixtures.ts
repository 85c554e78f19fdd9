import { transactionId } from '../../protocol/src/codec/transaction.js';
import type { Transaction } from '../../protocol/src/types.js';
import { senderKey } from '../src/ledger/dispatcher.js';
import type { TrustedTransaction } from '../src/ledger/trustedTransaction.js';

/**
 * Test accounts for the trusted path: the ledger never checks signatures, so a "key" here is
 * 33 bytes with a compressed-key prefix whose last 20 bytes are the address.
 */
export function fakePubkey(seed: number): Uint8Array {
  const pk = new Uint8Array(33);
  pk[0] = 0x02;
  const view = new DataView(pk.buffer);
  // Spread seeds over the whole address space so accounts land in many subtrees.
  let x = (seed * 2654435761) >>> 0;
  for (let i = 1; i < 33; i += 4) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    view.setUint32(i, (x + seed) >>> 0);
  }
  return pk;
}

export function addressOfPubkey(pk: Uint8Array): Uint8Array {
  return pk.slice(13);
}

export function transfer(from: Uint8Array, to: Uint8Array, amount: bigint, nonce: bigint): TrustedTransaction {
  const tx: Transaction = {
    nonce,
    to,
    amount,
    gasLimit: 0n,
    code: new Uint8Array(0),
    data: new Uint8Array(0),
    pubkey: from,
    signature: new Uint8Array(64),
  };
  return { tx, id: transactionId(tx) };
}

export { senderKey };
