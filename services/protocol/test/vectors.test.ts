/**
 * Known-answer vectors: the JSON files in ./vectors freeze today's encodings, ids, roots,
 * samples and addresses. This test only reads them; it never regenerates them (see
 * vectors/generate.ts for when and how that is done on purpose).
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { addressOf, bstIndexOf, contractAddress } from '../src/address.js';
import { decodeAccount, encodeAccount } from '../src/codec/account.js';
import { blockHash, decodeBody, decodeHeader, decodeSummary, encodeBody, encodeHeader, encodeSummary } from '../src/codec/block.js';
import { decodeTransaction, encodeTransaction, encodeUnsignedTransaction, transactionId } from '../src/codec/transaction.js';
import type { ProtocolErrorCode } from '../src/errors.js';
import { merkleRoot, merkleRootRecursive } from '../src/merkle.js';
import { sample } from '../src/sample.js';
import type { AccountState, BlockHeader, Transaction, TxStatus, TxSummary } from '../src/types.js';
import { hex, plain, refusalCode, unhex } from './codecArbitraries.js';
// Type-only: erased at run time, so the generator script does not run.
import type { BytesJson, TransactionJson } from './vectors/generate.js';

// ---------------------------------------------------------------------------------------------
// The JSON shapes written by vectors/generate.ts


interface Frozen {
  name: string;
  encoding?: string;
  encodingLength: number;
  encodingSha256: string;
}
interface InvalidJson {
  name: string;
  encoding: string;
  error: ProtocolErrorCode;
}
interface TransactionsFile {
  cases: Array<Frozen & { input: TransactionJson; unsignedEncoding?: string; id: string }>;
  invalid: InvalidJson[];
}
interface AccountsFile {
  cases: Array<Frozen & { input: { nonce: string; balance: string; codeHash: string; storageRoot: string } }>;
  invalid: InvalidJson[];
}
interface HeaderJson {
  parentHash: string;
  height: string;
  timestamp: string;
  coinbase: Array<{ account: string; reward: string }>;
  stateRoot: string;
  transactionRoot: string;
  txSummaryRoot: string;
  body: string;
}
interface HeadersFile {
  cases: Array<Frozen & { input: HeaderJson; blockHash: string }>;
  invalid: InvalidJson[];
}
interface SummaryJson {
  status: number;
  fee: string;
}
interface BodiesFile {
  summaries: Array<Frozen & { input: SummaryJson }>;
  invalidSummaries: InvalidJson[];
  bodies: Array<Frozen & { input: { transactions: TransactionJson[]; summaries: SummaryJson[] }; bodyName: string; ids: string[] }>;
  invalidBodies: InvalidJson[];
}
interface MerkleFile {
  cases: Array<{ name: string; leaves: string[]; root: string }>;
  repeated: Array<{ name: string; leaf: string; count: number; root: string }>;
}
interface SampleFile {
  cases: Array<{ name: string; seed: string; n: number; count: number; exclude: number[]; indices: number[] }>;
}
interface AddressesFile {
  addressOf: Array<{ name: string; pubkey: string; address: string; bstIndex: number }>;
  bstIndex: Array<{ address: string; bstIndex: number }>;
  contractAddress: Array<{ name: string; creator: string; nonce: string; address: string }>;
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./vectors/${name}.json`, import.meta.url), 'utf8')) as T;
}

const transactions = load<TransactionsFile>('transactions');
const accounts = load<AccountsFile>('accounts');
const headers = load<HeadersFile>('headers');
const bodies = load<BodiesFile>('bodies');
const merkle = load<MerkleFile>('merkle');
const samples = load<SampleFile>('sample');
const addresses = load<AddressesFile>('addresses');

// ---------------------------------------------------------------------------------------------

const bytesOf = (b: BytesJson): Uint8Array => (typeof b === 'string' ? unhex(b) : new Uint8Array(b.length).fill(parseInt(b.fill, 16)));
const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const txOf = (j: TransactionJson): Transaction => ({
  nonce: BigInt(j.nonce),
  to: j.to === null ? null : unhex(j.to),
  amount: BigInt(j.amount),
  gasLimit: BigInt(j.gasLimit),
  code: bytesOf(j.code),
  data: bytesOf(j.data),
  pubkey: unhex(j.pubkey),
  signature: unhex(j.signature),
});
const accountOf = (j: AccountsFile['cases'][number]['input']): AccountState => ({
  nonce: BigInt(j.nonce),
  balance: BigInt(j.balance),
  codeHash: unhex(j.codeHash),
  storageRoot: unhex(j.storageRoot),
});
const headerOf = (j: HeaderJson): BlockHeader => ({
  parentHash: unhex(j.parentHash),
  height: BigInt(j.height),
  timestamp: BigInt(j.timestamp),
  coinbase: j.coinbase.map((c) => ({ account: unhex(c.account), reward: BigInt(c.reward) })),
  stateRoot: unhex(j.stateRoot),
  transactionRoot: unhex(j.transactionRoot),
  txSummaryRoot: unhex(j.txSummaryRoot),
  body: unhex(j.body),
});
const summaryOf = (j: SummaryJson): TxSummary => ({ status: j.status as TxStatus, fee: BigInt(j.fee) });

/**
 * The encoding matches the frozen one: exactly when it is inline, else by length and SHA-256.
 * Returns the frozen bytes to decode (the fresh ones when only the digest was frozen, which is
 * the same byte string once the digest matched).
 */
function expectFrozen(actual: Uint8Array, v: Frozen): Uint8Array {
  if (v.encoding !== undefined) expect(hex(actual)).toBe(v.encoding);
  expect(actual.length).toBe(v.encodingLength);
  expect(sha256Hex(actual)).toBe(v.encodingSha256);
  return v.encoding !== undefined ? unhex(v.encoding) : actual;
}

const byName = <T extends { name: string }>(cases: T[]): Array<[string, T]> => cases.map((c) => [c.name, c]);
const invalidCases = (cases: InvalidJson[]): Array<[string, ProtocolErrorCode, string]> => cases.map((c) => [c.name, c.error, c.encoding]);

describe('known-answer vectors', () => {
  it('when the vector files are read, then each holds the cases it was generated with', () => {
    expect(transactions.cases.length).toBeGreaterThanOrEqual(12);
    expect(transactions.invalid.length).toBeGreaterThanOrEqual(11);
    expect(accounts.cases.length).toBeGreaterThanOrEqual(5);
    expect(headers.cases.length).toBeGreaterThanOrEqual(4);
    expect(bodies.summaries.length).toBeGreaterThanOrEqual(6);
    expect(bodies.bodies.length).toBeGreaterThanOrEqual(4);
    expect(merkle.cases.length).toBeGreaterThanOrEqual(18);
    expect(samples.cases.length).toBeGreaterThanOrEqual(11);
    expect(addresses.contractAddress.length).toBeGreaterThanOrEqual(6);
  });

  describe('transactions', () => {
    it.each(byName(transactions.cases))('when "%s" is encoded, then the bytes and id are the frozen ones', (_name, v) => {
      const tx = txOf(v.input);
      expectFrozen(encodeTransaction(tx), v);
      if (v.unsignedEncoding !== undefined) expect(hex(encodeUnsignedTransaction(tx))).toBe(v.unsignedEncoding);
      expect(hex(transactionId(tx))).toBe(v.id);
    });

    it.each(byName(transactions.cases))('when the frozen bytes of "%s" are decoded, then the input and id come back', (_name, v) => {
      const bytes = expectFrozen(encodeTransaction(txOf(v.input)), v);
      const decoded = decodeTransaction(bytes);
      expect(plain(decoded.tx)).toEqual(plain(txOf(v.input)));
      expect(hex(decoded.id)).toBe(v.id);
    });

    it.each(invalidCases(transactions.invalid))('when the frozen invalid transaction "%s" is decoded, then it is refused with %s', (_name, error, encoding) => {
      expect(refusalCode(() => decodeTransaction(unhex(encoding)))).toBe(error);
    });
  });

  describe('accounts', () => {
    it.each(byName(accounts.cases))('when "%s" is encoded and the frozen bytes decoded, then both match', (_name, v) => {
      const account = accountOf(v.input);
      const bytes = expectFrozen(encodeAccount(account), v);
      expect(plain(decodeAccount(bytes))).toEqual(plain(account));
    });

    it.each(invalidCases(accounts.invalid))('when the frozen invalid account "%s" is decoded, then it is refused with %s', (_name, error, encoding) => {
      expect(refusalCode(() => decodeAccount(unhex(encoding)))).toBe(error);
    });
  });

  describe('headers', () => {
    it.each(byName(headers.cases))('when "%s" is encoded and the frozen bytes decoded, then both match and so does the block hash', (_name, v) => {
      const header = headerOf(v.input);
      const bytes = expectFrozen(encodeHeader(header), v);
      expect(plain(decodeHeader(bytes))).toEqual(plain(header));
      expect(hex(blockHash(header))).toBe(v.blockHash);
    });

    it.each(invalidCases(headers.invalid))('when the frozen invalid header "%s" is decoded, then it is refused with %s', (_name, error, encoding) => {
      expect(refusalCode(() => decodeHeader(unhex(encoding)))).toBe(error);
    });
  });

  describe('summaries and bodies', () => {
    it.each(byName(bodies.summaries))('when summary "%s" is encoded and the frozen bytes decoded, then both match', (_name, v) => {
      const summary = summaryOf(v.input);
      const bytes = expectFrozen(encodeSummary(summary), v);
      expect(decodeSummary(bytes)).toEqual(summary);
    });

    it.each(invalidCases(bodies.invalidSummaries))('when the frozen invalid summary "%s" is decoded, then it is refused with %s', (_name, error, encoding) => {
      expect(refusalCode(() => decodeSummary(unhex(encoding)))).toBe(error);
    });

    it.each(byName(bodies.bodies))('when body "%s" is encoded and the frozen bytes decoded, then bytes, name, ids and contents match', (_name, v) => {
      const body = { transactions: v.input.transactions.map(txOf), summaries: v.input.summaries.map(summaryOf) };
      const bytes = expectFrozen(encodeBody(body), v);
      expect(sha256Hex(bytes)).toBe(v.bodyName);
      const decoded = decodeBody(bytes);
      expect(decoded.ids.map(hex)).toEqual(v.ids);
      expect(plain({ transactions: decoded.transactions, summaries: decoded.summaries })).toEqual(plain(body));
    });

    it.each(invalidCases(bodies.invalidBodies))('when the frozen invalid body "%s" is decoded, then it is refused with %s', (_name, error, encoding) => {
      expect(refusalCode(() => decodeBody(unhex(encoding)))).toBe(error);
    });
  });

  describe('merkle roots', () => {
    it.each(byName(merkle.cases))('when the root of "%s" is computed, then it is the frozen one (fast and recursive)', (_name, v) => {
      const leaves = v.leaves.map(unhex);
      expect(hex(merkleRoot(leaves))).toBe(v.root);
      expect(hex(merkleRootRecursive(leaves))).toBe(v.root);
    });

    it.each(byName(merkle.repeated))('when the root of "%s" is computed, then it is the frozen one', (_name, v) => {
      const leaves = Array.from({ length: v.count }, () => unhex(v.leaf));
      expect(hex(merkleRoot(leaves))).toBe(v.root);
    });
  });

  describe('sampling', () => {
    it.each(byName(samples.cases))('when "%s" is drawn, then the indices are the frozen ones', (_name, v) => {
      expect(sample(unhex(v.seed), v.n, v.count, v.exclude)).toEqual(v.indices);
    });
  });

  describe('addresses', () => {
    it.each(byName(addresses.addressOf))('when the address of "%s" is taken, then it and its BST index are the frozen ones', (_name, v) => {
      const address = addressOf(unhex(v.pubkey));
      expect(hex(address)).toBe(v.address);
      expect(bstIndexOf(address)).toBe(v.bstIndex);
    });

    it.each(addresses.bstIndex.map((v) => [v.address, v.bstIndex] as const))('when the address is %s, then the BST index is %i', (address, index) => {
      expect(bstIndexOf(unhex(address))).toBe(index);
    });

    it.each(byName(addresses.contractAddress))('when the contract address for "%s" is derived, then it is the frozen one', (_name, v) => {
      expect(hex(contractAddress(unhex(v.creator), BigInt(v.nonce)))).toBe(v.address);
    });
  });
});
