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
 * A two-way set-associative table in two flat buffers: set = a keyed mix of the key's first
 * bytes, a hit needs all 33 bytes equal in one of the set's two slots, and a miss replaces the
 * slot used less recently. No object or string per key and no per-lookup allocation besides one
 * view: a string-keyed Map ate half the saving. Two ways, because one thrashed: 2,000 senders
 * in 65,536 direct-mapped slots leave ~30 pairs sharing a slot, each pair converting at every
 * alternation (0.5% of a reception node's CPU); with two ways a set needs three keys to thrash.
 * An attacker cycling or aiming fresh keys only makes misses, and a miss (conversion, then a
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
  /** Per set: which of its two slots was used last. */
  readonly #recent: Uint8Array;
  hits = 0;
  misses = 0;

  /** @param capacity slots, rounded up to a power of two, at least 2 (65,536: ~6.4 MB). */
  constructor(dependencies: { lib?: NativeSecp256k1; capacity?: number; seed?: number } = {}) {
    this.#lib = dependencies.lib ?? nativeSecp256k1();
    const bits = Math.max(1, Math.ceil(Math.log2(Math.max(2, dependencies.capacity ?? 65_536))));
    const setBits = bits - 1;
    // A shift of 32 would shift by 0 in JavaScript: a single set takes no bits of the mix.
    this.#shift = setBits === 0 ? -1 : 32 - setBits;
    // Keyed per process, so nobody can aim keys at another sender's set from outside.
    this.#seed = (dependencies.seed ?? Math.floor(Math.random() * 0x1_0000_0000)) | 0;
    const slots = 1 << bits;
    this.#keys = new Uint8Array(slots * PUBLIC_KEY_LENGTH);
    this.#points = new Uint8Array(slots * POINT_BYTES);
    this.#state = new Uint8Array(slots);
    this.#recent = new Uint8Array(slots / 2);
  }

  verify(signature: Uint8Array, digest: Uint8Array, pubkey: Uint8Array): boolean {
    if (!hasContractShape(signature, digest, pubkey)) return false;
    const slot = this.#lookup(pubkey);
    if (this.#state[slot] !== POINT) return false;
    try {
      return this.#lib.ecdsaVerify(signature, digest, this.#points.subarray(slot * POINT_BYTES, (slot + 1) * POINT_BYTES)) === true;
    } catch {
      // r or s ≥ n: the wrapper throws instead of returning false (see NativeVerifier).
      return false;
    }
  }

  /** The key's slot, holding its point (or NOT_A_POINT) after a conversion on a miss. */
  #lookup(pubkey: Uint8Array): number {
    const head = ((pubkey[1] as number) | ((pubkey[2] as number) << 8) | ((pubkey[3] as number) << 16) | ((pubkey[4] as number) << 24)) ^ this.#seed;
    const mixed = Math.imul(head ^ (head >>> 16) ^ ((pubkey[0] as number) << 5) ^ ((pubkey[32] as number) << 13), 0x9e3779b1);
    const set = this.#shift < 0 ? 0 : mixed >>> this.#shift;
    for (let way = 0; way < 2; way++) {
      const slot = 2 * set + way;
      if (this.#state[slot] !== EMPTY && this.#holds(slot, pubkey)) {
        this.hits++;
        this.#recent[set] = way;
        return slot;
      }
    }
    this.misses++;
    const way = this.#recent[set] === 0 ? 1 : 0;
    const slot = 2 * set + way;
    this.#recent[set] = way;
    this.#keys.set(pubkey, slot * PUBLIC_KEY_LENGTH);
    try {
      this.#lib.publicKeyConvert(pubkey, false, this.#points.subarray(slot * POINT_BYTES, (slot + 1) * POINT_BYTES));
      this.#state[slot] = POINT;
    } catch {
      this.#state[slot] = NOT_A_POINT; // x ≥ p, or no point has this x: never valid
    }
    return slot;
  }

  #holds(slot: number, pubkey: Uint8Array): boolean {
    const keys = this.#keys;
    const base = slot * PUBLIC_KEY_LENGTH;
    let i = 0;
    while (i < PUBLIC_KEY_LENGTH && keys[base + i] === pubkey[i]) i++;
    return i === PUBLIC_KEY_LENGTH;
  }
}
