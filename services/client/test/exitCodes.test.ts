import { Metadata, status } from '@grpc/grpc-js';
import { KeyFileError, KeyFileErrorCode } from '../../common/src/keyFile.js';
import { CODE_METADATA_KEY } from '../../rpc/src/index.js';
import { ClientError, ClientErrorCode, EXIT_CODES, exitCodeOf, nodeCallError, submitError } from '../src/errors.js';

function grpcError(code: status, nodeCode?: string): Error {
  const metadata = new Metadata();
  if (nodeCode !== undefined) metadata.set(CODE_METADATA_KEY, nodeCode);
  return Object.assign(new Error(`${code} details`), { code, details: 'details', metadata });
}

describe('exit codes', () => {
  it('when any error code is mapped, then its exit code is non-zero, and each exit code names one kind of failure', () => {
    const codes = [...Object.values(ClientErrorCode), ...Object.values(KeyFileErrorCode)];
    expect(Object.keys(EXIT_CODES).sort()).toEqual([...codes].sort());
    for (const code of codes) expect(EXIT_CODES[code]).toBeGreaterThan(0);
    expect(EXIT_CODES).toMatchObject({
      INTERNAL: 1,
      USAGE: 2,
      INVALID_ADDRESS: 2,
      INVALID_AMOUNT: 2,
      KEY_FILE_MISSING: 3,
      NODE_UNREACHABLE: 4,
      NOT_FOUND: 5,
      INSUFFICIENT_BALANCE: 6,
      TX_REJECTED: 7,
      TX_FAILED: 8,
      TIMEOUT: 9,
      NODE_BUSY: 10,
      NODE_ERROR: 11,
      VERIFY_FAILED: 12,
    });
  });

  it.each([
    ['a key file error keeps its code', new KeyFileError(KeyFileErrorCode.missing, 'x'), 3],
    ['a plain Error is a bug', new Error('boom'), 1],
    ['a thrown string is a bug', 'boom', 1],
    ['a ClientError keeps its code', new ClientError(ClientErrorCode.timeout, 'x'), 9],
  ])('when %s, then the exit code is %s', (_what, err, exit) => {
    expect(exitCodeOf(err)).toBe(exit);
  });

  it.each([
    [status.UNAVAILABLE, undefined, ClientErrorCode.nodeUnreachable],
    [status.DEADLINE_EXCEEDED, undefined, ClientErrorCode.nodeUnreachable],
    [status.NOT_FOUND, 'NOT_FOUND', ClientErrorCode.notFound],
    [status.RESOURCE_EXHAUSTED, 'OVERLOADED', ClientErrorCode.nodeBusy],
    [status.INVALID_ARGUMENT, 'MALFORMED', ClientErrorCode.nodeError],
    [status.INTERNAL, undefined, ClientErrorCode.nodeError],
  ])('when a query fails with gRPC %s (%s), then it is %s and names the endpoint', (code, nodeCode, expected) => {
    const e = nodeCallError(grpcError(code, nodeCode), '10.0.0.1:7100', 'reading');
    expect(e.code).toBe(expected);
    expect(e.message).toContain('10.0.0.1:7100');
  });

  it.each([
    [status.INVALID_ARGUMENT, 'BAD_SIGNATURE', ClientErrorCode.txRejected],
    [status.ALREADY_EXISTS, 'DUPLICATE', ClientErrorCode.txRejected],
    [status.UNAVAILABLE, undefined, ClientErrorCode.nodeUnreachable],
    [status.RESOURCE_EXHAUSTED, 'OVERLOADED', ClientErrorCode.nodeBusy],
  ])('when a submission fails with gRPC %s (%s), then it is %s and shows the node code', (code, nodeCode, expected) => {
    const e = submitError(grpcError(code, nodeCode), '10.0.0.1:7200');
    expect(e.code).toBe(expected);
    if (expected === ClientErrorCode.txRejected) {
      expect(e.meta['nodeCode']).toBe(nodeCode);
      expect(e.message).toContain(nodeCode);
    }
  });
});
