/**
 * The one place where our coded errors (CodedError, CONVENTIONS 4) become gRPC statuses and back.
 *
 * grpc-js only understands numeric status codes: a CodedError handed to a callback as it is would
 * arrive as UNKNOWN and its string code would be lost. So the server side turns it into a
 * ServiceError whose numeric code is the gRPC status and whose *trailing metadata* carries our
 * string code under `clusterchain-code`; the client side reads it back with `codeOf`. Trailing
 * metadata, because that is what grpc-js sends with a status (and surfaces as `err.metadata`).
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ProtocolErrorCode } from '../../protocol/src/errors.js';

/** The trailing-metadata key carrying our coded error's `code`. Part of the API: never renamed. */
export const CODE_METADATA_KEY = 'clusterchain-code';

/**
 * The gRPC status each known code maps to when a handler does not say. Every code from the
 * protocol core means "the bytes you sent are not a valid value", i.e. the caller's fault.
 * Services add their own codes here (e.g. a full mempool -> RESOURCE_EXHAUSTED), so that the
 * mapping stays in one table.
 */
export const statusByCode: ReadonlyMap<string, status> = new Map<string, status>([
  [ProtocolErrorCode.truncated, status.INVALID_ARGUMENT],
  [ProtocolErrorCode.trailingBytes, status.INVALID_ARGUMENT],
  [ProtocolErrorCode.nonMinimalInteger, status.INVALID_ARGUMENT],
  [ProtocolErrorCode.integerOutOfRange, status.INVALID_ARGUMENT],
  [ProtocolErrorCode.oversize, status.INVALID_ARGUMENT],
  [ProtocolErrorCode.unknownVersion, status.INVALID_ARGUMENT],
  [ProtocolErrorCode.invalidTag, status.INVALID_ARGUMENT],
  [ProtocolErrorCode.invalidField, status.INVALID_ARGUMENT],
  [ProtocolErrorCode.invalidKey, status.INVALID_ARGUMENT],
  [ProtocolErrorCode.invalidArgument, status.INVALID_ARGUMENT],
  // The node cannot verify signatures at full speed: its fault, and another node may serve.
  [ProtocolErrorCode.nativeUnavailable, status.UNAVAILABLE],
]);

/** The gRPC status for a coded error's code; INTERNAL for a code nobody mapped. */
export function statusOf(code: string): status {
  return statusByCode.get(code) ?? status.INTERNAL;
}

/**
 * A ServiceError for a grpc-js callback (or to throw from a handler) that arrives at the client
 * as `grpcCode` with `message` as details and `code` readable by `codeOf`.
 */
export function toServiceError(code: string, message: string, grpcCode: status = statusOf(code)): ServiceError {
  const metadata = new Metadata();
  metadata.set(CODE_METADATA_KEY, code);
  return Object.assign(new Error(message), { code: grpcCode, details: message, metadata });
}

/**
 * Whatever a handler caught, as a ServiceError: one built by `toServiceError` passes through; a
 * coded error keeps its code and message; anything else is a bug of ours and becomes a bare
 * INTERNAL, so that its message (paths, internals) does not reach the caller. The handler logs
 * the original.
 */
export function serviceErrorOf(err: unknown): ServiceError {
  if (isServiceError(err)) return err;
  if (isCoded(err)) return toServiceError(err.code, err.message);
  const details = 'internal error';
  return Object.assign(new Error(details), { code: status.INTERNAL, details, metadata: new Metadata() });
}

/** The coded error's code a gRPC error carries, or undefined when it carries none. */
export function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const metadata = (err as { metadata?: unknown }).metadata;
  if (!(metadata instanceof Metadata)) return undefined;
  const [value] = metadata.get(CODE_METADATA_KEY);
  return typeof value === 'string' ? value : undefined;
}

function isServiceError(err: unknown): err is ServiceError {
  return (
    err instanceof Error &&
    Number.isInteger((err as { code?: unknown }).code) &&
    (err as { metadata?: unknown }).metadata instanceof Metadata
  );
}

function isCoded(err: unknown): err is { code: string; message: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}
