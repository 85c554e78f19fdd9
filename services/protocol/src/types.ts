/**
 * The values of the protocol (DESIGN §3, WP 6.3–6.5). Integers that the wire carries as u64 or
 * u128 are bigint here so that no value is ever rounded.
 */

/** 20 bytes. */
export type Address = Uint8Array;
/** 32 bytes of SHA-256. */
export type Hash = Uint8Array;

export interface AccountState {
  /** u64: transactions sent so far. */
  nonce: bigint;
  /** u128, never negative. */
  balance: bigint;
  /** SHA-256 of the contract code; of the empty string for a plain account. */
  codeHash: Hash;
  /** Root of the account's storage trie; the empty trie's root for a plain account. */
  storageRoot: Hash;
}

export interface UnsignedTransaction {
  nonce: bigint;
  /** Absent on contract creation. */
  to: Address | null;
  amount: bigint;
  gasLimit: bigint;
  code: Uint8Array;
  data: Uint8Array;
  /** 33-byte compressed secp256k1 key; the sender's address is its last 20 bytes. */
  pubkey: Uint8Array;
}

export interface Transaction extends UnsignedTransaction {
  /** 64 bytes r‖s, low-S, over the transaction id. */
  signature: Uint8Array;
}

export interface CoinbaseEntry {
  account: Address;
  reward: bigint;
}

export interface BlockHeader {
  parentHash: Hash;
  /** u64 (the whitepaper allows 256 bits; at one block a second u64 lasts 5.8e11 years). */
  height: bigint;
  /** u64, milliseconds since the Unix epoch. */
  timestamp: bigint;
  coinbase: CoinbaseEntry[];
  stateRoot: Hash;
  transactionRoot: Hash;
  txSummaryRoot: Hash;
  /** The SDFS name of the body file: SHA-256 of the body encoding. */
  body: Hash;
}

/** How a transaction ended. Codes are part of the chain: never renumber one. */
export const TxStatus = {
  success: 0,
  /** The nonce is not the sender's next nonce (replays land here). */
  badNonce: 1,
  /** Balance covers the fee but not amount + fee: the fee is charged, the nonce advances. */
  insufficientBalance: 2,
  /** Balance does not cover the fee: nothing changes. */
  insufficientFee: 3,
  /** Contract creation and calls are not executed by the ledger engine yet. */
  unsupported: 4,
} as const;
export type TxStatus = (typeof TxStatus)[keyof typeof TxStatus];
export const TX_STATUS_NAMES: Readonly<Record<TxStatus, string>> = {
  0: 'SUCCESS',
  1: 'BAD_NONCE',
  2: 'INSUFFICIENT_BALANCE',
  3: 'INSUFFICIENT_FEE',
  4: 'UNSUPPORTED',
};

export interface TxSummary {
  status: TxStatus;
  /** u128: what the sender paid, 0 when nothing changed. */
  fee: bigint;
}

export interface BlockBody {
  transactions: Transaction[];
  /** One per transaction, same order. */
  summaries: TxSummary[];
}
