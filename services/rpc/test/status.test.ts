import { Metadata, status } from '@grpc/grpc-js';
import { ProtocolError, ProtocolErrorCode } from '../../protocol/src/errors.js';
import { CODE_METADATA_KEY, codeOf, serviceErrorOf, statusOf, toServiceError } from '../src/status.js';

describe('toServiceError', () => {
  const cases: Array<[code: string, message: string, grpcCode: status]> = [
    ['TRUNCATED', 'transaction ends at byte 12', status.INVALID_ARGUMENT],
    ['BAD_NONCE', 'nonce 7, expected 8', status.FAILED_PRECONDITION],
    ['MEMPOOL_FULL', 'mempool holds 100000 transactions', status.RESOURCE_EXHAUSTED],
    ['NOT_FOUND', 'no block at height 18446744073709551615', status.NOT_FOUND],
    ['NATIVE_UNAVAILABLE', 'message with ünïcode and "quotes"', status.UNAVAILABLE],
  ];

  it.each(cases)(
    'when built from code %s, then it carries that code in trailing metadata, the message as details and the given status',
    (code, message, grpcCode) => {
      const err = toServiceError(code, message, grpcCode);
      expect(err).toBeInstanceOf(Error);
      expect(err.code).toBe(grpcCode);
      expect(err.details).toBe(message);
      expect(err.message).toBe(message);
      expect(err.metadata?.get(CODE_METADATA_KEY)).toEqual([code]);
      expect(codeOf(err)).toBe(code);
    },
  );

  it('when no status is given, then the status comes from the code table', () => {
    expect(toServiceError(ProtocolErrorCode.invalidTag, 'tag 9').code).toBe(status.INVALID_ARGUMENT);
    expect(toServiceError('SOMETHING_UNMAPPED', 'x').code).toBe(status.INTERNAL);
  });
});

describe('statusOf', () => {
  const cases: Array<[code: string, expected: status]> = [
    ...Object.values(ProtocolErrorCode)
      .filter((code) => code !== ProtocolErrorCode.nativeUnavailable)
      .map((code): [string, status] => [code, status.INVALID_ARGUMENT]),
    [ProtocolErrorCode.nativeUnavailable, status.UNAVAILABLE],
    ['NOT_A_KNOWN_CODE', status.INTERNAL],
  ];

  it.each(cases)('when the code is %s, then the status is %i', (code, expected) => {
    expect(statusOf(code)).toBe(expected);
  });
});

describe('serviceErrorOf', () => {
  it('when given a coded error, then its code and message survive and its status comes from the table', () => {
    const err = serviceErrorOf(new ProtocolError(ProtocolErrorCode.truncated, 'ends early'));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toBe('ends early');
    expect(codeOf(err)).toBe(ProtocolErrorCode.truncated);
  });

  it('when given a ServiceError already built, then it passes through unchanged', () => {
    const built = toServiceError('MEMPOOL_FULL', 'full', status.RESOURCE_EXHAUSTED);
    expect(serviceErrorOf(built)).toBe(built);
  });

  it('when given anything else, then it is a bare INTERNAL that does not leak the message', () => {
    for (const thrown of [new Error('/var/lib/secret path'), 'a string', undefined, { code: 5 }]) {
      const err = serviceErrorOf(thrown);
      expect(err.code).toBe(status.INTERNAL);
      expect(err.details).toBe('internal error');
      expect(codeOf(err)).toBeUndefined();
    }
  });
});

describe('codeOf', () => {
  const withMetadata = (entries: Array<[string, string]>): { metadata: Metadata } => {
    const metadata = new Metadata();
    for (const [key, value] of entries) metadata.add(key, value);
    return { metadata };
  };
  const cases: Array<[label: string, err: unknown, expected: string | undefined]> = [
    ['null', null, undefined],
    ['undefined', undefined, undefined],
    ['a string', 'TRUNCATED', undefined],
    ['an error without metadata', new Error('x'), undefined],
    ['metadata that is not a Metadata', { metadata: { [CODE_METADATA_KEY]: 'X' } }, undefined],
    ['metadata without the key', withMetadata([['other', 'X']]), undefined],
    ['metadata with the key', withMetadata([[CODE_METADATA_KEY, 'BAD_NONCE']]), 'BAD_NONCE'],
    ['metadata with the key twice', withMetadata([[CODE_METADATA_KEY, 'FIRST'], [CODE_METADATA_KEY, 'SECOND']]), 'FIRST'],
  ];

  it.each(cases)('when given %s, then it reads %p', (_label, err, expected) => {
    expect(codeOf(err)).toBe(expected);
  });
});
