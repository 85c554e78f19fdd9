import fc from 'fast-check';
import { decodeAccount, encodeAccount } from '../src/codec/account.js';
import { U128_MAX, U64_MAX } from '../src/codec/varint.js';
import { ProtocolErrorCode } from '../src/errors.js';
import { EMPTY_HASH } from '../src/hash.js';
import type { AccountState } from '../src/types.js';
import { arbAccount, arbDamaged, arbNoise, concat, hex, leb128, outcome, refusalCode } from './codecArbitraries.js';

const E = ProtocolErrorCode;
const fill = (n: number, b: number): number[] => new Array<number>(n).fill(b);
const CODE_HASH = fill(32, 0x44);
const STORAGE_ROOT = fill(32, 0x55);

/** version | nonce | balance | code_hash | storage_root, written by hand. */
function rawAccount(o: { version?: number[]; nonce?: number[]; balance?: number[]; codeHash?: number[]; storageRoot?: number[] } = {}): Uint8Array {
  return Uint8Array.from([
    ...(o.version ?? [1]),
    ...(o.nonce ?? leb128(7)),
    ...(o.balance ?? leb128(1_000_000_000_000_000_000n)),
    ...(o.codeHash ?? CODE_HASH),
    ...(o.storageRoot ?? STORAGE_ROOT),
  ]);
}

const VALID = rawAccount();

describe('account codec: properties', () => {
  it('when any valid account is encoded and decoded, then the same account comes back', () => {
    fc.assert(
      fc.property(arbAccount(), (account) => {
        expect(decodeAccount(encodeAccount(account))).toEqual(account);
      }),
      { numRuns: 500 },
    );
  });

  it('when random bytes decode as an account, then re-encoding gives the same bytes, and otherwise only a coded ProtocolError is thrown', () => {
    fc.assert(
      fc.property(arbNoise([1], 120), (bytes) => {
        const o = outcome(() => decodeAccount(bytes));
        if (o.ok) expect(hex(encodeAccount(o.value))).toBe(hex(bytes));
      }),
      { numRuns: 4000 },
    );
  });

  it('when a valid account encoding is damaged, then it either decodes canonically or fails with a coded ProtocolError', () => {
    let decodedSome = 0;
    fc.assert(
      fc.property(arbDamaged(arbAccount().map(encodeAccount)), (bytes) => {
        const o = outcome(() => decodeAccount(bytes));
        if (o.ok) {
          decodedSome++;
          expect(hex(encodeAccount(o.value))).toBe(hex(bytes));
        }
      }),
      { numRuns: 3000 },
    );
    expect(decodedSome).toBeGreaterThan(0);
  });
});

describe('account codec: exact layout', () => {
  it('when the hand-written reference account is decoded, then every field is read from its documented place', () => {
    expect(decodeAccount(VALID)).toEqual({
      nonce: 7n,
      balance: 1_000_000_000_000_000_000n,
      codeHash: Uint8Array.from(CODE_HASH),
      storageRoot: Uint8Array.from(STORAGE_ROOT),
    });
    expect(hex(encodeAccount(decodeAccount(VALID)))).toBe(hex(VALID));
  });

  it('when a plain account is empty, then it encodes to 67 bytes: version, two zero varints and two hashes', () => {
    const plain: AccountState = { nonce: 0n, balance: 0n, codeHash: EMPTY_HASH, storageRoot: new Uint8Array(32) };
    const bytes = encodeAccount(plain);
    expect(bytes.length).toBe(67);
    expect(hex(bytes.subarray(0, 3))).toBe('010000');
    expect(hex(bytes.subarray(3, 35))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('when nonce and balance are at their maxima, then the encoding is 1 + 10 + 19 + 64 bytes', () => {
    const bytes = encodeAccount({ nonce: U64_MAX, balance: U128_MAX, codeHash: new Uint8Array(32), storageRoot: new Uint8Array(32) });
    expect(bytes.length).toBe(94);
    expect(decodeAccount(bytes).balance).toBe(U128_MAX);
  });
});

describe('account codec: refusals', () => {
  it.each<[string, ProtocolErrorCode, Uint8Array]>([
    ['a trailing byte', E.trailingBytes, concat(VALID, Uint8Array.of(0))],
    ['empty input', E.truncated, new Uint8Array(0)],
    ['version 0', E.unknownVersion, rawAccount({ version: [0] })],
    ['version 2', E.unknownVersion, rawAccount({ version: [2] })],
    ['nonce 0 as 0x80 0x00', E.nonMinimalInteger, rawAccount({ nonce: [0x80, 0x00] })],
    ['balance 5 as 0x85 0x80 0x00', E.nonMinimalInteger, rawAccount({ balance: [0x85, 0x80, 0x00] })],
    ['nonce 2^64', E.integerOutOfRange, rawAccount({ nonce: leb128(1n << 64n) })],
    ['balance 2^128', E.integerOutOfRange, rawAccount({ balance: leb128(1n << 128n) })],
    ['a 31-byte storage root', E.truncated, rawAccount({ storageRoot: fill(31, 0x55) })],
  ])('when the input has %s, then decodeAccount refuses with %s', (_name, code, bytes) => {
    expect(refusalCode(() => decodeAccount(bytes))).toBe(code);
  });

  it('when a valid account is cut at any length, then decodeAccount refuses with TRUNCATED', () => {
    for (let n = 0; n < VALID.length; n++) {
      expect([n, refusalCode(() => decodeAccount(VALID.subarray(0, n)))]).toEqual([n, E.truncated]);
    }
  });

  const base = decodeAccount(VALID);
  it.each<[string, ProtocolErrorCode, Partial<AccountState>]>([
    ['a negative balance', E.integerOutOfRange, { balance: -1n }],
    ['a balance of 2^128', E.integerOutOfRange, { balance: 1n << 128n }],
    ['a negative nonce', E.integerOutOfRange, { nonce: -1n }],
    ['a nonce of 2^64', E.integerOutOfRange, { nonce: 1n << 64n }],
    ['a 31-byte code hash', E.invalidField, { codeHash: new Uint8Array(31) }],
    ['a 33-byte storage root', E.invalidField, { storageRoot: new Uint8Array(33) }],
  ])('when an account has %s, then encodeAccount refuses with %s', (_name, code, change) => {
    expect(refusalCode(() => encodeAccount({ ...base, ...change }))).toBe(code);
  });
});
