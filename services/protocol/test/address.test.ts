import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { addressOf, bstIndexOf, contractAddress, parseAddress } from '../src/address.js';
import { ProtocolErrorCode } from '../src/errors.js';
import { BST_COUNT } from '../src/params.js';
import { arbAddress, arbPubkey, arbU64, hex, refusalCode, unhex } from './codecArbitraries.js';

const E = ProtocolErrorCode;

/** secp256k1's generator G, compressed: the public key of secret key 1. */
const G = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
/** SHA-256(0x11 × 20 ‖ nonce 7 as u64 big-endian)[12..32], computed once with Python's hashlib. */
const KNOWN_CONTRACT_ADDRESS = '06ba28a77da228b3f0bbf96c049c0a70777b1f1a';

describe('addressOf', () => {
  it('when given any 33-byte compressed key, then the address is its last 20 bytes', () => {
    fc.assert(
      fc.property(arbPubkey(), (pubkey) => {
        expect(hex(addressOf(pubkey))).toBe(hex(pubkey.subarray(13)));
      }),
      { numRuns: 200 },
    );
  });

  it('when given the generator point, then the address is its last 20 bytes (known answer)', () => {
    expect(hex(addressOf(unhex(G)))).toBe('ce870b07029bfcdb2dce28d959f2815b16f81798');
  });

  it('when the key is modified after taking its address, then the address does not change', () => {
    const pubkey = unhex(G);
    const address = addressOf(pubkey);
    pubkey.fill(0);
    expect(hex(address)).toBe(G.slice(26));
  });

  it.each([
    ['an empty key', 0],
    ['a 32-byte key', 32],
    ['a 34-byte key', 34],
    ['a 65-byte uncompressed key', 65],
  ])('when given %s, then it refuses with INVALID_KEY', (_name, length) => {
    expect(refusalCode(() => addressOf(new Uint8Array(length).fill(2)))).toBe(E.invalidKey);
  });
});

describe('bstIndexOf', () => {
  it.each([
    ['0x0000…', 0, '00'.repeat(20)],
    ['0x003f…', 0, '003f' + 'ff'.repeat(18)],
    ['0x0040…', 1, '0040' + '00'.repeat(18)],
    ['0x007f…', 1, '007f' + 'ff'.repeat(18)],
    ['0x0080…', 2, '0080' + '00'.repeat(18)],
    ['0x8000…', 512, '8000' + '00'.repeat(18)],
    ['0x7fff…', 511, '7fff' + 'ff'.repeat(18)],
    ['0xffc0…', 1023, 'ffc0' + '00'.repeat(18)],
    ['0xffbf…', 1022, 'ffbf' + 'ff'.repeat(18)],
    ['0xffff…', 1023, 'ff'.repeat(20)],
  ])('when the address starts %s, then the BST index is %i', (_name, expected, address) => {
    expect(bstIndexOf(unhex(address))).toBe(expected);
  });

  it('when given any address, then the index is its first 10 bits, in [0, BST_COUNT)', () => {
    fc.assert(
      fc.property(arbAddress(), (address) => {
        const bits = Array.from(address.subarray(0, 2), (b) => b.toString(2).padStart(8, '0')).join('');
        const index = bstIndexOf(address);
        expect(index).toBe(parseInt(bits.slice(0, 10), 2));
        expect(index).toBeGreaterThanOrEqual(0);
        expect(index).toBeLessThan(BST_COUNT);
      }),
      { numRuns: 300 },
    );
  });

  it('when only bits after the first 10 change, then the index does not', () => {
    fc.assert(
      fc.property(arbAddress(), fc.integer({ min: 10, max: 159 }), (address, bit) => {
        const other = address.slice();
        other[bit >> 3] = (other[bit >> 3] as number) ^ (0x80 >> (bit & 7));
        expect(bstIndexOf(other)).toBe(bstIndexOf(address));
      }),
      { numRuns: 200 },
    );
  });
});

describe('contractAddress', () => {
  const reference = (creator: Uint8Array, nonce: bigint): string => {
    const n = Buffer.alloc(8);
    n.writeBigUInt64BE(nonce);
    return createHash('sha256').update(creator).update(n).digest().subarray(12).toString('hex');
  };

  it('when the creator and nonce are fixed, then the address is the known answer', () => {
    // SHA-256(0x11 * 20 ‖ 00 00 00 00 00 00 00 07), last 20 bytes.
    const creator = new Uint8Array(20).fill(0x11);
    expect(hex(contractAddress(creator, 7n))).toBe(reference(creator, 7n));
    expect(hex(contractAddress(creator, 7n))).toBe(KNOWN_CONTRACT_ADDRESS);
  });

  it('when given any creator and u64 nonce, then it is the last 20 bytes of SHA-256(creator ‖ nonce u64 big-endian)', () => {
    fc.assert(
      fc.property(arbAddress(), arbU64(), (creator, nonce) => {
        const address = contractAddress(creator, nonce);
        expect(address).toHaveLength(20);
        expect(hex(address)).toBe(reference(creator, nonce));
      }),
      { numRuns: 200 },
    );
  });

  it('when the nonce differs, then the contract address differs', () => {
    fc.assert(
      fc.property(arbAddress(), arbU64(), arbU64(), (creator, a, b) => {
        fc.pre(a !== b);
        expect(hex(contractAddress(creator, a))).not.toBe(hex(contractAddress(creator, b)));
      }),
      { numRuns: 100 },
    );
  });

  it.each<[string, ProtocolErrorCode, Uint8Array, bigint]>([
    ['a negative nonce', E.integerOutOfRange, new Uint8Array(20), -1n],
    ['a nonce of 2^64', E.integerOutOfRange, new Uint8Array(20), 1n << 64n],
    ['a 19-byte creator', E.invalidField, new Uint8Array(19), 0n],
    ['a 21-byte creator', E.invalidField, new Uint8Array(21), 0n],
  ])('when given %s, then it refuses with %s', (_name, code, creator, nonce) => {
    expect(refusalCode(() => contractAddress(creator, nonce))).toBe(code);
  });
});

describe('parseAddress', () => {
  it('when given 40 hex digits with or without 0x, in either case, then it returns those 20 bytes', () => {
    fc.assert(
      fc.property(arbAddress(), fc.boolean(), fc.boolean(), (address, prefixed, upper) => {
        const digits = upper ? hex(address).toUpperCase() : hex(address);
        expect(hex(parseAddress(prefixed ? `0x${digits}` : digits))).toBe(hex(address));
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    ['39 digits', 'a'.repeat(39)],
    ['41 digits', 'a'.repeat(41)],
    ['a non-hex digit', 'g'.repeat(40)],
    ['an empty string', ''],
    ['only 0x', '0x'],
    ['0x followed by 42 digits', `0x${'a'.repeat(42)}`],
  ])('when given %s, then it refuses with INVALID_FIELD', (_name, text) => {
    expect(refusalCode(() => parseAddress(text))).toBe(E.invalidField);
  });
});

