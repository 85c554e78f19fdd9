import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { HASH_LENGTH } from '../hash.js';
import { ACCOUNT_VERSION } from '../params.js';
import type { AccountState } from '../types.js';
import { ByteReader } from './reader.js';
import { U128_MAX, U64_MAX } from './varint.js';
import { ByteWriter } from './writer.js';

/** Account state, version 1: version u8 | nonce varint u64 | balance varint u128 | code_hash [32] | storage_root [32]. */
export function encodeAccount(account: AccountState): Uint8Array {
  const w = new ByteWriter(96);
  writeAccount(w, account);
  return w.finish();
}

export function writeAccount(w: ByteWriter, a: AccountState): void {
  if (a.nonce < 0n || a.nonce > U64_MAX) throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `nonce out of range: ${a.nonce}`);
  if (a.balance < 0n || a.balance > U128_MAX) throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `balance out of range: ${a.balance}`);
  w.u8(ACCOUNT_VERSION)
    .varint(a.nonce)
    .varint(a.balance)
    .fixed(a.codeHash, HASH_LENGTH, 'code_hash')
    .fixed(a.storageRoot, HASH_LENGTH, 'storage_root');
}

export function decodeAccount(bytes: Uint8Array): AccountState {
  const r = new ByteReader(bytes);
  r.version(ACCOUNT_VERSION, 'account');
  const nonce = r.varint(64, 'nonce');
  const balance = r.varint(128, 'balance');
  const codeHash = r.fixed(HASH_LENGTH, 'code_hash').slice();
  const storageRoot = r.fixed(HASH_LENGTH, 'storage_root').slice();
  r.end('account');
  return { nonce, balance, codeHash, storageRoot };
}
