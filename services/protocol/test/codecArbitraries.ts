/**
 * Shared fast-check arbitraries and assertions for the codec tests (not a test file itself).
 *
 * Integers lean on the edges where LEB128 and the Number/bigint split change behaviour
 * (0, 127, 128, 2^53±1, 2^64−1, 2^128−1); byte fields sometimes reach their protocol caps.
 */
import fc from 'fast-check';
import { ProtocolError, ProtocolErrorCode } from '../src/errors.js';
import { ADDRESS_LENGTH, MAX_CODE_BYTES, MAX_DATA_BYTES, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from '../src/params.js';
import { U128_MAX, U64_MAX } from '../src/codec/varint.js';
import { HASH_LENGTH } from '../src/hash.js';
import { TxStatus } from '../src/types.js';
import type {
  AccountState,
  BlockBody,
  BlockHeader,
  CoinbaseEntry,
  Transaction,
  TxSummary,
  UnsignedTransaction,
} from '../src/types.js';

export const U32_MAX = (1n << 32n) - 1n;

/** Values where a varint grows a byte, where Number stops being exact, and the field maxima. */
export const U64_EDGES: readonly bigint[] = [
  0n,
  1n,
  127n,
  128n,
  255n,
  256n,
  16_383n,
  16_384n,
  (1n << 35n) - 1n,
  1n << 35n,
  (1n << 49n) - 1n,
  1n << 49n,
  (1n << 53n) - 1n,
  1n << 53n,
  (1n << 53n) + 1n,
  (1n << 56n) - 1n,
  1n << 56n,
  (1n << 63n) - 1n,
  1n << 63n,
  U64_MAX - 1n,
  U64_MAX,
];

export const U128_EDGES: readonly bigint[] = [
  ...U64_EDGES,
  1n << 64n,
  (1n << 64n) + 1n,
  (1n << 70n) - 1n,
  1n << 70n,
  (1n << 126n) - 1n,
  1n << 126n,
  1n << 127n,
  U128_MAX - 1n,
  U128_MAX,
];

function unsignedBigInt(max: bigint, edges: readonly bigint[]): fc.Arbitrary<bigint> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...edges), weight: 3 },
    { arbitrary: fc.bigInt({ min: 0n, max: 1n << 21n }), weight: 2 },
    { arbitrary: fc.bigInt({ min: 0n, max }), weight: 3 },
  );
}

export const arbU64 = (): fc.Arbitrary<bigint> => unsignedBigInt(U64_MAX, U64_EDGES);
export const arbU128 = (): fc.Arbitrary<bigint> => unsignedBigInt(U128_MAX, U128_EDGES);

export const arbFixedBytes = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });
export const arbHash = (): fc.Arbitrary<Uint8Array> => arbFixedBytes(HASH_LENGTH);
export const arbAddress = (): fc.Arbitrary<Uint8Array> => arbFixedBytes(ADDRESS_LENGTH);

/** A 33-byte compressed key as far as the codec can tell: prefix 0x02 or 0x03, any x. */
export const arbPubkey = (): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.constantFrom(0x02, 0x03), arbFixedBytes(PUBLIC_KEY_LENGTH - 1)).map(([prefix, x]) => {
    const out = new Uint8Array(PUBLIC_KEY_LENGTH);
    out[0] = prefix;
    out.set(x, 1);
    return out;
  });

export const arbSignature = (): fc.Arbitrary<Uint8Array> => arbFixedBytes(SIGNATURE_LENGTH);

/**
 * Variable-length bytes up to `max`: mostly short, sometimes across the 127/128 length-prefix
 * boundary, sometimes long or exactly at the cap (filled, so generation stays cheap).
 */
export function arbCappedBytes(max: number, allowLarge: boolean): fc.Arbitrary<Uint8Array> {
  const small = fc.uint8Array({ maxLength: 40 });
  const boundary = fc.uint8Array({ minLength: 126, maxLength: 130 });
  if (!allowLarge) return fc.oneof({ arbitrary: small, weight: 6 }, { arbitrary: boundary, weight: 1 });
  const filled = fc
    .tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max: 255 }))
    .map(([len, b]) => new Uint8Array(len).fill(b));
  const atCap = fc.integer({ min: 0, max: 255 }).map((b) => new Uint8Array(max).fill(b));
  return fc.oneof(
    { arbitrary: small, weight: 12 },
    { arbitrary: boundary, weight: 2 },
    { arbitrary: filled, weight: 1 },
    { arbitrary: atCap, weight: 1 },
  );
}

export function arbUnsignedTransaction(opts: { allowLarge?: boolean } = {}): fc.Arbitrary<UnsignedTransaction> {
  const allowLarge = opts.allowLarge ?? true;
  return fc.record({
    nonce: arbU64(),
    to: fc.option(arbAddress(), { nil: null }),
    amount: arbU128(),
    gasLimit: arbU128(),
    code: arbCappedBytes(MAX_CODE_BYTES, allowLarge),
    data: arbCappedBytes(MAX_DATA_BYTES, allowLarge),
    pubkey: arbPubkey(),
  });
}

export function arbTransaction(opts: { allowLarge?: boolean } = {}): fc.Arbitrary<Transaction> {
  return fc.tuple(arbUnsignedTransaction(opts), arbSignature()).map(([tx, signature]) => ({ ...tx, signature }));
}

export const arbAccount = (): fc.Arbitrary<AccountState> =>
  fc.record({ nonce: arbU64(), balance: arbU128(), codeHash: arbHash(), storageRoot: arbHash() });

export const arbCoinbaseEntry = (): fc.Arbitrary<CoinbaseEntry> => fc.record({ account: arbAddress(), reward: arbU128() });

export const arbHeader = (): fc.Arbitrary<BlockHeader> =>
  fc.record({
    parentHash: arbHash(),
    height: arbU64(),
    timestamp: arbU64(),
    coinbase: fc.oneof(
      { arbitrary: fc.array(arbCoinbaseEntry(), { maxLength: 8 }), weight: 9 },
      // Past 127 entries the count takes a two-byte varint.
      { arbitrary: fc.array(arbCoinbaseEntry(), { minLength: 127, maxLength: 130 }), weight: 1 },
    ),
    stateRoot: arbHash(),
    transactionRoot: arbHash(),
    txSummaryRoot: arbHash(),
    body: arbHash(),
  });

export const TX_STATUSES: readonly TxStatus[] = Object.values(TxStatus);

export const arbSummary = (): fc.Arbitrary<TxSummary> => fc.record({ status: fc.constantFrom(...TX_STATUSES), fee: arbU128() });

export const arbBody = (maxTransactions = 4): fc.Arbitrary<BlockBody> =>
  fc
    .array(fc.tuple(arbTransaction({ allowLarge: false }), arbSummary()), { maxLength: maxTransactions })
    .map((pairs) => ({ transactions: pairs.map(([t]) => t), summaries: pairs.map(([, s]) => s) }));

/** How a valid encoding is damaged: overwrite, cut, insert, delete or append bytes. */
export type Mutation =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'xor'; at: number; mask: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'append'; bytes: Uint8Array };

export const arbMutation = (): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('xor' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  );

export function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const len = bytes.length;
  switch (m.kind) {
    case 'set':
    case 'xor': {
      if (len === 0) return bytes;
      const out = bytes.slice();
      const i = m.at % len;
      out[i] = m.kind === 'set' ? m.value : (out[i] as number) ^ m.mask;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, m.at % (len + 1));
    case 'insert': {
      const i = m.at % (len + 1);
      return concat(bytes.subarray(0, i), m.bytes, bytes.subarray(i));
    }
    case 'delete': {
      if (len === 0) return bytes;
      const i = m.at % len;
      return concat(bytes.subarray(0, i), bytes.subarray(i + m.count));
    }
    case 'append':
      return concat(bytes, m.bytes);
  }
}

/** A valid encoding damaged by one to four mutations. */
export function arbDamaged(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(arbMutation(), { minLength: 1, maxLength: 4 }))
    .map(([bytes, ms]) => ms.reduce(applyMutation, bytes));
}

/** Random bytes, often starting with the version byte 1 so decoders get past the first check. */
export function arbNoise(prefix: readonly number[] = [1], maxLength = 200): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ maxLength }),
    fc.uint8Array({ maxLength }).map((b) => concat(Uint8Array.from(prefix), b)),
  );
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function unhex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** Minimal unsigned LEB128, written independently of the code under test. */
export function leb128(value: bigint | number): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const PROTOCOL_ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ProtocolErrorCode));

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: ProtocolErrorCode };

/**
 * Runs `f`; a ProtocolError with a known code becomes `{ ok: false, code }`, anything else
 * thrown (RangeError, TypeError, a ProtocolError with an unknown code) fails the test.
 */
export function outcome<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    if (!(err instanceof ProtocolError)) {
      throw new Error(`expected a ProtocolError, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, {
        cause: err,
      });
    }
    if (!PROTOCOL_ERROR_CODES.has(err.code)) throw new Error(`ProtocolError with an unknown code ${String(err.code)}`, { cause: err });
    return { ok: false, code: err.code };
  }
}

/** The code `f` refuses with; fails the test if `f` returns or throws anything but a ProtocolError. */
export function refusalCode(f: () => unknown): ProtocolErrorCode {
  const o = outcome(f);
  if (o.ok) throw new Error('expected a ProtocolError, but the call succeeded');
  return o.code;
}

/**
 * A value with every byte array replaced by its hex, so deep equality on 48 KiB fields stays
 * cheap (jest compares typed arrays element by element) and failures print readably.
 */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { hex: hex(value) };
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}
