import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesEqual } from './bytes.js';
import { transactionId } from './codec/transaction.js';
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { HASH_LENGTH } from './hash.js';
import { nativeSecp256k1 } from './signature.js';
import type { Transaction, UnsignedTransaction } from './types.js';

/**
 * secp256k1 keys and signing (DESIGN §3, WP 6.4). Signatures are made by libsecp256k1 (the
 * binding signature.ts loads, failing loudly without it): an RN signs a co-signature for every
 * batch it is drawn for, and noble's ~1 ms a signature was 5% of a loaded RN's time. noble stays
 * the reference (`signDigestReference`); a differential test holds both to the same bytes.
 * Verification (the hot path) lives in signature.ts.
 */

/** A private key is a scalar in [1, n), big-endian. */
export const PRIVATE_KEY_LENGTH = 32;

/**
 * noble v2 hashes the message itself unless told not to; ours is already a SHA-256 digest (the
 * transaction id). Deterministic RFC 6979 nonces (no extra entropy) make a signature a pure
 * function of (digest, key), so tests and other implementations can reproduce it byte for byte.
 */
const SIGN_OPTIONS = { prehash: false, lowS: true, format: 'compact', extraEntropy: false } as const;

export function generatePrivateKey(): Uint8Array {
  return secp256k1.utils.randomSecretKey();
}

function assertPrivateKey(sk: Uint8Array): void {
  // Checked here rather than left to noble so that callers always see a coded error, never
  // noble's plain Error (and never a key in a message: none is ever echoed).
  if (!(sk instanceof Uint8Array) || sk.length !== PRIVATE_KEY_LENGTH) {
    throw new ProtocolError(ProtocolErrorCode.invalidKey, `private key must be ${PRIVATE_KEY_LENGTH} bytes`);
  }
  if (!secp256k1.utils.isValidSecretKey(sk)) {
    throw new ProtocolError(ProtocolErrorCode.invalidKey, 'private key is not a scalar in [1, n)');
  }
}

/** The 33-byte compressed public key of a private key. */
export function publicKeyOf(sk: Uint8Array): Uint8Array {
  assertPrivateKey(sk);
  return secp256k1.getPublicKey(sk, true);
}

function assertDigest(digest: Uint8Array): void {
  if (!(digest instanceof Uint8Array) || digest.length !== HASH_LENGTH) {
    throw new ProtocolError(ProtocolErrorCode.invalidArgument, `digest must be ${HASH_LENGTH} bytes`);
  }
}

/** The group order n, big-endian: digests at or above it are where the two signers part. */
const CURVE_ORDER = Uint8Array.from(Buffer.from('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', 'hex'));

function atLeastCurveOrder(digest: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (digest[i] !== CURVE_ORDER[i]) return (digest[i] as number) > (CURVE_ORDER[i] as number);
  return true;
}

/**
 * 64-byte r‖s, low-S, over a 32-byte digest (no further hashing). libsecp256k1 signs with RFC
 * 6979 nonces and no extra data, and always normalizes to low-S: the same bytes as the reference,
 * except for a digest ≥ n, which RFC 6979 reduces mod n before deriving the nonce and
 * libsecp256k1 does not. A SHA-256 digest lands there with probability ~2^-128; those go to the
 * reference, so a signature stays one function of (digest, key) whichever code made it.
 */
export function signDigest(digest: Uint8Array, sk: Uint8Array): Uint8Array {
  assertDigest(digest);
  assertPrivateKey(sk);
  if (atLeastCurveOrder(digest)) return secp256k1.sign(digest, sk, SIGN_OPTIONS);
  return nativeSecp256k1().ecdsaSign(digest, sk).signature;
}

/** The same signature by @noble/curves: the reference the native one is tested against. */
export function signDigestReference(digest: Uint8Array, sk: Uint8Array): Uint8Array {
  assertDigest(digest);
  assertPrivateKey(sk);
  return secp256k1.sign(digest, sk, SIGN_OPTIONS);
}

/**
 * Signs the transaction id. The key must be the one named by `unsigned.pubkey`: a mismatch would
 * produce a transaction every node rejects, so it is refused here where the mistake is made.
 */
export function signTransaction(unsigned: UnsignedTransaction, sk: Uint8Array): Transaction {
  if (!bytesEqual(publicKeyOf(sk), unsigned.pubkey)) {
    throw new ProtocolError(ProtocolErrorCode.invalidKey, "private key does not match the transaction's pubkey");
  }
  const { nonce, to, amount, gasLimit, code, data, pubkey } = unsigned;
  const signature = signDigest(transactionId(unsigned), sk);
  return { nonce, to, amount, gasLimit, code, data, pubkey, signature };
}
