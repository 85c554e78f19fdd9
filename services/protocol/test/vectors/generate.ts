/**
 * Writes the protocol's known-answer vectors: services/protocol/test/vectors/*.json.
 *
 * The vectors freeze today's canonical encodings, ids, roots, samples and addresses, so an
 * accidental change fails `vectors.test.ts`. Changing one on purpose is a fork: regenerate only
 * then, and say so in the commit. Every input is fixed or derived from SHA-256 of a fixed label,
 * so two runs write byte-identical files. The test never runs this script.
 *
 * Run from the repository root:
 *   rm -rf /tmp/ccvec && npx tsc --outDir /tmp/ccvec --rootDir . --module NodeNext --moduleResolution NodeNext \
 *     --target ES2022 --strict --skipLibCheck --types node services/protocol/test/vectors/generate.ts \
 *   && echo '{"type":"module"}' > /tmp/ccvec/package.json \
 *   && node /tmp/ccvec/services/protocol/test/vectors/generate.js services/protocol/test/vectors
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { addressOf, bstIndexOf, contractAddress } from '../../src/address.js';
import { encodeAccount, decodeAccount } from '../../src/codec/account.js';
import {
  blockHash,
  decodeBody,
  decodeHeader,
  decodeSummary,
  encodeBody,
  encodeHeader,
  encodeSummary,
} from '../../src/codec/block.js';
import { decodeTransaction, encodeTransaction, encodeUnsignedTransaction, transactionId } from '../../src/codec/transaction.js';
import { U128_MAX, U64_MAX } from '../../src/codec/varint.js';
import { ProtocolError, type ProtocolErrorCode } from '../../src/errors.js';
import { EMPTY_HASH } from '../../src/hash.js';
import { merkleRoot } from '../../src/merkle.js';
import { MAX_CODE_BYTES, MAX_DATA_BYTES } from '../../src/params.js';
import { sample } from '../../src/sample.js';
import { TxStatus, type AccountState, type BlockHeader, type Transaction, type TxSummary } from '../../src/types.js';

// ---------------------------------------------------------------------------------------------
// The JSON shapes (vectors.test.ts declares the same ones)

/** Bytes as hex, or — for fields too large to spell out — one byte repeated. */
export type BytesJson = string | { fill: string; length: number };

export interface TransactionJson {
  nonce: string;
  to: string | null;
  amount: string;
  gasLimit: string;
  code: BytesJson;
  data: BytesJson;
  pubkey: string;
  signature: string;
}

/** Encodings longer than this are frozen by length and SHA-256 only, to keep the files small. */
const INLINE_LIMIT = 4096;

// ---------------------------------------------------------------------------------------------
// Deterministic inputs

const sha256 = (data: Uint8Array | string): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const fill = (n: number, b: number): Uint8Array => new Uint8Array(n).fill(b);

/** n bytes from SHA-256(label ‖ ":" ‖ i), i = 0, 1, … — fixed for a given label. */
function det(label: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i * 32 < n; i++) out.set(sha256(`${label}:${i}`).subarray(0, Math.min(32, n - i * 32)), i * 32);
  return out;
}

/** A deterministic bigint in [0, max]. */
function detInt(label: string, max: bigint): bigint {
  return BigInt(`0x${hex(det(label, 24))}`) % (max + 1n);
}

/** Public keys of the secret keys 1 (even y, prefix 02) and 6 (odd y, prefix 03). */
const KEY_1 = Uint8Array.from(Buffer.from('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'hex'));
const KEY_6 = Uint8Array.from(Buffer.from('03fff97bd5755eeea420453a14355235d382f6472f8568a18b2f057a1460297556', 'hex'));
/** The codec never looks inside a signature: fixed bytes stand in for one (signing is tested elsewhere). */
const signatureFor = (label: string): Uint8Array => det(`signature/${label}`, 64);

function bytesJson(b: Uint8Array): BytesJson {
  if (b.length > 1024 && b.every((x) => x === b[0])) return { fill: hex(b.subarray(0, 1)), length: b.length };
  return hex(b);
}

function txJson(tx: Transaction): TransactionJson {
  return {
    nonce: tx.nonce.toString(),
    to: tx.to === null ? null : hex(tx.to),
    amount: tx.amount.toString(),
    gasLimit: tx.gasLimit.toString(),
    code: bytesJson(tx.code),
    data: bytesJson(tx.data),
    pubkey: hex(tx.pubkey),
    signature: hex(tx.signature),
  };
}

/** The encoding inline when small, always with its length and SHA-256. */
function frozen(bytes: Uint8Array): { encoding?: string; encodingLength: number; encodingSha256: string } {
  return {
    ...(bytes.length <= INLINE_LIMIT ? { encoding: hex(bytes) } : {}),
    encodingLength: bytes.length,
    encodingSha256: hex(sha256(bytes)),
  };
}

/** An invalid input and the code it must be refused with; checked here before it is written. */
function invalid(name: string, bytes: Uint8Array, error: ProtocolErrorCode, decode: (b: Uint8Array) => unknown) {
  try {
    decode(bytes);
  } catch (err) {
    if (err instanceof ProtocolError && err.code === error) return { name, encoding: hex(bytes), error };
    throw new Error(`invalid vector "${name}": expected ${error}, got ${String(err)}`, { cause: err });
  }
  throw new Error(`invalid vector "${name}": expected ${error}, but it decoded`);
}

const cat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of arrays) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Transactions

function transactionCases(): Array<[string, Transaction]> {
  const base = (label: string): Transaction => ({
    nonce: 0n,
    to: det(`to/${label}`, 20),
    amount: 1n,
    gasLimit: 21_000n,
    code: new Uint8Array(0),
    data: new Uint8Array(0),
    pubkey: KEY_1,
    signature: signatureFor(label),
  });
  const cases: Array<[string, Transaction]> = [
    ['plain transfer', base('plain transfer')],
    [
      'contract creation: no `to`, 200 bytes of code',
      { ...base('creation'), nonce: 1n, to: null, amount: 0n, gasLimit: 1_000_000n, code: det('code/creation', 200), pubkey: KEY_6 },
    ],
    [
      'contract call with 127 bytes of data (one-byte length)',
      { ...base('call127'), nonce: 127n, amount: 128n, gasLimit: (1n << 53n) - 1n, data: det('data/call127', 127) },
    ],
    [
      'contract call with 128 bytes of data (two-byte length)',
      { ...base('call128'), nonce: 1n << 53n, amount: (1n << 53n) + 1n, gasLimit: 1n << 53n, data: det('data/call128', 128), pubkey: KEY_6 },
    ],
    [
      'every integer at its maximum',
      { ...base('max'), nonce: U64_MAX, to: fill(20, 0xff), amount: U128_MAX, gasLimit: U128_MAX, signature: fill(64, 0xff) },
    ],
    ['integers just past u64 where u128 allows it', { ...base('past-u64'), nonce: 1n << 63n, amount: 1n << 64n, gasLimit: U64_MAX }],
    [
      'all zero',
      { nonce: 0n, to: fill(20, 0), amount: 0n, gasLimit: 0n, code: new Uint8Array(0), data: new Uint8Array(0), pubkey: cat([0x02], fill(32, 0)), signature: fill(64, 0) },
    ],
    [
      'code and data at their caps',
      { ...base('caps'), to: null, code: fill(MAX_CODE_BYTES, 0x60), data: fill(MAX_DATA_BYTES, 0xda), pubkey: KEY_6 },
    ],
  ];
  for (let i = 0; i < 4; i++) {
    const label = `seeded transaction ${i}`;
    cases.push([
      label,
      {
        nonce: detInt(`${label}/nonce`, U64_MAX >> BigInt(8 * i)),
        to: i % 2 === 0 ? det(`${label}/to`, 20) : null,
        amount: detInt(`${label}/amount`, U128_MAX >> BigInt(16 * i)),
        gasLimit: detInt(`${label}/gas`, 10_000_000n),
        code: det(`${label}/code`, i * 17),
        data: det(`${label}/data`, 5 + i * 40),
        pubkey: i % 2 === 0 ? KEY_1 : KEY_6,
        signature: signatureFor(label),
      },
    ]);
  }
  return cases;
}

function transactionsFile() {
  const cases = transactionCases().map(([name, tx]) => {
    const bytes = encodeTransaction(tx);
    const unsigned = encodeUnsignedTransaction(tx);
    return {
      name,
      input: txJson(tx),
      ...(unsigned.length <= INLINE_LIMIT ? { unsignedEncoding: hex(unsigned) } : {}),
      ...frozen(bytes),
      id: hex(transactionId(tx)),
    };
  });
  const valid = encodeTransaction(transactionCases()[0]![1]);
  // Offsets in the plain transfer: 01 | 01 | nonce 00 | to [20] | amount 01 | gas 88 a4 01 | code 00 | data 00 | pubkey…
  const at = { nonce: 2, amount: 23, gas: 24, code: 27, data: 28, pubkey: 29 };
  const splice = (start: number, end: number, bytes: number[]) => cat(valid.subarray(0, start), bytes, valid.subarray(end));
  const d = (b: Uint8Array) => decodeTransaction(b);
  return {
    description:
      'Transaction encoding v1: version u8 | flags u8 | nonce varint u64 | to [20]? | amount varint u128 | gas_limit varint u128 | code len+bytes | data len+bytes | pubkey [33] | signature [64]. id = SHA-256 of everything before the signature. Integers are decimal strings; bytes are hex, or {fill, length} for one repeated byte.',
    cases,
    invalid: [
      invalid('trailing byte', cat(valid, [0]), 'TRAILING_BYTES', d),
      invalid('cut inside the signature', valid.subarray(0, valid.length - 1), 'TRUNCATED', d),
      invalid('cut after the version', valid.subarray(0, 1), 'TRUNCATED', d),
      invalid('nonce 0 written as 80 00', splice(at.nonce, at.nonce + 1, [0x80, 0x00]), 'NON_MINIMAL_INTEGER', d),
      invalid('nonce 2^64', splice(at.nonce, at.nonce + 1, [...fill(9, 0x80), 0x02]), 'INTEGER_OUT_OF_RANGE', d),
      invalid('amount 2^128', splice(at.amount, at.amount + 1, [...fill(18, 0x80), 0x04]), 'INTEGER_OUT_OF_RANGE', d),
      invalid('code length 49153', splice(at.code, at.code + 1, [0x81, 0x80, 0x03]), 'OVERSIZE', d),
      invalid('data length 16385', splice(at.data, at.data + 1, [0x81, 0x80, 0x01]), 'OVERSIZE', d),
      invalid('version 2', splice(0, 1, [2]), 'UNKNOWN_VERSION', d),
      invalid('flags 02', splice(1, 2, [2]), 'INVALID_TAG', d),
      invalid('pubkey prefix 04', splice(at.pubkey, at.pubkey + 1, [4]), 'INVALID_KEY', d),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Accounts

function accountsFile() {
  const cases: Array<[string, AccountState]> = [
    ['new plain account', { nonce: 0n, balance: 0n, codeHash: EMPTY_HASH, storageRoot: fill(32, 0) }],
    ['funded plain account', { nonce: 3n, balance: 10n ** 18n, codeHash: EMPTY_HASH, storageRoot: fill(32, 0) }],
    ['varint edges', { nonce: 128n, balance: (1n << 53n) + 1n, codeHash: det('account/code', 32), storageRoot: det('account/storage', 32) }],
    ['maxima', { nonce: U64_MAX, balance: U128_MAX, codeHash: fill(32, 0xff), storageRoot: fill(32, 0xff) }],
    ['balance 2^64', { nonce: 127n, balance: 1n << 64n, codeHash: det('account/code2', 32), storageRoot: det('account/storage2', 32) }],
  ];
  const valid = encodeAccount(cases[1]![1]);
  const d = (b: Uint8Array) => decodeAccount(b);
  return {
    description: 'Account state v1: version u8 | nonce varint u64 | balance varint u128 | code_hash [32] | storage_root [32].',
    cases: cases.map(([name, a]) => ({
      name,
      input: { nonce: a.nonce.toString(), balance: a.balance.toString(), codeHash: hex(a.codeHash), storageRoot: hex(a.storageRoot) },
      ...frozen(encodeAccount(a)),
    })),
    invalid: [
      invalid('trailing byte', cat(valid, [0]), 'TRAILING_BYTES', d),
      invalid('cut inside the storage root', valid.subarray(0, valid.length - 1), 'TRUNCATED', d),
      invalid('version 0', cat([0], valid.subarray(1)), 'UNKNOWN_VERSION', d),
      invalid('nonce 3 written as 83 00', cat([1, 0x83, 0x00], valid.subarray(2)), 'NON_MINIMAL_INTEGER', d),
      invalid('nonce 2^64', cat([1, ...fill(9, 0x80), 0x02], valid.subarray(2)), 'INTEGER_OUT_OF_RANGE', d),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Headers

function headersFile() {
  const header = (label: string, over: Partial<BlockHeader>): BlockHeader => ({
    parentHash: det(`${label}/parent`, 32),
    height: 1n,
    timestamp: 1_700_000_000_000n,
    coinbase: [],
    stateRoot: det(`${label}/state`, 32),
    transactionRoot: det(`${label}/txroot`, 32),
    txSummaryRoot: det(`${label}/summaryroot`, 32),
    body: det(`${label}/body`, 32),
    ...over,
  });
  const entries = (label: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ account: det(`${label}/coinbase/${i}`, 20), reward: detInt(`${label}/reward/${i}`, 10n ** 20n) }));
  const cases: Array<[string, BlockHeader]> = [
    ['genesis: zero parent, height 0, no coinbase', header('genesis', { parentHash: fill(32, 0), height: 0n, timestamp: 0n })],
    ['a committee of 7 paid', header('seven', { height: 12_345n, coinbase: entries('seven', 7) })],
    ['128 coinbase entries (two-byte count)', header('many', { height: 1n << 32n, coinbase: entries('many', 128) })],
    [
      'maxima',
      header('maxima', { height: U64_MAX, timestamp: U64_MAX, coinbase: [{ account: fill(20, 0xff), reward: U128_MAX }] }),
    ],
  ];
  const valid = encodeHeader(cases[0]![1]);
  const d = (b: Uint8Array) => decodeHeader(b);
  return {
    description:
      'Block header v1: version u8 | parent_hash [32] | height varint u64 | timestamp varint u64 | coinbase count varint, (account [20], reward varint u128)* | state_root [32] | transaction_root [32] | tx_summary_root [32] | body [32]. blockHash = SHA-256 of the encoding.',
    cases: cases.map(([name, h]) => ({
      name,
      input: {
        parentHash: hex(h.parentHash),
        height: h.height.toString(),
        timestamp: h.timestamp.toString(),
        coinbase: h.coinbase.map((c) => ({ account: hex(c.account), reward: c.reward.toString() })),
        stateRoot: hex(h.stateRoot),
        transactionRoot: hex(h.transactionRoot),
        txSummaryRoot: hex(h.txSummaryRoot),
        body: hex(h.body),
      },
      ...frozen(encodeHeader(h)),
      blockHash: hex(blockHash(h)),
    })),
    invalid: [
      invalid('trailing byte', cat(valid, [0]), 'TRAILING_BYTES', d),
      invalid('cut inside the body name', valid.subarray(0, valid.length - 1), 'TRUNCATED', d),
      invalid('version 2', cat([2], valid.subarray(1)), 'UNKNOWN_VERSION', d),
      invalid('height 0 written as 80 00', cat(valid.subarray(0, 33), [0x80, 0x00], valid.subarray(34)), 'NON_MINIMAL_INTEGER', d),
      invalid('coinbase count 4097', cat(valid.subarray(0, 35), [0x81, 0x20], valid.subarray(36)), 'OVERSIZE', d),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Summaries and bodies

function bodiesFile() {
  const summaries: Array<[string, TxSummary]> = [
    ['success, no fee', { status: TxStatus.success, fee: 0n }],
    ['success, fee 21000', { status: TxStatus.success, fee: 21_000n }],
    ['bad nonce', { status: TxStatus.badNonce, fee: 0n }],
    ['insufficient balance, fee charged', { status: TxStatus.insufficientBalance, fee: 127n }],
    ['insufficient fee', { status: TxStatus.insufficientFee, fee: 0n }],
    ['unsupported, fee 2^128 - 1', { status: TxStatus.unsupported, fee: U128_MAX }],
  ];
  const txs = transactionCases()
    .filter(([name]) => !name.includes('caps'))
    .map(([, tx]) => tx);
  const bodies: Array<[string, Transaction[], TxSummary[]]> = [
    ['empty body', [], []],
    ['one transfer', [txs[0]!], [summaries[1]![1]]],
    ['three transactions, mixed outcomes', [txs[0]!, txs[1]!, txs[2]!], [summaries[1]![1], summaries[3]![1], summaries[5]![1]]],
    ['every small case', txs, txs.map((_, i) => summaries[i % summaries.length]![1])],
  ];
  const oneTx = encodeBody({ transactions: [txs[0]!], summaries: [summaries[0]![1]] });
  const db = (b: Uint8Array) => decodeBody(b);
  const ds = (b: Uint8Array) => decodeSummary(b);
  const summaryJson = (s: TxSummary) => ({ status: s.status, fee: s.fee.toString() });
  return {
    description:
      'Summary v1: version u8 | status u8 | fee varint u128. Body v1: version u8 | count varint | transaction * count | summary * count. bodyName = SHA-256 of the body encoding (its SDFS name); ids are the transaction ids in order.',
    summaries: summaries.map(([name, s]) => ({ name, input: summaryJson(s), ...frozen(encodeSummary(s)) })),
    invalidSummaries: [
      invalid('status 5', Uint8Array.from([1, 5, 0]), 'INVALID_TAG', ds),
      invalid('version 0', Uint8Array.from([0, 0, 0]), 'UNKNOWN_VERSION', ds),
      invalid('fee 0 written as 80 00', Uint8Array.from([1, 0, 0x80, 0x00]), 'NON_MINIMAL_INTEGER', ds),
      invalid('trailing byte', Uint8Array.from([1, 0, 0, 0]), 'TRAILING_BYTES', ds),
    ],
    bodies: bodies.map(([name, transactions, sums]) => {
      const bytes = encodeBody({ transactions, summaries: sums });
      return {
        name,
        input: { transactions: transactions.map(txJson), summaries: sums.map(summaryJson) },
        ...frozen(bytes),
        bodyName: hex(sha256(bytes)),
        ids: transactions.map((t) => hex(transactionId(t))),
      };
    }),
    invalidBodies: [
      invalid('trailing byte', cat(oneTx, [0]), 'TRAILING_BYTES', db),
      invalid('count 2 holding one transaction', cat([1, 2], oneTx.subarray(2)), 'TRUNCATED', db),
      invalid('count 1000 in a short input', cat([1, 0xe8, 0x07], oneTx.subarray(2)), 'TRUNCATED', db),
      invalid('count 4000001', cat([1, 0x81, 0x92, 0xf4, 0x01], oneTx.subarray(2)), 'OVERSIZE', db),
      invalid('missing summary', oneTx.subarray(0, oneTx.length - 3), 'TRUNCATED', db),
      invalid('version 2', cat([2], oneTx.subarray(1)), 'UNKNOWN_VERSION', db),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Merkle roots

function merkleFile() {
  const leavesOf = (label: string, n: number) => Array.from({ length: n }, (_, i) => det(`${label}/${i}`, (i * 5) % 41));
  const sizes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 33, 64, 70];
  const explicit = sizes.map((n) => {
    const leaves = leavesOf(`merkle ${n}`, n);
    return { name: `${n} leaves`, leaves: leaves.map(hex), root: hex(merkleRoot(leaves)) };
  });
  const emptyLeaf = { name: 'one empty leaf', leaves: [''], root: hex(merkleRoot([new Uint8Array(0)])) };
  const repeated = [
    { name: '1024 empty-string hashes (a state of 1024 empty BSTs)', leaf: hex(EMPTY_HASH), count: 1024 },
    { name: '1025 zero hashes', leaf: hex(fill(32, 0)), count: 1025 },
  ].map((c) => ({ ...c, root: hex(merkleRoot(Array.from({ length: c.count }, () => Buffer.from(c.leaf, 'hex')))) }));
  return {
    description:
      'Binary SHA-256 Merkle roots in the RFC 6962 shape: leaf = SHA-256(00 ‖ data), node = SHA-256(01 ‖ left ‖ right), split at the largest power of two below n; no leaves = SHA-256(""). `repeated` cases are `count` copies of `leaf`.',
    cases: [...explicit, emptyLeaf],
    repeated,
  };
}

// ---------------------------------------------------------------------------------------------
// Sampling

function sampleFile() {
  const seed = (label: string) => sha256(label);
  const cases: Array<{ name: string; seed: Uint8Array; n: number; count: number; exclude: number[] }> = [
    { name: 'route one transaction among 16 reception nodes', seed: seed('route'), n: 16, count: 1, exclude: [] },
    { name: 'six co-signers among 50, the batcher excluded', seed: seed('committee'), n: 50, count: 6, exclude: [17] },
    { name: 'six co-signers among 7, the batcher excluded (all of them)', seed: seed('committee-7'), n: 7, count: 6, exclude: [0] },
    { name: 'every index of 10', seed: seed('permutation'), n: 10, count: 10, exclude: [] },
    { name: 'n = 1', seed: seed('single'), n: 1, count: 1, exclude: [] },
    { name: 'count 0', seed: seed('none'), n: 5, count: 0, exclude: [] },
    { name: 'empty seed', seed: new Uint8Array(0), n: 1000, count: 5, exclude: [] },
    { name: 'a 3-byte seed', seed: Uint8Array.of(1, 2, 3), n: 100, count: 20, exclude: [1, 2, 3, 200] },
    { name: 'n = 3 * 2^30 (rejection sampling matters)', seed: seed('rejection'), n: 3 * 2 ** 30, count: 12, exclude: [] },
    { name: 'n = 2^32 - 1', seed: seed('largest'), n: 2 ** 32 - 1, count: 4, exclude: [] },
    { name: 'a draw that needs several digests', seed: seed('long'), n: 300, count: 40, exclude: Array.from({ length: 100 }, (_, i) => i * 3) },
  ];
  return {
    description:
      'sample(seed, n, count, exclude): digest_i = SHA-256(seed ‖ i as u64 big-endian), eight big-endian u32 candidates per digest, rejection above the largest multiple of n below 2^32, index = candidate mod n, repeats and excluded indices skipped.',
    cases: cases.map((c) => ({ name: c.name, seed: hex(c.seed), n: c.n, count: c.count, exclude: c.exclude, indices: sample(c.seed, c.n, c.count, c.exclude) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Addresses

function addressesFile() {
  const pubkeys: Array<[string, Uint8Array]> = [
    ['secret key 1 (generator G)', KEY_1],
    ['secret key 6 (odd y)', KEY_6],
    ['prefix 02, x = 0', cat([0x02], fill(32, 0))],
    ['prefix 03, x = ff…ff', cat([0x03], fill(32, 0xff))],
  ];
  const creators: Array<[string, Uint8Array, bigint]> = [
    ['zero creator, nonce 0', fill(20, 0), 0n],
    ['creator = address of G, nonce 0', addressOf(KEY_1), 0n],
    ['creator = address of G, nonce 1', addressOf(KEY_1), 1n],
    ['0x11 creator, nonce 7', fill(20, 0x11), 7n],
    ['ff creator, nonce 2^64 - 1', fill(20, 0xff), U64_MAX],
    ['seeded creator, nonce 2^32', det('creator', 20), 1n << 32n],
  ];
  const bstEdges = [
    '00'.repeat(20),
    '003f' + 'ff'.repeat(18),
    '0040' + '00'.repeat(18),
    '007f' + 'ff'.repeat(18),
    '0080' + '00'.repeat(18),
    '7fff' + 'ff'.repeat(18),
    '8000' + '00'.repeat(18),
    'ffbf' + 'ff'.repeat(18),
    'ffc0' + '00'.repeat(18),
    'ff'.repeat(20),
  ];
  return {
    description:
      'addressOf(pubkey) = last 20 bytes of the compressed key; bstIndex = first 10 bits of the address; contractAddress(creator, nonce) = last 20 bytes of SHA-256(creator ‖ nonce as u64 big-endian).',
    addressOf: pubkeys.map(([name, pubkey]) => {
      const address = addressOf(pubkey);
      return { name, pubkey: hex(pubkey), address: hex(address), bstIndex: bstIndexOf(address) };
    }),
    bstIndex: bstEdges.map((address) => ({ address, bstIndex: bstIndexOf(Buffer.from(address, 'hex')) })),
    contractAddress: creators.map(([name, creator, nonce]) => ({
      name,
      creator: hex(creator),
      nonce: nonce.toString(),
      address: hex(contractAddress(creator, nonce)),
    })),
  };
}

// ---------------------------------------------------------------------------------------------

export function buildVectors(): Record<string, unknown> {
  return {
    transactions: transactionsFile(),
    accounts: accountsFile(),
    headers: headersFile(),
    bodies: bodiesFile(),
    merkle: merkleFile(),
    sample: sampleFile(),
    addresses: addressesFile(),
  };
}

function main(): void {
  const outDir = resolve(process.argv[2] ?? 'services/protocol/test/vectors');
  mkdirSync(outDir, { recursive: true });
  for (const [name, content] of Object.entries(buildVectors())) {
    const path = join(outDir, `${name}.json`);
    writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
    console.log(`wrote ${path}`);
  }
}

main();
