import fc from 'fast-check';
import { addressOf } from '../src/address.js';
import { fromHex, toHex } from '../src/bytes.js';
import { transactionId } from '../src/codec/transaction.js';
import { ProtocolError, ProtocolErrorCode } from '../src/errors.js';
import { sha256 } from '../src/hash.js';
import { generatePrivateKey, PRIVATE_KEY_LENGTH, publicKeyOf, signDigest, signDigestReference, signTransaction } from '../src/keys.js';
import { NativeVerifier, nativeSecp256k1, NobleVerifier, verifyTransaction } from '../src/signature.js';
import type { UnsignedTransaction } from '../src/types.js';

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = N >> 1n;
const to32 = (v: bigint): Uint8Array => fromHex(v.toString(16).padStart(64, '0'));
const sOf = (signature: Uint8Array): bigint => BigInt('0x' + toHex(signature.subarray(32)));

/** Valid private keys: any scalar in [1, n). */
const arbPrivateKey = fc.bigInt({ min: 1n, max: N - 1n }).map(to32);
const arbDigest = fc.uint8Array({ minLength: 32, maxLength: 32 });

const verifiers = [new NobleVerifier(), new NativeVerifier()];
const lib = nativeSecp256k1();

/** A key of 1 is the generator; the published RFC 6979 vector for it (python-ecdsa, trezor). */
const ONE = to32(1n);
const G_COMPRESSED = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const SATOSHI_DIGEST = sha256(new TextEncoder().encode('Satoshi Nakamoto'));
const SATOSHI_SIGNATURE =
  '934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8' +
  '2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5';

function unsignedFor(sk: Uint8Array): UnsignedTransaction {
  return {
    nonce: 7n,
    to: new Uint8Array(20).fill(0xab),
    amount: 1_000_000n,
    gasLimit: 21_000n,
    code: new Uint8Array(0),
    data: Uint8Array.of(1, 2, 3),
    pubkey: publicKeyOf(sk),
  };
}

describe('keys', () => {
  it('when a private key is generated, then it is 32 bytes and its public key is the compressed point libsecp256k1 computes', () => {
    for (let i = 0; i < 20; i++) {
      const sk = generatePrivateKey();
      expect(sk).toHaveLength(PRIVATE_KEY_LENGTH);
      const pubkey = publicKeyOf(sk);
      expect(pubkey).toHaveLength(33);
      expect([0x02, 0x03]).toContain(pubkey[0]);
      expect(toHex(pubkey)).toBe(toHex(lib.publicKeyCreate(sk, true)));
    }
  });

  it('when the private key is 1, then the public key is the generator and the signature is the published RFC 6979 one', () => {
    expect(toHex(publicKeyOf(ONE))).toBe(G_COMPRESSED);
    expect(toHex(signDigest(SATOSHI_DIGEST, ONE))).toBe(SATOSHI_SIGNATURE);
  });

  it('when a digest is signed, then both verifiers accept it, and reject it for any other digest', () => {
    fc.assert(
      fc.property(arbPrivateKey, arbDigest, arbDigest, (sk, digest, other) => {
        fc.pre(toHex(digest) !== toHex(other));
        const signature = signDigest(digest, sk);
        const pubkey = publicKeyOf(sk);
        for (const v of verifiers) {
          expect(v.verify(signature, digest, pubkey)).toBe(true);
          expect(v.verify(signature, other, pubkey)).toBe(false);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('when anything is signed, then the signature is 64 bytes and low-S (s ≤ (n − 1) / 2)', () => {
    // Half of all raw ECDSA signatures are high-S, so 300 runs would catch a missing normalisation.
    fc.assert(
      fc.property(arbPrivateKey, arbDigest, (sk, digest) => {
        const signature = signDigest(digest, sk);
        expect(signature).toHaveLength(64);
        expect(sOf(signature) <= HALF_N).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('when the same digest is signed twice with the same key, then the signatures are identical, and equal to the noble reference (RFC 6979)', () => {
    fc.assert(
      fc.property(arbPrivateKey, arbDigest, (sk, digest) => {
        const first = toHex(signDigest(digest, sk));
        expect(toHex(signDigest(digest, sk))).toBe(first);
        expect(toHex(signDigestReference(digest, sk))).toBe(first);
      }),
      { numRuns: 500 },
    );
    for (const digest of [new Uint8Array(32), new Uint8Array(32).fill(0xff), to32(N), to32(N - 1n)]) {
      expect(toHex(signDigest(digest, ONE))).toBe(toHex(signDigestReference(digest, ONE)));
    }
  });

  const invalidKeys: [string, unknown][] = [
    ['zero', to32(0n)],
    ['n', to32(N)],
    ['n + 1', to32(N + 1n)],
    ['2^256 − 1', new Uint8Array(32).fill(0xff)],
    ['31 bytes', new Uint8Array(31).fill(1)],
    ['33 bytes', new Uint8Array(33).fill(1)],
    ['empty', new Uint8Array(0)],
    ['a hex string', '01'.repeat(32)],
    ['undefined', undefined],
  ];

  it.each(invalidKeys)('when the private key is %s, then every key function throws INVALID_KEY', (_name, key) => {
    const sk = key as Uint8Array;
    const unsigned = unsignedFor(ONE);
    for (const call of [() => publicKeyOf(sk), () => signDigest(SATOSHI_DIGEST, sk), () => signTransaction(unsigned, sk)]) {
      let thrown: unknown;
      try {
        call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ProtocolError);
      expect((thrown as ProtocolError).code).toBe(ProtocolErrorCode.invalidKey);
    }
  });

  it.each([0, 31, 33, 64])('when the digest is %i bytes, then signDigest throws INVALID_ARGUMENT', (length) => {
    expect(() => signDigest(new Uint8Array(length), ONE)).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.invalidArgument }),
    );
  });

  it('when a transaction is signed, then its signature verifies against its id, and not once a field changes', () => {
    const sk = generatePrivateKey();
    const unsigned = unsignedFor(sk);
    const tx = signTransaction(unsigned, sk);
    expect(toHex(tx.signature)).toBe(toHex(signDigest(transactionId(unsigned), sk)));
    const changed = { ...tx, amount: tx.amount + 1n };
    for (const v of verifiers) {
      expect(verifyTransaction(tx, transactionId(tx), v)).toBe(true);
      expect(verifyTransaction(changed, transactionId(changed), v)).toBe(false);
    }
  });

  it("when the private key is not the transaction's pubkey's, then signTransaction throws INVALID_KEY", () => {
    const unsigned = unsignedFor(generatePrivateKey());
    expect(() => signTransaction(unsigned, generatePrivateKey())).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.invalidKey }),
    );
  });

  it('when deriving an address, then it is the last 20 bytes of the compressed public key', () => {
    expect(toHex(addressOf(publicKeyOf(ONE)))).toBe(G_COMPRESSED.slice(-40));
    fc.assert(
      fc.property(arbPrivateKey, (sk) => {
        const pubkey = publicKeyOf(sk);
        expect(toHex(addressOf(pubkey))).toBe(toHex(pubkey.subarray(13)));
      }),
      { numRuns: 50 },
    );
  });
});
