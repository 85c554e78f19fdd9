import { createHash } from 'node:crypto';
import { KeyCachingVerifier } from '../src/keyCachingVerifier.js';
import { NativeVerifier, nativeSecp256k1 } from '../src/signature.js';

const lib = nativeSecp256k1();
const digestOf = (i: number) => new Uint8Array(createHash('sha256').update(`message ${i}`).digest());

function signer(seed: number) {
  const sk = new Uint8Array(createHash('sha256').update(`key ${seed}`).digest());
  const pubkey = lib.publicKeyCreate(sk, true);
  return { pubkey, sign: (digest: Uint8Array) => lib.ecdsaSign(digest, sk).signature.slice() };
}

describe('KeyCachingVerifier', () => {
  it('when a key signs again, then the second verification hits its cached point and both verdicts are right', () => {
    const v = new KeyCachingVerifier({ capacity: 4 });
    const a = signer(1);
    const d1 = digestOf(1);
    const d2 = digestOf(2);
    expect(v.verify(a.sign(d1), d1, a.pubkey)).toBe(true);
    expect(v.verify(a.sign(d2), d2, a.pubkey)).toBe(true);
    expect(v.verify(a.sign(d1), d2, a.pubkey)).toBe(false); // signed another digest
    expect({ hits: v.hits, misses: v.misses }).toEqual({ hits: 2, misses: 1 });
  });

  it('when more keys than slots take turns, then they are converted again, and all still verify', () => {
    const v = new KeyCachingVerifier({ capacity: 2, seed: 0 });
    const keys = [1, 2, 3, 4, 5, 6].map(signer);
    const d = digestOf(7);
    for (const k of keys) expect(v.verify(k.sign(d), d, k.pubkey)).toBe(true);
    expect(v.misses).toBe(6); // 6 keys, 2 slots: all new
    for (const k of keys) expect(v.verify(k.sign(d), d, k.pubkey)).toBe(true);
    expect(v.hits + v.misses).toBe(12);
    expect(v.misses).toBeGreaterThan(6); // evicted ones were converted again
  });

  it('when two keys share a set, then both stay cached; a third replaces the one used less recently', () => {
    const v = new KeyCachingVerifier({ capacity: 2, seed: 0 }); // one set of two slots
    const [a, b, c] = [11, 12, 13].map(signer) as [ReturnType<typeof signer>, ReturnType<typeof signer>, ReturnType<typeof signer>];
    const d = digestOf(11);
    const check = (k: typeof a) => expect(v.verify(k.sign(d), d, k.pubkey)).toBe(true);
    for (let i = 0; i < 5; i++) [a, b].forEach(check);
    expect({ hits: v.hits, misses: v.misses }).toEqual({ hits: 8, misses: 2 });
    check(a); // b is now the less recent
    check(c); // replaces b
    check(a);
    expect({ hits: v.hits, misses: v.misses }).toEqual({ hits: 10, misses: 3 });
    check(b);
    expect(v.misses).toBe(4);
  });

  it('when the negated key (same x, other prefix) follows a cached key, then it gets its own point and the signature fails', () => {
    const v = new KeyCachingVerifier({ capacity: 4 });
    const a = signer(6);
    const d = digestOf(6);
    const sig = a.sign(d);
    expect(v.verify(sig, d, a.pubkey)).toBe(true);
    const negated = a.pubkey.slice();
    negated[0] = negated[0]! ^ 0x01;
    expect(v.verify(sig, d, negated)).toBe(false);
    expect(v.misses).toBe(2);
  });

  it('when a key is not a curve point, then it is refused, remembered as refused, and never read as another key', () => {
    const v = new KeyCachingVerifier({ capacity: 2 });
    const a = signer(3);
    const d = digestOf(3);
    const offCurve = new Uint8Array(33).fill(0xff);
    offCurve[0] = 0x02; // x ≥ p
    expect(v.verify(a.sign(d), d, offCurve)).toBe(false);
    expect(v.verify(a.sign(d), d, offCurve)).toBe(false);
    expect(v.hits).toBe(1);
    expect(v.verify(a.sign(d), d, a.pubkey)).toBe(true);
  });

  it('when the key is a view at an odd offset of a larger buffer, then it is read from its own bytes', () => {
    const v = new KeyCachingVerifier({ capacity: 2 });
    const a = signer(4);
    const d = digestOf(4);
    const backing = new Uint8Array(40).fill(0x02);
    backing.set(a.pubkey, 5);
    expect(v.verify(a.sign(d), d, backing.subarray(5, 38))).toBe(true);
    expect(v.verify(a.sign(d), d, backing.subarray(4, 37))).toBe(false); // another (shifted) key
  });

  it('when the inputs break the contract (a 65-byte key, short signature), then false like NativeVerifier, and nothing is cached', () => {
    const v = new KeyCachingVerifier();
    const native = new NativeVerifier();
    const a = signer(5);
    const d = digestOf(5);
    const sig = a.sign(d);
    const full = lib.publicKeyConvert(a.pubkey, false);
    expect([v.verify(sig, d, full), native.verify(sig, d, full)]).toEqual([false, false]);
    expect([v.verify(sig.subarray(0, 63), d, a.pubkey), native.verify(sig.subarray(0, 63), d, a.pubkey)]).toEqual([false, false]);
    expect(v.hits + v.misses).toBe(0);
  });
});
