import { ByteReader } from '../../../protocol/src/codec/reader.js';
import { ByteWriter } from '../../../protocol/src/codec/writer.js';
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

export class OperationLogWriter {
  private readonly w = new ByteWriter(1 << 16);
  private count_ = 0;

  constructor() {
    this.w.u8(OPLOG_VERSION);
  }

  get count(): number {
    return this.count_;
  }

  withdraw(txIndex: number, account: string, seq: number, amount: bigint, fee: bigint, status: TxStatus): void {
    this.w.u8(OperationKind.withdraw).varint(txIndex);
    this.key(account);
    this.w.varint(seq).varint(amount).varint(fee).u8(status);
    this.count_++;
  }

  deposit(txIndex: number, account: string, seq: number, amount: bigint): void {
    this.w.u8(OperationKind.deposit).varint(txIndex);
    this.key(account);
    this.w.varint(seq).varint(amount);
    this.count_++;
  }

  reward(account: string, seq: number, amount: bigint): void {
    this.w.u8(OperationKind.reward);
    this.key(account);
    this.w.varint(seq).varint(amount);
    this.count_++;
  }

  private key(account: string): void {
    for (let i = 0; i < ADDRESS_LENGTH; i++) this.w.u8(account.charCodeAt(i));
  }

  finish(): Uint8Array {
    return this.w.finish();
  }
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
