/**
 * The differential test of NativeVerifier (libsecp256k1) against NobleVerifier (the reference):
 * DESIGN §3 lets the native one serve the hot path only if both accept and reject exactly the
 * same inputs. KeyCachingVerifier (what the nodes run) must also agree with NativeVerifier on every
 * case; its cache is kept smaller than the key pool, so cases meet hits, misses and evictions. Each test file calls `describeSignatureDifferential` with its own fixed seed, so
 * jest can run the files on separate workers and any failure reproduces from the printed seed.
 *
 * Cases are built from first principles (bigint arithmetic mod n and p, and libsecp256k1 point
 * operations, which are ~20x faster than noble's), never by asking noble what is valid: the
 * expected verdict of every case is known by construction and checked too.
 */
import { NativeVerifier, NobleVerifier, nativeSecp256k1, type NativeSecp256k1 } from '../../src/signature.js';
import { KeyCachingVerifier } from '../../src/keyCachingVerifier.js';
import { toHex } from '../../src/bytes.js';

/** The order of the group. */
export const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** The field prime. */
export const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;
/** The largest low-S value, (n − 1) / 2. */
export const HALF_N = N >> 1n;
const TWO_256 = 1n << 256n;

// ---------------------------------------------------------------- seeded randomness

/** sfc32 (PractRand-tested, 128-bit state), seeded through splitmix32: fast and reproducible. */
export class SeededRandom {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const splitmix = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = splitmix();
    this.#b = splitmix();
    this.#c = splitmix();
    this.#d = splitmix();
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, max) for max ≤ 2^32 (bias < 2^-32, irrelevant here). */
  int(max: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * max);
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const v = this.u32();
      for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
    }
    return out;
  }

  /** Uniform in [0, max) by rejection from the smallest enclosing power of two. */
  below(max: bigint): bigint {
    const bits = max.toString(2).length;
    const mask = (1n << BigInt(bits)) - 1n;
    for (;;) {
      const v = toBig(this.bytes(Math.ceil(bits / 8))) & mask;
      if (v < max) return v;
    }
  }

  /** A scalar in [1, n). */
  scalar(): bigint {
    return 1n + this.below(N - 1n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/** FNV-1a, to give each category its own stream: a category's cases do not depend on the others. */
function seedFor(fileSeed: number, category: string): number {
  let h = (0x811c9dc5 ^ fileSeed) >>> 0;
  for (let i = 0; i < category.length; i++) h = Math.imul(h ^ category.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

// ---------------------------------------------------------------- arithmetic

export function toBig(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

/** Big-endian, exactly 32 bytes; the value must be < 2^256. */
export function to32(value: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(value.toString(16).padStart(64, '0'), 'hex'));
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function powMod(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

/** n is prime, so a^(n−2) is the inverse (Fermat). */
function invN(a: bigint): bigint {
  return powMod(a, N - 2n, N);
}

/** Whether x (< p) is the x-coordinate of a curve point: x³ + 7 is a square mod p (Euler). */
export function isCurveX(x: bigint): boolean {
  return powMod(x * x * x + 7n, (P - 1n) / 2n, P) === 1n;
}

export function signatureOf(r: bigint, s: bigint): Uint8Array {
  const out = new Uint8Array(64);
  out.set(to32(r), 0);
  out.set(to32(s), 32);
  return out;
}

function xOf(compressed: Uint8Array): bigint {
  return toBig(compressed.subarray(1, 33));
}

function withPrefix(prefix: number, x: bigint): Uint8Array {
  const out = new Uint8Array(33);
  out[0] = prefix;
  out.set(to32(x), 1);
  return out;
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
}

// ---------------------------------------------------------------- case construction

export interface SignatureCase {
  signature: Uint8Array;
  digest: Uint8Array;
  pubkey: Uint8Array;
  /** The verdict the contract requires, known by construction. */
  expected: boolean;
  /** What makes this case what it is, printed on failure. */
  note: string;
}

interface Signed {
  sk: Uint8Array;
  pubkey: Uint8Array;
  digest: Uint8Array;
  signature: Uint8Array;
}

/** Everything a category needs: the stream, the native library and a pool of keys. */
export class CaseMaker {
  readonly #keys: { sk: Uint8Array; pubkey: Uint8Array }[] = [];

  constructor(
    readonly rng: SeededRandom,
    readonly lib: NativeSecp256k1,
  ) {
    for (let i = 0; i < 64; i++) this.#keys.push(this.newKey());
  }

  newKey(): { sk: Uint8Array; pubkey: Uint8Array } {
    const sk = to32(this.rng.scalar());
    return { sk, pubkey: this.lib.publicKeyCreate(sk, true) };
  }

  key(): { sk: Uint8Array; pubkey: Uint8Array } {
    return this.rng.pick(this.#keys);
  }

  /** A valid signature by libsecp256k1 (RFC 6979, low-S) over `digest`, random by default. */
  signed(digest: Uint8Array = this.rng.bytes(32)): Signed {
    const { sk, pubkey } = this.key();
    const signature = this.lib.ecdsaSign(digest, sk).signature.slice();
    return { sk, pubkey, digest, signature };
  }

  /**
   * A valid signature with a chosen s: with k known, r = (kG).x mod n and the digest that makes
   * (r, s) valid is e = s·k − r·d (from s = k⁻¹(e + r·d)). Lets us sit exactly on the low-S bound.
   */
  withChosenS(s: bigint): Signed {
    const { sk, pubkey } = this.key();
    const k = this.rng.scalar();
    const r = mod(xOf(this.lib.publicKeyCreate(to32(k), true)), N);
    const e = mod(s * k - r * toBig(sk), N);
    return { sk, pubkey, digest: to32(e), signature: signatureOf(r, s) };
  }

  /**
   * A valid signature whose nonce point is the chosen R, for a key nobody knows: with random u1, u2,
   * Q = u2⁻¹(R − u1·G), s = r·u2⁻¹ and e = u1·s make u1·G + u2·Q = R, which is what verification
   * computes. Negating s (to make it low) negates R, whose x is the same, so it stays valid.
   */
  withChosenR(rPoint: Uint8Array): { pubkey: Uint8Array; digest: Uint8Array; r: bigint; s: bigint } {
    const u1 = this.rng.scalar();
    const u2 = this.rng.scalar();
    const minusU1G = this.lib.publicKeyNegate(this.lib.publicKeyCreate(to32(u1), true), true);
    const pubkey = this.lib.publicKeyTweakMul(this.lib.publicKeyCombine([rPoint, minusU1G], true), to32(invN(u2)), true);
    const r = mod(xOf(rPoint), N);
    const s0 = mod(r * invN(u2), N);
    const e = mod(u1 * s0, N);
    const s = s0 > HALF_N ? N - s0 : s0;
    return { pubkey, digest: to32(e), r, s };
  }

  /** A valid signature for the given key, whose private key is unknown (see withChosenR). */
  forgedFor(pubkey: Uint8Array): { digest: Uint8Array; r: bigint; s: bigint } {
    const u1 = this.rng.scalar();
    const u2 = this.rng.scalar();
    const rPoint = this.lib.publicKeyCombine([this.lib.publicKeyCreate(to32(u1), true), this.lib.publicKeyTweakMul(pubkey, to32(u2), true)], true);
    const r = mod(xOf(rPoint), N);
    const s0 = mod(r * invN(u2), N);
    const s = s0 > HALF_N ? N - s0 : s0;
    return { digest: to32(mod(u1 * s0, N)), r, s };
  }

  /** A compressed point whose x is drawn from [lo, lo + span). */
  pointWithXIn(lo: bigint, span: bigint): Uint8Array {
    for (;;) {
      const x = lo + this.rng.below(span);
      if (x < P && isCurveX(x)) return withPrefix(this.rng.pick([0x02, 0x03]), x);
    }
  }
}

export interface Category {
  name: string;
  count: number;
  /** One or more cases; related cases (a valid signature and its mutation) come together. */
  make(m: CaseMaker): SignatureCase[];
}

const ok = (s: Omit<Signed, 'sk'>, note: string): SignatureCase => ({ ...s, expected: true, note });
const bad = (s: Omit<Signed, 'sk'>, note: string): SignatureCase => ({ ...s, expected: false, note });

/** Copies into a larger buffer at an odd offset, or into a Buffer: bindings must honour byteOffset. */
function asView(m: CaseMaker, bytes: Uint8Array): Uint8Array {
  if (m.rng.int(2) === 0) return Buffer.from(bytes);
  const offset = 1 + m.rng.int(31);
  const backing = m.rng.bytes(offset + bytes.length + 7);
  backing.set(bytes, offset);
  return backing.subarray(offset, offset + bytes.length);
}

/**
 * Per file: 25,210 cases, of which ~7,000 make noble do a full verification (~650/s under jest, so
 * ~11 s); the rest are adversarial inputs both reject early. Four files cover 100,840 cases.
 */
export const CATEGORIES: readonly Category[] = [
  {
    name: 'a valid signature over a random digest',
    count: 2000,
    make: (m) => [ok(m.signed(), 'valid')],
  },
  {
    name: 'a valid signature passed as Buffers or offset views',
    count: 300,
    make: (m) => {
      const s = m.signed();
      return [ok({ ...s, signature: asView(m, s.signature), digest: asView(m, s.digest), pubkey: asView(m, s.pubkey) }, 'views')];
    },
  },
  {
    name: 'a valid signature over an edge digest (0, 1, n−1, n, n+1, p, 2^256−1)',
    count: 210,
    make: (m) => {
      const e = m.rng.pick([0n, 1n, N - 1n, N, N + 1n, P, TWO_256 - 1n]);
      return [ok(m.signed(to32(e)), `digest ${e.toString(16)}`)];
    },
  },
  {
    name: 'a digest that is a signed digest plus or minus n (equal mod n)',
    count: 300,
    make: (m) => {
      // Only digests below 2^256 − n have a twin; both verifiers must reduce mod n alike.
      const e = m.rng.below(TWO_256 - N);
      const signedHigh = m.rng.int(2) === 0;
      const s = m.signed(to32(signedHigh ? e + N : e));
      return [ok({ ...s, digest: to32(signedHigh ? e : e + N) }, signedHigh ? 'signed e+n, checked e' : 'signed e, checked e+n')];
    },
  },
  {
    name: 'a valid signature with s chosen at and around the low-S bound',
    count: 600,
    make: (m) => {
      const s = m.rng.pick([1n, 2n, HALF_N - 1n, HALF_N, HALF_N + 1n, HALF_N + 2n, N - 2n, N - 1n, 1n + m.rng.below(HALF_N), HALF_N + 1n + m.rng.below(HALF_N)]);
      const c = m.withChosenS(s);
      return [{ ...c, expected: s <= HALF_N, note: `s ${s.toString(16)}` }];
    },
  },
  {
    name: 'a valid signature whose nonce point has x ≥ n (so r = R.x − n)',
    count: 100,
    make: (m) => {
      const rPoint = m.pointWithXIn(N, P - N);
      const { pubkey, digest, r, s } = m.withChosenR(rPoint);
      return [ok({ pubkey, digest, signature: signatureOf(r, s) }, `R.x ${xOf(rPoint).toString(16)}`)];
    },
  },
  {
    name: 'r or s encoded as itself plus n (equal mod n, but out of range)',
    count: 300,
    make: (m) => {
      if (m.rng.int(2) === 0) {
        // A valid signature with a small r needs a nonce point with a small x: forge one.
        const { pubkey, digest, r, s } = m.withChosenR(m.pointWithXIn(1n, 1n << 64n));
        return [
          ok({ pubkey, digest, signature: signatureOf(r, s) }, 'small r'),
          bad({ pubkey, digest, signature: signatureOf(r + N, s) }, 'small r, plus n'),
        ];
      }
      const s = 1n + m.rng.below(1n << 64n);
      const c = m.withChosenS(s);
      const r = toBig(c.signature.subarray(0, 32));
      return [ok(c, 'small s'), bad({ ...c, signature: signatureOf(r, s + N) }, 'small s, plus n')];
    },
  },
  {
    name: 'the high-S twin of a valid signature (s′ = n − s)',
    count: 4000,
    make: (m) => {
      const c = m.signed();
      const r = toBig(c.signature.subarray(0, 32));
      const s = toBig(c.signature.subarray(32));
      return [bad({ ...c, signature: signatureOf(r, N - s) }, 'high-S twin')];
    },
  },
  {
    name: 'r or s out of range (0, n, n+1, above n, all 0xff)',
    count: 4000,
    make: (m) => {
      const c = m.signed();
      const out = (): bigint => m.rng.pick([0n, N, N + 1n, N + m.rng.below(TWO_256 - N), TWO_256 - 1n]);
      let r = toBig(c.signature.subarray(0, 32));
      let s = toBig(c.signature.subarray(32));
      const which = m.rng.int(3);
      if (which !== 1) r = out();
      if (which !== 0) s = out();
      return [bad({ ...c, signature: signatureOf(r, s) }, `r ${r.toString(16)} s ${s.toString(16)}`)];
    },
  },
  {
    name: 'a public key whose x has no point on the curve',
    count: 2000,
    make: (m) => {
      const c = m.signed();
      let x: bigint;
      do x = m.rng.pick([0n, m.rng.below(P)]);
      while (isCurveX(x));
      return [bad({ ...c, pubkey: withPrefix(m.rng.pick([0x02, 0x03]), x) }, `x ${x.toString(16)}`)];
    },
  },
  {
    name: "a public key with a prefix other than 0x02/0x03, on the signer's own x",
    count: 2500,
    make: (m) => {
      const c = m.signed();
      let prefix: number;
      do prefix = m.rng.pick([0x00, 0x01, 0x04, 0x05, 0x06, 0x07, 0x08, 0x12, 0x42, 0x82, 0xff, m.rng.int(256)]);
      while (prefix === 0x02 || prefix === 0x03);
      const pubkey = c.pubkey.slice();
      pubkey[0] = prefix;
      return [bad({ ...c, pubkey }, `prefix ${prefix}`)];
    },
  },
  {
    name: 'a public key with x ≥ p, including x + p for a key the signature is valid for',
    count: 800,
    make: (m) => {
      if (m.rng.int(2) === 0) {
        // 2^256 − p ≈ 2^32, so only x < 2^32 + 977 has such an alias: a verifier reducing x
        // mod p would accept the second case.
        const q = m.pointWithXIn(0n, TWO_256 - P);
        const { digest, r, s } = m.forgedFor(q);
        const signature = signatureOf(r, s);
        return [
          ok({ pubkey: q, digest, signature }, 'small x'),
          bad({ pubkey: withPrefix(q[0] as number, xOf(q) + P), digest, signature }, 'small x, plus p'),
        ];
      }
      const c = m.signed();
      const x = m.rng.pick([P, P + 1n, TWO_256 - 1n, P + m.rng.below(TWO_256 - P)]);
      return [bad({ ...c, pubkey: withPrefix(m.rng.pick([0x02, 0x03]), x) }, `x ${x.toString(16)}`)];
    },
  },
  {
    name: 'a valid signature checked against another key (or the negated key)',
    count: 800,
    make: (m) => {
      const c = m.signed();
      let pubkey: Uint8Array;
      if (m.rng.int(4) === 0) {
        pubkey = c.pubkey.slice();
        pubkey[0] = (pubkey[0] as number) ^ 0x01; // 0x02 <-> 0x03: the point −Q
      } else {
        do pubkey = m.key().pubkey;
        while (pubkey === c.pubkey);
      }
      return [bad({ ...c, pubkey }, 'wrong key')];
    },
  },
  {
    name: 'a digest with one bit flipped',
    count: 800,
    make: (m) => {
      const c = m.signed();
      const bit = m.rng.int(256);
      return [bad({ ...c, digest: flipBit(c.digest, bit) }, `bit ${bit}`)];
    },
  },
  {
    name: 'a signature with one bit flipped',
    count: 1200,
    make: (m) => {
      const c = m.signed();
      const bit = m.rng.int(512);
      return [bad({ ...c, signature: flipBit(c.signature, bit) }, `bit ${bit}`)];
    },
  },
  {
    name: 'a public key with one bit flipped',
    count: 1000,
    make: (m) => {
      const c = m.signed();
      const bit = m.rng.int(264);
      return [bad({ ...c, pubkey: flipBit(c.pubkey, bit) }, `bit ${bit}`)];
    },
  },
  {
    name: 'a signature, digest or public key of the wrong length (0..65 bytes)',
    count: 3500,
    make: (m) => {
      const c = m.signed();
      const field = m.rng.pick(['signature', 'digest', 'pubkey'] as const);
      const right = c[field].length;
      // Forms a lenient parser might take: the uncompressed or hybrid key (libsecp256k1 accepts
      // both), a recoverable signature with its recovery byte, a digest with a byte to spare.
      if (field === 'pubkey' && m.rng.int(4) === 0) {
        const full = m.lib.publicKeyCreate(c.sk, false);
        if (m.rng.int(2) === 0) full[0] = 0x06 | ((c.pubkey[0] as number) & 1);
        return [bad({ ...c, pubkey: full }, `65-byte key 0x${(full[0] as number).toString(16)}`)];
      }
      let length: number;
      do length = m.rng.int(66);
      while (length === right);
      let bytes: Uint8Array;
      const how = m.rng.int(3);
      if (how === 0 || length < right) {
        bytes = length <= right ? c[field].slice(0, length) : new Uint8Array([...c[field], ...m.rng.bytes(length - right)]);
      } else if (how === 1) {
        bytes = new Uint8Array([...m.rng.bytes(length - right), ...c[field]]);
      } else {
        bytes = m.rng.bytes(length);
      }
      return [bad({ ...c, [field]: bytes }, `${field} of ${length} bytes`)];
    },
  },
  {
    name: 'random or constant bytes of the right lengths',
    count: 800,
    make: (m) => {
      const fill = (length: number): Uint8Array => {
        const kind = m.rng.int(3);
        return kind === 0 ? m.rng.bytes(length) : new Uint8Array(length).fill(kind === 1 ? 0 : 0xff);
      };
      const pubkey = fill(33);
      if (m.rng.int(2) === 0) pubkey[0] = m.rng.pick([0x02, 0x03]);
      return [bad({ signature: fill(64), digest: fill(32), pubkey }, 'garbage')];
    },
  },
];

function describeCase(seed: number, category: string, index: number, c: SignatureCase, native: boolean, noble: boolean): string {
  return (
    `seed 0x${seed.toString(16)} "${category}" case ${index} (${c.note}): native=${native} noble=${noble} expected=${c.expected}` +
    ` sig=${toHex(c.signature)} digest=${toHex(c.digest)} pubkey=${toHex(c.pubkey)}`
  );
}

/** How many failures to print in full; the count says how many more there were. */
const SHOWN = 10;

export function describeSignatureDifferential(fileSeed: number): void {
  describe(`NativeVerifier against NobleVerifier (seed 0x${fileSeed.toString(16)})`, () => {
    const native = new NativeVerifier();
    const noble = new NobleVerifier();
    const cached = new KeyCachingVerifier({ capacity: 48 });
    const lib = nativeSecp256k1();

    it.each(CATEGORIES.map((c) => [c.name, c.count, c] as const))(
      'when %s (%i cases), then both give the same verdict, the expected one',
      (name, _count, category) => {
        const seed = seedFor(fileSeed, name);
        const maker = new CaseMaker(new SeededRandom(seed), lib);
        const disagreements: string[] = [];
        const wrongVerdicts: string[] = [];
        let index = 0;
        while (index < category.count) {
          for (const c of category.make(maker)) {
            if (index === category.count) break; // a pair may overshoot; keep the totals exact
            const byNative = native.verify(c.signature, c.digest, c.pubkey);
            const byNoble = noble.verify(c.signature, c.digest, c.pubkey);
            // Both lists are checked on every case; only the first few are kept for the report.
            const byCached = cached.verify(c.signature, c.digest, c.pubkey);
            if (byNative !== byNoble) disagreements.push(describeCase(seed, name, index, c, byNative, byNoble));
            else if (byCached !== byNative) disagreements.push(`cached=${byCached}: ${describeCase(seed, name, index, c, byNative, byNoble)}`);
            else if (byNoble !== c.expected) wrongVerdicts.push(describeCase(seed, name, index, c, byNative, byNoble));
            index++;
          }
        }
        const summary = (list: string[]): string[] =>
          list.length <= SHOWN ? list : [...list.slice(0, SHOWN), `… and ${list.length - SHOWN} more of ${index}`];
        expect({ disagreements: summary(disagreements), wrongVerdicts: summary(wrongVerdicts) }).toEqual({
          disagreements: [],
          wrongVerdicts: [],
        });
      },
    );
  });
}
