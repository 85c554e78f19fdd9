import { U128_MAX } from '../../protocol/src/codec/varint.js';
import { ClientError, ClientErrorCode } from '../src/errors.js';
import { parseAddressArg, parseAmount, parseBlockRef, parseEndpoint, parseKeyName, parsePositiveInt, parseTxId } from '../src/parse.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ClientError);
    return (err as ClientError).code;
  }
}

describe('argument validation', () => {
  const ADDRESS = 'ab'.repeat(20);

  it.each([
    ['40 hex digits', ADDRESS, undefined],
    ['0x-prefixed', `0x${ADDRESS}`, undefined],
    ['upper case', ADDRESS.toUpperCase(), undefined],
    ['39 digits', ADDRESS.slice(1), ClientErrorCode.invalidAddress],
    ['42 digits', `${ADDRESS}00`, ClientErrorCode.invalidAddress],
    ['a non-hex digit', `${ADDRESS.slice(1)}g`, ClientErrorCode.invalidAddress],
    ['a public key (33 bytes)', `02${'ab'.repeat(32)}`, ClientErrorCode.invalidAddress],
    ['nothing', '', ClientErrorCode.usage],
  ])('when an address is %s, then it is %s', (_what, text, code) => {
    expect(codeOf(() => parseAddressArg(text))).toBe(code);
  });

  it.each([
    ['1', 1n],
    ['1000', 1000n],
    ['1_000_000', 1_000_000n],
    [U128_MAX.toString(), U128_MAX],
  ])('when the amount is %s, then it parses to %s', (text, value) => {
    expect(parseAmount(text)).toBe(value);
  });

  it.each([
    ['0', 'zero'],
    ['-5', 'negative'],
    ['1.5', 'a fraction'],
    ['1e6', 'an exponent'],
    ['0x10', 'hex'],
    ['10_', 'a trailing underscore'],
    [(U128_MAX + 1n).toString(), '2^128 (out of u128)'],
    ['9'.repeat(60), 'far out of u128'],
    ['ten', 'a word'],
  ])('when the amount is %s (%s), then it is INVALID_AMOUNT', (text) => {
    expect(codeOf(() => parseAmount(text))).toBe(ClientErrorCode.invalidAmount);
  });

  it('when the amount is missing, then it is a USAGE error', () => {
    expect(codeOf(() => parseAmount(undefined))).toBe(ClientErrorCode.usage);
  });

  it.each([
    ['127.0.0.1:7100', true],
    ['localhost:1', true],
    ['[::1]:7100', true],
    ['node-0.example.org:65535', true],
    ['127.0.0.1', false],
    ['127.0.0.1:0', false],
    ['127.0.0.1:65536', false],
    ['http://127.0.0.1:7100', false],
    ['', false],
  ])('when --node is "%s", then valid is %s', (text, ok) => {
    expect(codeOf(() => parseEndpoint(text))).toBe(ok ? undefined : ClientErrorCode.usage);
  });

  it.each([
    ['latest', 'latest'],
    ['0', 0n],
    ['18446744073709551615', 18446744073709551615n],
  ])('when the block is %s, then it parses', (text, value) => {
    expect(parseBlockRef(text)).toBe(value);
  });

  it.each([['-1'], ['18446744073709551616'], ['head'], ['1.0']])('when the block is %s, then it is a USAGE error', (text) => {
    expect(codeOf(() => parseBlockRef(text))).toBe(ClientErrorCode.usage);
  });

  it('when a transaction id is not 64 hex digits, then it is a USAGE error; with 0x it parses', () => {
    expect(codeOf(() => parseTxId('ab'))).toBe(ClientErrorCode.usage);
    expect(parseTxId(`0x${'cd'.repeat(32)}`)).toHaveLength(32);
  });

  it.each([
    ['alice', 'alice'],
    ['alice.key', 'alice'],
    ['../etc', undefined],
    ['a/b', undefined],
    ['', undefined],
  ])('when a key is named "%s", then its name is %s', (text, name) => {
    if (name === undefined) expect(codeOf(() => parseKeyName(text))).toBe(ClientErrorCode.usage);
    else expect(parseKeyName(text)).toBe(name);
  });

  it.each([['0'], ['-1'], ['1.5'], ['abc'], ['1001']])('when a count is %s (max 1000), then it is a USAGE error', (text) => {
    expect(codeOf(() => parsePositiveInt(text, '--count', 1000))).toBe(ClientErrorCode.usage);
  });
});
