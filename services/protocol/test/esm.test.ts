import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256, EMPTY_HASH } from '../src/hash.js';
import { toHex } from '../src/bytes.js';

describe('ESM toolchain', () => {
  it('when an ESM-only package (@noble/curves 2) is imported under jest, then it signs and verifies', () => {
    const sk = secp256k1.utils.randomSecretKey();
    const msg = sha256(new TextEncoder().encode('clusterchain'));
    const sig = secp256k1.sign(msg, sk, { prehash: false });
    expect(secp256k1.verify(sig, msg, secp256k1.getPublicKey(sk), { prehash: false })).toBe(true);
  });

  it('when hashing the empty string, then it is the well-known SHA-256 value', () => {
    expect(toHex(EMPTY_HASH)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
