import { addressOf } from '../../../protocol/src/address.js';
import { encodeTransaction, transactionId } from '../../../protocol/src/codec/transaction.js';
import { signDigest } from '../../../protocol/src/keys.js';
import { nativeSecp256k1, type NativeSecp256k1 } from '../../../protocol/src/signature.js';
import type { Address, Transaction } from '../../../protocol/src/types.js';

/** A signed transfer as the load generator keeps it: the bytes to send and what to track it by. */
export interface SignedTransfer {
  encoded: Uint8Array;
  id: Uint8Array;
  signature: Uint8Array;
  /** Bench account indices (-1: a funder), for the model of balances. */
  from: number;
  to: number;
  amount: bigint;
}

export interface BenchAccount {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  address: Address;
}

const EMPTY = new Uint8Array(0);

/**
 * Makes accounts and signs transfers for the load generator without the per-call checks of
 * signTransaction (it re-derives the public key each time): the bench signs tens of thousands
 * per run on a core it shares with the devnet. Keys come from libsecp256k1 directly; signatures
 * from keys.ts's signDigest, so the chain sees exactly what `transfer` would send (a test holds
 * the bytes equal).
 */
export class TransferSigner {
  readonly #lib: NativeSecp256k1;

  constructor(lib: NativeSecp256k1 = nativeSecp256k1()) {
    this.#lib = lib;
  }

  newAccount(): BenchAccount {
    let secretKey: Uint8Array;
    do secretKey = crypto.getRandomValues(new Uint8Array(32));
    while (!this.#lib.privateKeyVerify(secretKey));
    const publicKey = this.#lib.publicKeyCreate(secretKey, true);
    return { secretKey, publicKey, address: addressOf(publicKey) };
  }

  sign(sender: BenchAccount, to: Address, amount: bigint, nonce: bigint): { tx: Transaction; encoded: Uint8Array; id: Uint8Array } {
    const unsigned = { nonce, to, amount, gasLimit: 0n, code: EMPTY, data: EMPTY, pubkey: sender.publicKey };
    const id = transactionId(unsigned);
    const signature = signDigest(id, sender.secretKey);
    const tx = { ...unsigned, signature };
    return { tx, encoded: encodeTransaction(tx), id };
  }
}
