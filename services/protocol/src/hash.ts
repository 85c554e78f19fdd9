import { hash as nodeHash } from 'node:crypto';

/** SHA-256 is the one hash of the protocol (DESIGN §3): ids, Merkle and MPT nodes, sampling. */
export const HASH_LENGTH = 32;

/**
 * One-shot SHA-256. `crypto.hash` is ~1.6x `createHash().update().digest()` on the 70–550 byte
 * inputs the trie hashes (measured on this machine), which matters on the hot path.
 */
export function sha256(data: Uint8Array): Uint8Array {
  return nodeHash('sha256', data, 'buffer') as unknown as Uint8Array;
}

/** SHA-256 of the empty string: code_hash of a plain account (WP 6.3). */
export const EMPTY_HASH: Uint8Array = sha256(new Uint8Array(0));
