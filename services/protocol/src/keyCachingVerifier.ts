import { PUBLIC_KEY_LENGTH } from './params.js';
import { hasContractShape, nativeSecp256k1, type NativeSecp256k1, type SignatureVerifier } from './signature.js';

/** An uncompressed key: 0x04 ‖ x ‖ y. */
const POINT_BYTES = 65;
const EMPTY = 0;
const POINT = 1;
const NOT_A_POINT = 2;

/**
 * NativeVerifier with each public key decompressed once. A compressed key costs libsecp256k1 a
 * square root mod p on every verification (~6 µs of ~57 µs on the development machine); the
 * 65-byte form it parses with one curve-equation check. Senders repeat — a reception node sees
 * the same accounts all day — so the nodes, which spend most of their CPU verifying, keep the
 * points of recent keys and verify against those.
 *
 * A direct-mapped table in two flat buffers: bucket = a keyed mix of the key's first bytes, and a
 * hit needs all 33 bytes equal. No object or string per key and no per-lookup allocation besides
 * one view: a string-keyed Map ate half the saving. A colliding key replaces the older one, so
 * an attacker cycling or aiming fresh keys only makes misses, and a miss (conversion, then a
 * verification against the point) costs about what a plain verification did.
 *
 * Same verdicts as NativeVerifier on every input (the signature differential runs both): the
 * shape check is the same, and the point is the one libsecp256k1 would parse itself, or the key
 * is remembered as not a point.
 */
export class KeyCachingVerifier implements SignatureVerifier {
  readonly name = 'libsecp256k1 (cached points)';
  readonly #lib: NativeSecp256k1;
  readonly #shift: number;
  readonly #seed: number;
  readonly #keys: Uint8Array;
  readonly #points: Uint8Array;
  readonly #state: Uint8Array;
  hits = 0;
  misses = 0;

  /** @param capacity buckets, rounded up to a power of two (65,536: ~6.4 MB). */
  constructor(dependencies: { lib?: NativeSecp256k1; capacity?: number; seed?: number } = {}) {
    this.#lib = dependencies.lib ?? nativeSecp256k1();
    const bits = Math.max(1, Math.ceil(Math.log2(Math.max(2, dependencies.capacity ?? 65_536))));
    this.#shift = 32 - bits;
    // Keyed per process, so nobody can aim keys at another sender's bucket from outside.
    this.#seed = (dependencies.seed ?? Math.floor(Math.random() * 0x1_0000_0000)) | 0;
    const buckets = 1 << bits;
    this.#keys = new Uint8Array(buckets * PUBLIC_KEY_LENGTH);
    this.#points = new Uint8Array(buckets * POINT_BYTES);
    this.#state = new Uint8Array(buckets);
  }

  verify(signature: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean {
    if (!hasContractShape(signature, digest, pubkey)) return false;
    const bucket = this.#lookup(pubkey);
    if (this.#state[bucket] !== POINT) return false;
    try {
      return this.#lib.ecdsaVerify(signature, digest, this.#points.subarray(bucket * POINT_BYTES, (bucket + 1) * POINT_BYTES)) === true;
    } catch {
      // r or s ≥ n: the wrapper throws instead of returning false (see NativeVerifier).
      return false;
    }
  }

  /** The key's bucket, holding its point (or NOT_A_POINT) after a conversion on a miss. */
  #lookup(pubkey: Uint8Array): number {
    const head = ((pubkey[1] as number) | ((pubkey[2] as number) << 8) | ((pubkey[3] as number) << 16) | ((pubkey[4] as number) << 24)) ^ this.#seed;
    const mixed = Math.imul(head ^ (head >>> 16) ^ ((pubkey[0] as number) << 5) ^ ((pubkey[32] as number) << 13), 0x9e3779b1);
    const bucket = mixed >>> this.#shift;
    const keys = this.#keys;
    const base = bucket * PUBLIC_KEY_LENGTH;
    if (this.#state[bucket] !== EMPTY) {
      let i = 0;
      while (i < PUBLIC_KEY_LENGTH && keys[base + i] === pubkey[i]) i++;
      if (i === PUBLIC_KEY_LENGTH) {
        this.hits++;
        return bucket;
      }
    }
    this.misses++;
    keys.set(pubkey, base);
    try {
      this.#lib.publicKeyConvert(pubkey, false, this.#points.subarray(bucket * POINT_BYTES, (bucket + 1) * POINT_BYTES));
      this.#state[bucket] = POINT;
    } catch {
      this.#state[bucket] = NOT_A_POINT; // x ≥ p, or no point has this x: never valid
    }
    return bucket;
  }
}
