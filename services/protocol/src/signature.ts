import { createRequire } from 'node:module';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type * as Secp256k1Api from 'secp256k1';
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { HASH_LENGTH } from './hash.js';
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from './params.js';
import type { Hash, Transaction } from './types.js';

/**
 * Signature verification behind one interface (DESIGN §3). NobleVerifier is the reference;
 * NativeVerifier (libsecp256k1) serves the hot path because the differential tests
 * (test/signature.differential.*.test.ts) show both accept and reject exactly the same inputs.
 */
export interface SignatureVerifier {
  readonly name: string;
  /**
   * True only for a 64-byte compact r‖s signature with 0 < r, s < n and s ≤ n/2 (low-S), over the
   * 32-byte digest, by the 33-byte compressed public key of a point on the curve. False for
   * anything else; never throws, so a hostile transaction costs a `false`, not a crash.
   */
  verify(signature: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean;
}

/**
 * The parts of the contract both libraries would otherwise read differently: noble accepts
 * digests of any length and 65-byte keys, libsecp256k1 accepts 65-byte (and hybrid 0x06/0x07)
 * keys. Checking them once, in front of both, keeps the accepted set the same by construction.
 */
/** The inputs the verifier contract admits at all (lengths, types, a compressed-key prefix); anything else is false. */
export function hasContractShape(signature: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean {
  return (
    signature instanceof Uint8Array &&
    digest instanceof Uint8Array &&
    pubkey instanceof Uint8Array &&
    signature.length === SIGNATURE_LENGTH &&
    digest.length === HASH_LENGTH &&
    pubkey.length === PUBLIC_KEY_LENGTH &&
    (pubkey[0] === 0x02 || pubkey[0] === 0x03)
  );
}

const NOBLE_VERIFY_OPTIONS = { prehash: false, lowS: true, format: 'compact' } as const;

/** The reference: @noble/curves, audited pure JS; ~750 verifications/s per core. */
export class NobleVerifier implements SignatureVerifier {
  readonly name = 'noble';

  verify(signature: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean {
    if (!hasContractShape(signature, digest, pubkey)) return false;
    try {
      return secp256k1.verify(signature, digest, pubkey, NOBLE_VERIFY_OPTIONS);
    } catch {
      // noble throws on some malformed inputs (it returns false on most); the contract says false.
      return false;
    }
  }
}

/** The libsecp256k1 API of the `secp256k1` package; its `bindings` entry has the same shape. */
export type NativeSecp256k1 = typeof Secp256k1Api;

/**
 * Loads libsecp256k1 through `secp256k1/bindings`, never through `secp256k1` itself: the package's
 * main entry silently falls back to the pure-JS `elliptic` implementation when the native addon
 * is missing (wrong platform, failed install), which verifies ~30x slower (measured: ~600 against
 * ~17,800 verifications/s per core). Better to fail at start-up with a coded, fatal error than
 * to run a node that cannot keep up.
 * `requireFn` is injectable so tests can simulate a missing addon.
 */
export function loadNativeSecp256k1(
  requireFn: (id: string) => unknown = createRequire(import.meta.url),
): NativeSecp256k1 {
  try {
    return requireFn('secp256k1/bindings') as NativeSecp256k1;
  } catch (cause) {
    throw new ProtocolError(
      ProtocolErrorCode.nativeUnavailable,
      'the libsecp256k1 native binding (secp256k1/bindings) did not load; refusing the pure-JS fallback',
      { cause, fatal: true },
    );
  }
}

let sharedNative: NativeSecp256k1 | undefined;

/** The process-wide binding, loaded on first use so importing this module never fails. */
export function nativeSecp256k1(): NativeSecp256k1 {
  sharedNative ??= loadNativeSecp256k1();
  return sharedNative;
}

/** libsecp256k1 (bitcoin-core): ~17,800 verifications/s per core, ~24x the reference. */
export class NativeVerifier implements SignatureVerifier {
  readonly name = 'libsecp256k1';
  readonly #lib: NativeSecp256k1;

  constructor(dependencies: { lib?: NativeSecp256k1 } = {}) {
    this.#lib = dependencies.lib ?? nativeSecp256k1();
  }

  verify(signature: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean {
    if (!hasContractShape(signature, digest, pubkey)) return false;
    try {
      // libsecp256k1 itself rejects high-S (secp256k1_ecdsa_verify requires a normalized s),
      // and r = 0 or s = 0; the differential tests hold it to that.
      return this.#lib.ecdsaVerify(signature, digest, pubkey) === true;
    } catch {
      // The wrapper throws rather than returning false when r or s ≥ n ("Signature could not be
      // parsed") or the key is not a curve point ("Public Key could not be parsed").
      return false;
    }
  }
}

let sharedDefault: SignatureVerifier | undefined;

/** The verifier for the hot path: native, and loud (NATIVE_UNAVAILABLE) when it cannot be. */
export function defaultVerifier(): SignatureVerifier {
  sharedDefault ??= new NativeVerifier();
  return sharedDefault;
}

/**
 * Whether `tx.signature` signs `id` under `tx.pubkey`. The id is passed in rather than recomputed
 * because a decoder already has it from the received bytes (DecodedTransaction).
 */
export function verifyTransaction(tx: Transaction, id: Hash, verifier: SignatureVerifier): boolean {
  return verifier.verify(tx.signature, id, tx.pubkey);
}
