import native from '@clusterchain/native';

/** SHA-256 is the one hash of the protocol (DESIGN §3): ids, Merkle and MPT nodes, sampling. */
export const HASH_LENGTH = 32;

/**
 * Batched SHA-256 (services/native): digest i = SHA-256 of input[spans[2i], spans[2i+1]),
 * written at out[32 * (slots ? slots[i] : i)]. One call per batch is what makes hashing cheap:
 * node:crypto costs ~0.7 us per call whatever the input, this ~50 ns per short input (SHA-NI).
 * The hot paths (trie levels, Merkle levels, transaction ids) build their inputs in one buffer
 * and hash them here; tests hold it equal to node:crypto on both of its compressions.
 */
export const sha256Spans: (input: Uint8Array, spans: Uint32Array, count: number, out: Uint8Array, slots: Uint32Array | null) => void =
  native.sha256Spans;

/** Which compression the native hasher runs: "sha-ni" (x86 SHA extensions) or "portable". */
export const sha256Implementation: () => 'sha-ni' | 'portable' = native.implementation;

const ONE_SPAN = new Uint32Array(2);

/** One-shot SHA-256 into a new 32-byte array. */
export function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HASH_LENGTH);
  ONE_SPAN[1] = data.length;
  sha256Spans(data, ONE_SPAN, 1, out, null);
  return out;
}

/** SHA-256 of the empty string: code_hash of a plain account (WP 6.3). */
export const EMPTY_HASH: Uint8Array = sha256(new Uint8Array(0));
