import { ByteReader } from '../../../protocol/src/codec/reader.js';
import { writeVarintInto } from '../../../protocol/src/codec/varint.js';
import { ProtocolError, ProtocolErrorCode } from '../../../protocol/src/errors.js';
import { ADDRESS_LENGTH } from '../../../protocol/src/params.js';
import { TX_STATUS_NAMES, type TxStatus } from '../../../protocol/src/types.js';
import { bytesToKey } from '../../../protocol/src/bytes.js';

/**
 * The operation log (WP 6.6): every W and D an account applied, in the order it applied them,
 * numbered per account. It is what backward verification replays on other clusters, so it is
 * written as it happens, straight into one canonical blob per block (no object per operation).
 *
 * Encoding, version 1: version u8, then records until the end:
 *   W: 0x01 | tx index varint | account [20] | seq varint | amount varint | fee varint | status u8
 *   D: 0x02 | tx index varint | account [20] | seq varint | amount varint
 *   R: 0x03 | account [20] | seq varint | amount varint        (fee reward at the end of the block)
 */
export const OperationKind = { withdraw: 1, deposit: 2, reward: 3 } as const;
export type OperationKind = (typeof OperationKind)[keyof typeof OperationKind];
const OPLOG_VERSION = 1;

export type Operation =
  | { kind: 1; txIndex: number; account: string; seq: number; amount: bigint; fee: bigint; status: TxStatus }
  | { kind: 2; txIndex: number; account: string; seq: number; amount: bigint }
  | { kind: 3; account: string; seq: number; amount: bigint };

/** Room for the longest record: kind, tx index varint, account, seq varint, two u128 varints, status. */
const MAX_RECORD_BYTES = 1 + 5 + ADDRESS_LENGTH + 5 + 19 + 19 + 1;

/**
 * Writes records straight into its buffer; accounts are read from the bytes they already live
 * in (a transaction's buffer, the account table), so logging makes no key string.
 */
export class OperationLogWriter {
  private buf = new Uint8Array(1 << 16);
  private pos = 0;
  private count_ = 0;

  constructor() {
    this.buf[this.pos++] = OPLOG_VERSION;
  }

  get count(): number {
    return this.count_;
  }

  /** W for the account whose address is at `address[offset..offset+20)`. */
  withdraw(txIndex: number, address: Uint8Array, offset: number, seq: number, amount: bigint, fee: bigint, status: TxStatus): void {
    let o = this.begin(OperationKind.withdraw);
    o = writeSmallVarint(this.buf, o, txIndex);
    o = this.account(o, address, offset);
    o = writeSmallVarint(this.buf, o, seq);
    o = writeVarintInto(this.buf, o, amount);
    o = writeVarintInto(this.buf, o, fee);
    this.buf[o++] = status;
    this.end(o);
  }

  deposit(txIndex: number, address: Uint8Array, offset: number, seq: number, amount: bigint): void {
    let o = this.begin(OperationKind.deposit);
    o = writeSmallVarint(this.buf, o, txIndex);
    o = this.account(o, address, offset);
    o = writeSmallVarint(this.buf, o, seq);
    this.end(writeVarintInto(this.buf, o, amount));
  }

  reward(address: Uint8Array, offset: number, seq: number, amount: bigint): void {
    let o = this.begin(OperationKind.reward);
    o = this.account(o, address, offset);
    o = writeSmallVarint(this.buf, o, seq);
    this.end(writeVarintInto(this.buf, o, amount));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private begin(kind: OperationKind): number {
    if (this.pos + MAX_RECORD_BYTES > this.buf.length) {
      const grown = new Uint8Array(this.buf.length * 2);
      grown.set(this.buf.subarray(0, this.pos));
      this.buf = grown;
    }
    this.buf[this.pos] = kind;
    return this.pos + 1;
  }

  private end(o: number): void {
    this.pos = o;
    this.count_++;
  }

  private account(o: number, address: Uint8Array, offset: number): number {
    const buf = this.buf;
    for (let i = 0; i < ADDRESS_LENGTH; i++) buf[o + i] = address[offset + i] as number;
    return o + ADDRESS_LENGTH;
  }
}

/** LEB128 of a non-negative 32-bit integer (tx index, seq). */
function writeSmallVarint(out: Uint8Array, o: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    out[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[o++] = v;
  return o;
}

export function decodeOperationLog(bytes: Uint8Array): Operation[] {
  const r = new ByteReader(bytes);
  r.version(OPLOG_VERSION, 'operation log');
  const ops: Operation[] = [];
  while (r.remaining > 0) {
    const kind = r.u8('operation kind');
    if (kind === OperationKind.withdraw) {
      const txIndex = Number(r.varint(32, 'tx index'));
      const account = bytesToKey(r.fixed(ADDRESS_LENGTH, 'account'));
      const seq = Number(r.varint(32, 'seq'));
      const amount = r.varint(128, 'amount');
      const fee = r.varint(128, 'fee');
      const status = r.u8('status');
      if (!(status in TX_STATUS_NAMES)) throw new ProtocolError(ProtocolErrorCode.invalidTag, `unknown status ${status}`);
      ops.push({ kind, txIndex, account, seq, amount, fee, status: status as TxStatus });
    } else if (kind === OperationKind.deposit) {
      const txIndex = Number(r.varint(32, 'tx index'));
      const account = bytesToKey(r.fixed(ADDRESS_LENGTH, 'account'));
      ops.push({ kind, txIndex, account, seq: Number(r.varint(32, 'seq')), amount: r.varint(128, 'amount') });
    } else if (kind === OperationKind.reward) {
      const account = bytesToKey(r.fixed(ADDRESS_LENGTH, 'account'));
      ops.push({ kind, account, seq: Number(r.varint(32, 'seq')), amount: r.varint(128, 'amount') });
    } else {
      throw new ProtocolError(ProtocolErrorCode.invalidTag, `unknown operation kind ${kind}`);
    }
  }
  return ops;
}
