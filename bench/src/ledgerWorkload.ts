import { encodeTransaction, decodeTransactions } from '../../services/protocol/src/codec/transaction.js';
import type { Transaction } from '../../services/protocol/src/types.js';
import type { Genesis } from '../../services/logic/src/ledger/genesis.js';
import type { TrustedTransaction } from '../../services/logic/src/ledger/trustedTransaction.js';
import { xorshift32 } from '../../services/common/src/xorshift32.js';

/**
 * The ledger benchmark's workload: N funded accounts and blocks of random transfers between
 * them, with nonces tracked so every transfer is valid. Keys are 33 random bytes with a
 * compressed prefix: the trusted path never checks a signature, so none is made (the signed
 * path is measured separately with real keys).
 */
export interface LedgerWorkload {
  /** Account i's 33-byte public key at [33i, 33i + 33). */
  pool: Uint8Array;
  accounts: number;
  genesis: Genesis;
  nonces: BigUint64Array;
  /** A deterministic PRNG (xorshift32) so runs are comparable. */
  next(): number;
}

export function makeWorkload(accounts: number, seed = 1): LedgerWorkload {
  const next = xorshift32(seed);
  // Keys from the seeded PRNG, so separate processes build the very same accounts and transfers.
  const pool = new Uint8Array(accounts * 33);
  const words = new Uint32Array(pool.buffer, 0, Math.floor(pool.length / 4));
  for (let i = 0; i < words.length; i++) words[i] = next();
  // Keys stay in the pool, viewed on demand: a million views kept around were ~100 MB of the
  // benchmark's own heap, counted in the node's peak RSS.
  for (let i = 0; i < accounts; i++) pool[i * 33] = 0x02;
  return {
    pool,
    accounts,
    genesis: { timestamp: 0n, allocations: Array.from({ length: accounts }, (_, i) => ({ address: pool.subarray(i * 33 + 13, i * 33 + 33), balance: 1_000_000_000_000n })) },
    nonces: new BigUint64Array(accounts),
    next,
  };
}

/** Account i's public key: a view into the pool. */
export function pubkeyOf(w: LedgerWorkload, i: number): Uint8Array {
  return w.pool.subarray(i * 33, i * 33 + 33);
}

const EMPTY = new Uint8Array(0);
const NO_SIGNATURE = new Uint8Array(64);

/** Encoded transfers, as a logic node receives them in a package. */
export function makeTransferBatch(w: LedgerWorkload, count: number, sign?: (tx: Omit<Transaction, 'signature'>, index: number) => Uint8Array): Uint8Array[] {
  const n = w.accounts;
  const out: Uint8Array[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const from = w.next() % n;
    let to = w.next() % n;
    if (to === from) to = (to + 1) % n;
    const nonce = w.nonces[from] as bigint;
    w.nonces[from] = nonce + 1n;
    const unsigned = {
      nonce,
      to: pubkeyOf(w, to).subarray(13),
      amount: BigInt(1 + (w.next() % 1000)),
      gasLimit: 0n,
      code: EMPTY,
      data: EMPTY,
      pubkey: pubkeyOf(w, from),
    };
    out[i] = encodeTransaction({ ...unsigned, signature: sign ? sign(unsigned, from) : NO_SIGNATURE });
  }
  // One package buffer, as a logic node receives it: a separate ArrayBuffer per transaction
  // made the pre-built blocks alone weigh ~800 bytes a transfer in the benchmark's peak RSS.
  const pkg = new Uint8Array(out.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (let i = 0; i < count; i++) {
    const b = out[i] as Uint8Array;
    pkg.set(b, o);
    out[i] = pkg.subarray(o, o + b.length);
    o += b.length;
  }
  return out;
}

/** Decodes a package's transactions (ids from the received bytes), as the logic node does on receipt. */
export function decodeBatch(encoded: readonly Uint8Array[]): TrustedTransaction[] {
  return decodeTransactions(encoded);
}
