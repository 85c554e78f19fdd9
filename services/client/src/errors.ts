import { status } from '@grpc/grpc-js';
import { CodedError } from '../../protocol/src/errors.js';
import { KeyFileErrorCode } from '../../common/src/keyFile.js';
import { codeOf } from '../../rpc/src/index.js';

/**
 * Why the wallet CLI failed. Codes are API (the `--json` error object, scripts): never rename one.
 * Each maps to one exit code in EXIT_CODES, the one table (CONVENTIONS 4).
 */
export const ClientErrorCode = {
  /** A flag, argument or command the CLI does not understand, or a value of the wrong form. */
  usage: 'USAGE',
  /** Not a 20-byte hex address. */
  invalidAddress: 'INVALID_ADDRESS',
  /** Not a decimal integer in (0, 2^128). */
  invalidAmount: 'INVALID_AMOUNT',
  /** .devnet/endpoints.json exists but is not what the devnet writes. */
  invalidConfig: 'INVALID_CONFIG',
  /** No key file was named and none was found in the keys directory. */
  noKey: 'NO_KEY',
  /** The node did not answer: down, wrong address, or too slow (gRPC UNAVAILABLE, DEADLINE_EXCEEDED). */
  nodeUnreachable: 'NODE_UNREACHABLE',
  /** The node answered with an error the CLI has no better name for. */
  nodeError: 'NODE_ERROR',
  /** The node is overloaded (gRPC RESOURCE_EXHAUSTED): retry later. */
  nodeBusy: 'NODE_BUSY',
  /** No such block, or a transaction the node has never seen. */
  notFound: 'NOT_FOUND',
  /** The sender cannot pay amount + fee: found before sending, or the committed outcome. */
  insufficientBalance: 'INSUFFICIENT_BALANCE',
  /** The node refused the transaction (its code is in meta.nodeCode). */
  txRejected: 'TX_REJECTED',
  /** The transaction committed with an outcome other than SUCCESS (e.g. BAD_NONCE). */
  txFailed: 'TX_FAILED',
  /** `--wait` gave up: no commit within 10 slots. */
  timeout: 'TIMEOUT',
  /** `bench --verify` found a transaction or a balance the model did not expect. */
  verifyFailed: 'VERIFY_FAILED',
  /** A bug of ours. */
  internal: 'INTERNAL',
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export class ClientError extends CodedError<ClientErrorCode | KeyFileErrorCode> {}

/** The exit code of every error code: the one table. 0 is success; nothing else maps to 0. */
export const EXIT_CODES: Readonly<Record<ClientErrorCode | KeyFileErrorCode, number>> = {
  INTERNAL: 1,
  USAGE: 2,
  INVALID_ADDRESS: 2,
  INVALID_AMOUNT: 2,
  INVALID_CONFIG: 2,
  KEY_FILE_MISSING: 3,
  KEY_FILE_MALFORMED: 3,
  KEY_FILE_EXISTS: 3,
  NO_KEY: 3,
  NODE_UNREACHABLE: 4,
  NOT_FOUND: 5,
  INSUFFICIENT_BALANCE: 6,
  TX_REJECTED: 7,
  TX_FAILED: 8,
  TIMEOUT: 9,
  NODE_BUSY: 10,
  NODE_ERROR: 11,
  VERIFY_FAILED: 12,
};

const KEY_FILE_CODES: ReadonlySet<string> = new Set(Object.values(KeyFileErrorCode));

/** Any thrown value as a ClientError: ours pass through, key-file errors keep their code, the rest is INTERNAL. */
export function toClientError(err: unknown): ClientError {
  if (err instanceof ClientError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof CodedError && typeof code === 'string' && KEY_FILE_CODES.has(code)) return new ClientError(code as KeyFileErrorCode, err.message, { cause: err });
  const message = err instanceof Error ? err.message : String(err);
  return new ClientError(ClientErrorCode.internal, `unexpected error: ${message}`, { cause: err });
}

export function exitCodeOf(err: unknown): number {
  return EXIT_CODES[toClientError(err).code];
}

/** Whether `err` is a gRPC error (a numeric status code). */
function grpcStatusOf(err: unknown): status | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? (code as status) : undefined;
}

function detailsOf(err: unknown): string {
  const details = (err as { details?: unknown }).details;
  return typeof details === 'string' && details !== '' ? details : (err as Error).message;
}

/**
 * A failed call to the node at `endpoint`, named for a person: an unreachable node names the
 * endpoint and where it came from, a refusal carries the node's own code (`clusterchain-code`).
 * `what` says what was being done ("reading the account").
 */
export function nodeCallError(err: unknown, endpoint: string, what: string): ClientError {
  if (err instanceof ClientError) return err;
  const grpc = grpcStatusOf(err);
  if (grpc === undefined) return toClientError(err);
  const nodeCode = codeOf(err);
  const meta = { endpoint, grpcStatus: status[grpc], ...(nodeCode === undefined ? {} : { nodeCode }) };
  switch (grpc) {
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
      return new ClientError(
        ClientErrorCode.nodeUnreachable,
        `cannot reach the node at ${endpoint} while ${what} (${status[grpc]}: ${detailsOf(err)}); is it running? Choose another with --node HOST:PORT or CLUSTERCHAIN_NODE`,
        { meta, cause: err },
      );
    case status.NOT_FOUND:
      return new ClientError(ClientErrorCode.notFound, `${detailsOf(err)} (node ${endpoint})`, { meta, cause: err });
    case status.RESOURCE_EXHAUSTED:
      return new ClientError(ClientErrorCode.nodeBusy, `the node at ${endpoint} is overloaded (${nodeCode ?? 'RESOURCE_EXHAUSTED'}: ${detailsOf(err)}); retry in a few seconds`, { meta, cause: err });
    default:
      return new ClientError(ClientErrorCode.nodeError, `the node at ${endpoint} failed while ${what}: ${nodeCode ?? status[grpc]}: ${detailsOf(err)}`, { meta, cause: err });
  }
}

/**
 * A refused submission: transport failures stay what nodeCallError says (unreachable, busy); any
 * other answer is the node refusing this transaction, with its code shown.
 */
export function submitError(err: unknown, endpoint: string): ClientError {
  const e = nodeCallError(err, endpoint, 'submitting the transaction');
  if (e.code !== ClientErrorCode.nodeError && e.code !== ClientErrorCode.notFound) return e;
  const nodeCode = (e.meta['nodeCode'] as string | undefined) ?? (e.meta['grpcStatus'] as string);
  return new ClientError(ClientErrorCode.txRejected, `the node at ${endpoint} rejected the transaction: ${nodeCode}: ${detailsOf(err)}`, { meta: { ...e.meta, nodeCode }, cause: err });
}
