import { parseAddress } from '../../protocol/src/address.js';
import { U128_MAX, U64_MAX } from '../../protocol/src/codec/varint.js';
import type { Address } from '../../protocol/src/types.js';
import { ClientError, ClientErrorCode } from './errors.js';

/** Checks of what a person types, each failing with a coded error that says what was expected. */

/** A 20-byte address in hex, with or without 0x. */
export function parseAddressArg(text: string | undefined, what = 'address'): Address {
  if (text === undefined || text === '') throw new ClientError(ClientErrorCode.usage, `missing ${what}: a 20-byte hex address (40 hex digits, 0x optional)`);
  try {
    return parseAddress(text.trim());
  } catch (err) {
    throw new ClientError(ClientErrorCode.invalidAddress, `unknown address format for ${what}: "${text.slice(0, 80)}"; expected 40 hex digits (20 bytes), 0x optional`, { cause: err });
  }
}

/**
 * An amount in the smallest unit: a decimal integer (underscores between digits allowed, as in
 * 1_000_000) in [1, 2^128 − 1]. Zero is refused: a transfer of nothing still pays the fee.
 */
export function parseAmount(text: string | undefined): bigint {
  if (text === undefined || text === '') throw new ClientError(ClientErrorCode.usage, 'missing --amount: a positive integer in the smallest unit');
  const clean = text.trim();
  if (!/^[0-9]+(_[0-9]+)*$/.test(clean)) {
    throw new ClientError(ClientErrorCode.invalidAmount, `amount "${text.slice(0, 80)}" is not a positive decimal integer in the smallest unit (no sign, decimals or exponent)`);
  }
  const value = BigInt(clean.replaceAll('_', ''));
  if (value === 0n) throw new ClientError(ClientErrorCode.invalidAmount, 'amount must be at least 1: a transfer of 0 would only pay the fee');
  if (value > U128_MAX) throw new ClientError(ClientErrorCode.invalidAmount, `amount ${clean} is out of range: the largest is 2^128 − 1 = ${U128_MAX}`);
  return value;
}

/** A u64 such as a nonce or a block height. */
export function parseU64(text: string | undefined, what: string): bigint {
  if (text === undefined || !/^[0-9]+$/.test(text.trim())) throw new ClientError(ClientErrorCode.usage, `${what} must be a non-negative integer, got "${String(text).slice(0, 80)}"`);
  const value = BigInt(text.trim());
  if (value > U64_MAX) throw new ClientError(ClientErrorCode.usage, `${what} ${text} is out of range: the largest is 2^64 − 1`);
  return value;
}

/** A positive integer flag (counts, rates); `max` bounds what makes sense. */
export function parsePositiveInt(text: string | undefined, what: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = text === undefined ? NaN : Number(text.trim());
  if (!Number.isSafeInteger(n) || n < 1 || n > max || !/^[0-9]+$/.test(String(text).trim())) {
    throw new ClientError(ClientErrorCode.usage, `${what} must be an integer in [1, ${max}], got "${String(text).slice(0, 80)}"`);
  }
  return n;
}

/** A positive number of seconds (fractions allowed). */
export function parseSeconds(text: string | undefined, what: string): number {
  const n = text === undefined ? NaN : Number(text.trim());
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new ClientError(ClientErrorCode.usage, `${what} must be a number of seconds in (0, 86400], got "${String(text).slice(0, 80)}"`);
  return n;
}

/** host:port, [v6]:port; the port in [1, 65535]. */
export function parseEndpoint(text: string | undefined, what = '--node'): string {
  const m = text === undefined ? null : /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):([0-9]{1,5})$/.exec(text.trim());
  const port = m === null ? NaN : Number(m[2]);
  if (m === null || port < 1 || port > 65_535) throw new ClientError(ClientErrorCode.usage, `${what} must be HOST:PORT (e.g. 127.0.0.1:7100), got "${String(text).slice(0, 80)}"`);
  return text!.trim();
}

/** A block reference: a height or "latest". */
export function parseBlockRef(text: string | undefined): bigint | 'latest' {
  if (text === undefined) throw new ClientError(ClientErrorCode.usage, 'missing block: a height or "latest"');
  if (text === 'latest') return 'latest';
  return parseU64(text, 'block height');
}

/** A transaction id: 32 bytes in hex. */
export function parseTxId(text: string | undefined): Uint8Array {
  const clean = text?.trim().replace(/^0x/, '');
  if (clean === undefined || !/^[0-9a-fA-F]{64}$/.test(clean)) {
    throw new ClientError(ClientErrorCode.usage, `a transaction id is 64 hex digits (32 bytes), got "${String(text).slice(0, 80)}"`);
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** A key name for `keys new --name`: becomes a file name, so no paths. */
export function parseKeyName(text: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(text)) {
    throw new ClientError(ClientErrorCode.usage, `key name "${text.slice(0, 80)}" must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return text.endsWith('.key') ? text.slice(0, -4) : text;
}
