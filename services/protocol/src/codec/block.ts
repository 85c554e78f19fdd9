import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { HASH_LENGTH, sha256 } from '../hash.js';
import {
  ADDRESS_LENGTH,
  BODY_VERSION,
  HEADER_VERSION,
  MAX_BODY_TRANSACTIONS,
  MAX_COINBASE_ENTRIES,
  SUMMARY_VERSION,
} from '../params.js';
import { TX_STATUS_NAMES, type BlockBody, type BlockHeader, type Hash, type TxStatus, type TxSummary } from '../types.js';
import { ByteReader } from './reader.js';
import { readTransaction, writeTransaction } from './transaction.js';
import { U128_MAX, U64_MAX } from './varint.js';
import { ByteWriter } from './writer.js';

/**
 * Block header, version 1 (DESIGN §3, WP 6.5):
 *   version u8 | parent_hash [32] | height varint u64 | timestamp varint u64
 *   | coinbase count varint, then (account [20], reward varint u128)*
 *   | state_root [32] | transaction_root [32] | tx_summary_root [32] | body [32]
 * The block hash is SHA-256 of this encoding (the header's SDFS name, WP 6.7).
 */
export function encodeHeader(h: BlockHeader): Uint8Array {
  if (h.height < 0n || h.height > U64_MAX) throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `height out of range: ${h.height}`);
  if (h.timestamp < 0n || h.timestamp > U64_MAX) throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `timestamp out of range: ${h.timestamp}`);
  if (h.coinbase.length > MAX_COINBASE_ENTRIES) throw new ProtocolError(ProtocolErrorCode.oversize, `coinbase has ${h.coinbase.length} entries`);
  const w = new ByteWriter(256 + h.coinbase.length * 40);
  w.u8(HEADER_VERSION).fixed(h.parentHash, HASH_LENGTH, 'parent_hash').varint(h.height).varint(h.timestamp).varint(h.coinbase.length);
  for (const c of h.coinbase) {
    if (c.reward < 0n || c.reward > U128_MAX) throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `reward out of range: ${c.reward}`);
    w.fixed(c.account, ADDRESS_LENGTH, 'coinbase account').varint(c.reward);
  }
  w.fixed(h.stateRoot, HASH_LENGTH, 'state_root')
    .fixed(h.transactionRoot, HASH_LENGTH, 'transaction_root')
    .fixed(h.txSummaryRoot, HASH_LENGTH, 'tx_summary_root')
    .fixed(h.body, HASH_LENGTH, 'body');
  return w.finish();
}

export function decodeHeader(bytes: Uint8Array): BlockHeader {
  const r = new ByteReader(bytes);
  r.version(HEADER_VERSION, 'header');
  const parentHash = r.fixed(HASH_LENGTH, 'parent_hash').slice();
  const height = r.varint(64, 'height');
  const timestamp = r.varint(64, 'timestamp');
  const n = r.length(MAX_COINBASE_ENTRIES, 'coinbase count');
  const coinbase = [];
  for (let i = 0; i < n; i++) {
    coinbase.push({ account: r.fixed(ADDRESS_LENGTH, 'coinbase account').slice(), reward: r.varint(128, 'reward') });
  }
  const stateRoot = r.fixed(HASH_LENGTH, 'state_root').slice();
  const transactionRoot = r.fixed(HASH_LENGTH, 'transaction_root').slice();
  const txSummaryRoot = r.fixed(HASH_LENGTH, 'tx_summary_root').slice();
  const body = r.fixed(HASH_LENGTH, 'body').slice();
  r.end('header');
  return { parentHash, height, timestamp, coinbase, stateRoot, transactionRoot, txSummaryRoot, body };
}

export function blockHash(h: BlockHeader): Hash {
  return sha256(encodeHeader(h));
}

/** Summary, version 1: version u8 | status u8 | fee varint u128. Its encoding is a leaf of tx_summary_root. */
export function writeSummary(w: ByteWriter, s: TxSummary): void {
  if (s.fee < 0n || s.fee > U128_MAX) throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `fee out of range: ${s.fee}`);
  // u8 would keep only the low byte: 256 must not become SUCCESS.
  if (!Number.isInteger(s.status) || !(s.status in TX_STATUS_NAMES)) {
    throw new ProtocolError(ProtocolErrorCode.invalidTag, `unknown transaction status ${s.status}`);
  }
  w.u8(SUMMARY_VERSION).u8(s.status).varint(s.fee);
}

export function encodeSummary(s: TxSummary): Uint8Array {
  const w = new ByteWriter(24);
  writeSummary(w, s);
  return w.finish();
}

function readSummary(r: ByteReader): TxSummary {
  r.version(SUMMARY_VERSION, 'summary');
  const status = r.u8('status');
  if (!(status in TX_STATUS_NAMES)) {
    throw new ProtocolError(ProtocolErrorCode.invalidTag, `unknown transaction status ${status}`);
  }
  return { status: status as TxStatus, fee: r.varint(128, 'fee') };
}

export function decodeSummary(bytes: Uint8Array): TxSummary {
  const r = new ByteReader(bytes);
  const s = readSummary(r);
  r.end('summary');
  return s;
}

/**
 * Block body, version 1: version u8 | count varint | transaction * count | summary * count.
 * Transactions are self-delimiting, so no per-item length is needed.
 */
export function encodeBody(body: BlockBody): Uint8Array {
  if (body.transactions.length !== body.summaries.length) {
    throw new ProtocolError(ProtocolErrorCode.invalidArgument, 'a body needs one summary per transaction');
  }
  if (body.transactions.length > MAX_BODY_TRANSACTIONS) {
    throw new ProtocolError(ProtocolErrorCode.oversize, `body has ${body.transactions.length} transactions`);
  }
  const w = new ByteWriter(64 + body.transactions.length * 160);
  w.u8(BODY_VERSION).varint(body.transactions.length);
  for (const tx of body.transactions) writeTransaction(w, tx);
  for (const s of body.summaries) writeSummary(w, s);
  return w.finish();
}

export interface DecodedBody extends BlockBody {
  /** Transaction ids, computed from the received bytes. */
  ids: Hash[];
}

export function decodeBody(bytes: Uint8Array): DecodedBody {
  const r = new ByteReader(bytes);
  r.version(BODY_VERSION, 'body');
  const n = r.length(MAX_BODY_TRANSACTIONS, 'transaction count');
  // Each transaction takes at least ~100 bytes: refuse a count the input cannot hold before allocating.
  if (n > r.remaining) throw new ProtocolError(ProtocolErrorCode.truncated, `body claims ${n} transactions in ${r.remaining} bytes`);
  const transactions = [];
  const ids = [];
  for (let i = 0; i < n; i++) {
    const d = readTransaction(r);
    transactions.push(d.tx);
    ids.push(d.id);
  }
  const summaries = [];
  for (let i = 0; i < n; i++) summaries.push(readSummary(r));
  r.end('body');
  return { transactions, summaries, ids };
}
