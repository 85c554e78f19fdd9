/**
 * Protocol constants: every limit a decoder enforces, with why. Changing one is a fork.
 */

/** Length of an address: the last 20 bytes of the compressed public key (WP 6.3). */
export const ADDRESS_LENGTH = 20;
/** Compressed secp256k1 public key, 264 bits (WP 6.4). */
export const PUBLIC_KEY_LENGTH = 33;
/** r‖s, 512 bits (WP 6.4). */
export const SIGNATURE_LENGTH = 64;

/** Contract bytecode on creation; the same bound as Ethereum's init code (EIP-3860, 48 KiB). */
export const MAX_CODE_BYTES = 48 * 1024;
/** Call data; generous for contract arguments, small enough that reception can cap floods. */
export const MAX_DATA_BYTES = 16 * 1024;
/** Coinbase entries in one header: the 7 reception nodes of each committee plus cluster roles. */
export const MAX_COINBASE_ENTRIES = 4096;
/** Transactions in one block body: ~10x a 3 s slot at 100k tx/s, so a decoder can bound memory. */
export const MAX_BODY_TRANSACTIONS = 4_000_000;

/** Number of basic subtrees: accounts are split by the first 10 bits of the address (WP 6.3). */
export const BST_COUNT = 1024;
export const BST_BITS = 10;

/** Versions of each canonical encoding; a decoder refuses any other. */
export const TRANSACTION_VERSION = 1;
export const ACCOUNT_VERSION = 1;
export const HEADER_VERSION = 1;
export const BODY_VERSION = 1;
export const SUMMARY_VERSION = 1;
