import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { sha256, sha256Spans } from '../hash.js';
import {
  ADDRESS_LENGTH,
  MAX_CODE_BYTES,
  MAX_DATA_BYTES,
  PUBLIC_KEY_LENGTH,
  SIGNATURE_LENGTH,
  TRANSACTION_VERSION,
} from '../params.js';
import type { Hash, Transaction, UnsignedTransaction } from '../types.js';
import { ByteReader } from './reader.js';
import { U128_MAX, U64_MAX } from './varint.js';
import { ByteWriter } from './writer.js';

/**
 * Transaction encoding, version 1 (DESIGN §3):
 *   version u8 | flags u8 (bit 0: `to` present; other bits zero) | nonce varint u64
 *   | to [20]? | amount varint u128 | gas_limit varint u128 | code len+bytes | data len+bytes
 *   | pubkey [33] | signature [64]
 * The id is SHA-256 of everything before the signature; the signature is over the id.
 */
const FLAG_HAS_TO = 0x01;
const KNOWN_FLAGS = FLAG_HAS_TO;

/** The largest encoding a valid transaction can have; reception refuses anything longer. */
export const MAX_TRANSACTION_BYTES =
  2 + 10 + ADDRESS_LENGTH + 19 + 19 + 3 + MAX_CODE_BYTES + 3 + MAX_DATA_BYTES + PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH;

function checkRange(value: bigint, max: bigint, field: string): void {
  if (value < 0n || value > max) {
    throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `${field} out of range: ${value}`);
  }
}

function writeUnsigned(w: ByteWriter, tx: UnsignedTransaction): void {
  checkRange(tx.nonce, U64_MAX, 'nonce');
  checkRange(tx.amount, U128_MAX, 'amount');
  checkRange(tx.gasLimit, U128_MAX, 'gas_limit');
  w.u8(TRANSACTION_VERSION).u8(tx.to === null ? 0 : FLAG_HAS_TO).varint(tx.nonce);
  if (tx.to !== null) w.fixed(tx.to, ADDRESS_LENGTH, 'to');
  w.varint(tx.amount)
    .varint(tx.gasLimit)
    .bytes(tx.code, MAX_CODE_BYTES, 'code')
    .bytes(tx.data, MAX_DATA_BYTES, 'data')
    .fixed(tx.pubkey, PUBLIC_KEY_LENGTH, 'pubkey');
  // The decoder refuses any other prefix, so the encoder must too: no id for undecodable bytes.
  if (tx.pubkey[0] !== 0x02 && tx.pubkey[0] !== 0x03) {
    throw new ProtocolError(ProtocolErrorCode.invalidKey, `pubkey prefix 0x${(tx.pubkey[0] as number).toString(16)} is not a compressed key`);
  }
}

export function encodeUnsignedTransaction(tx: UnsignedTransaction): Uint8Array {
  const w = new ByteWriter(160 + tx.code.length + tx.data.length);
  writeUnsigned(w, tx);
  return w.finish();
}

export function encodeTransaction(tx: Transaction): Uint8Array {
  const w = new ByteWriter(160 + tx.code.length + tx.data.length);
  writeTransaction(w, tx);
  return w.finish();
}

export function writeTransaction(w: ByteWriter, tx: Transaction): void {
  writeUnsigned(w, tx);
  w.fixed(tx.signature, SIGNATURE_LENGTH, 'signature');
}

/** The id of a transaction: SHA-256 of its encoding without the signature (WP 6.4). */
export function transactionId(tx: UnsignedTransaction): Hash {
  return sha256(encodeUnsignedTransaction(tx));
}

export interface DecodedTransaction {
  tx: Transaction;
  /** Computed from the received bytes, so no re-encoding is needed. */
  id: Hash;
}

const EMPTY = new Uint8Array(0);

/**
 * Reads one transaction at the reader's position. Byte fields are views into the input, not
 * copies: a logic node decodes 100,000 transactions a block from one package, and a copy per
 * field (an ArrayBuffer each) was a large share of its garbage. Do not mutate the input after.
 */
export function readTransaction(r: ByteReader): DecodedTransaction {
  const { tx, start, unsignedEnd } = readFields(r);
  return { tx, id: sha256(r.buf.subarray(start, unsignedEnd)) };
}

/** The fields of one transaction at the reader's position, and where its unsigned part lies in r.buf. */
function readFields(r: ByteReader): { tx: Transaction; start: number; unsignedEnd: number } {
  const start = r.pos;
  r.version(TRANSACTION_VERSION, 'transaction');
  const flags = r.u8('flags');
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw new ProtocolError(ProtocolErrorCode.invalidTag, `unknown transaction flags 0x${flags.toString(16)}`);
  }
  const nonce = r.varint(64, 'nonce');
  const to = flags & FLAG_HAS_TO ? r.fixed(ADDRESS_LENGTH, 'to') : null;
  const amount = r.varint(128, 'amount');
  const gasLimit = r.varint(128, 'gas_limit');
  const codeView = r.bytes(MAX_CODE_BYTES, 'code');
  const dataView = r.bytes(MAX_DATA_BYTES, 'data');
  const code = codeView.length === 0 ? EMPTY : codeView;
  const data = dataView.length === 0 ? EMPTY : dataView;
  const pubkey = r.fixed(PUBLIC_KEY_LENGTH, 'pubkey');
  if (pubkey[0] !== 0x02 && pubkey[0] !== 0x03) {
    throw new ProtocolError(ProtocolErrorCode.invalidKey, `pubkey prefix 0x${(pubkey[0] as number).toString(16)} is not a compressed key`);
  }
  const unsignedEnd = r.pos;
  const signature = r.fixed(SIGNATURE_LENGTH, 'signature');
  return { tx: { nonce, to, amount, gasLimit, code, data, pubkey, signature }, start, unsignedEnd };
}

/**
 * Decodes many transactions (a package) and computes all their ids in one native batch: per
 * transaction that saves a hash call and the ArrayBuffer of its id (ids are views into one
 * buffer). The first undecodable one throws its ProtocolError, with its index in `meta.index`.
 */
export function decodeTransactions(encoded: readonly Uint8Array[]): DecodedTransaction[] {
  const n = encoded.length;
  const txs: Transaction[] = new Array(n);
  const spans = new Uint32Array(2 * n);
  let total = 0;
  for (const bytes of encoded) total += bytes.length;
  const unsigned = new Uint8Array(total);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const bytes = encoded[i] as Uint8Array;
    let fields;
    try {
      const r = new ByteReader(bytes);
      fields = readFields(r);
      r.end('transaction');
    } catch (err) {
      if (err instanceof ProtocolError) throw new ProtocolError(err.code, `transaction ${i}: ${err.message}`, { meta: { ...err.meta, index: i } });
      throw err;
    }
    txs[i] = fields.tx;
    unsigned.set(fields.start === 0 && fields.unsignedEnd === bytes.length ? bytes : bytes.subarray(fields.start, fields.unsignedEnd), o);
    spans[2 * i] = o;
    o += fields.unsignedEnd - fields.start;
    spans[2 * i + 1] = o;
  }
  const ids = new Uint8Array(32 * n);
  sha256Spans(unsigned, spans, n, ids, null);
  const out: DecodedTransaction[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { tx: txs[i] as Transaction, id: ids.subarray(32 * i, 32 * i + 32) };
  return out;
}

/**
 * True exactly when decodeTransaction(bytes) would succeed, without building the transaction: a
 * committee member only needs to know the bytes are a transaction, then hashes and verifies
 * them, and a well-formed one's parts sit at fixed places from its end (pubkey, then the
 * 64-byte signature; the id is SHA-256 of all but the signature). The same checks as readFields
 * and end(), in the same order, with the varints checked but not materialized as bigints; a
 * property test holds the two equal on mutated and random input.
 */
export function isWellFormedTransaction(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < 2 || bytes[0] !== TRANSACTION_VERSION || ((bytes[1] as number) & ~KNOWN_FLAGS) !== 0) return false;
  let pos = skipVarint(bytes, 2, 64);
  if (pos < 0) return false;
  if ((bytes[1] as number) & FLAG_HAS_TO) pos += ADDRESS_LENGTH;
  pos = skipVarint(bytes, pos, 128);
  if (pos < 0) return false;
  pos = skipVarint(bytes, pos, 128);
  if (pos < 0) return false;
  pos = skipLengthPrefixed(bytes, pos, MAX_CODE_BYTES);
  if (pos < 0) return false;
  pos = skipLengthPrefixed(bytes, pos, MAX_DATA_BYTES);
  if (pos < 0 || pos + PUBLIC_KEY_LENGTH + SIGNATURE_LENGTH !== n) return false;
  return bytes[pos] === 0x02 || bytes[pos] === 0x03;
}

/** The position after a canonical varint of at most `bits` bits at `pos`, or -1 (ByteReader.varint's checks). */
function skipVarint(bytes: Uint8Array, pos: number, bits: number): number {
  const maxBytes = Math.ceil(bits / 7);
  for (let i = 0; i < maxBytes; i++) {
    if (pos >= bytes.length) return -1;
    const byte = bytes[pos++] as number;
    if ((byte & 0x80) !== 0) continue;
    if (byte === 0 && i > 0) return -1; // a redundant trailing group
    // Only the widest form can overflow: its last group holds the top bits - 7·i of the value.
    if (i === maxBytes - 1 && byte >= 2 ** (bits - 7 * i)) return -1;
    return pos;
  }
  return -1;
}

/** The position after a length-prefixed field of at most `max` bytes at `pos`, or -1 (ByteReader.bytes's checks). */
function skipLengthPrefixed(bytes: Uint8Array, pos: number, max: number): number {
  if (pos >= bytes.length) return -1;
  let length = 0;
  const start = pos;
  const end = skipVarint(bytes, pos, 32);
  if (end < 0) return -1;
  for (let i = end - 1; i >= start; i--) length = length * 128 + ((bytes[i] as number) & 0x7f);
  if (length > max || end + length > bytes.length) return -1;
  return end + length;
}

/** Decodes exactly one transaction; trailing bytes are refused. */
export function decodeTransaction(bytes: Uint8Array): DecodedTransaction {
  const r = new ByteReader(bytes);
  const decoded = readTransaction(r);
  r.end('transaction');
  return decoded;
}
