import { status } from '@grpc/grpc-js';
import { CodedError } from '../../protocol/src/errors.js';

/**
 * Why a reception node refused a request. Codes are API (the `clusterchain-code` gRPC trailer,
 * `Rejection.code` in stream results, metric labels): never rename one.
 */
export const ReceptionErrorCode = {
  /** This RN is in no roster epoch yet (or was removed): it takes no traffic. */
  notInRoster: 'NOT_IN_ROSTER',
  /** Longer than any valid transaction can be; refused before decoding. */
  oversize: 'OVERSIZE',
  /** Bytes that do not decode as one canonical transaction. */
  malformed: 'MALFORMED',
  /** The signature does not verify under the transaction's pubkey. */
  badSignature: 'BAD_SIGNATURE',
  /** The sender submits faster than its token bucket allows. */
  rateLimited: 'RATE_LIMITED',
  /** The buffer is full of transactions paying at least as much. */
  mempoolFull: 'MEMPOOL_FULL',
  /** A stream carried more requests than one stream may. */
  streamTooLong: 'STREAM_TOO_LONG',
  /** A SubmitTxBatches batch carried more transactions than one batch may: split it. */
  batchTooLarge: 'BATCH_TOO_LARGE',
  /** ForwardTx reached an RN that is not RN_k under either side's epoch. */
  wrongRoute: 'WRONG_ROUTE',
  /** The two RNs disagree on the roster epoch and this one is behind: retry shortly. */
  rosterMismatch: 'ROSTER_MISMATCH',
  /** CoSign for an epoch this RN does not keep. */
  unknownEpoch: 'UNKNOWN_EPOCH',
  /** CoSign for a batch whose hash does not draw this RN: we do not verify for strangers. */
  notInCommittee: 'NOT_IN_COMMITTEE',
  /** Neither RN_k nor the logic node could be reached. */
  upstreamUnavailable: 'UPSTREAM_UNAVAILABLE',
  /** The node is shutting down. */
  stopping: 'STOPPING',
  /**
   * The operator asked this RN to drain before it is replaced (DESIGN §11): it takes no new
   * client transactions. Another RN of the cluster takes them; retry there.
   */
  draining: 'DRAINING',
  /** An admin request reached an RN started without `--admin-pubkey`. */
  adminDisabled: 'ADMIN_DISABLED',
  /** An admin request made too long ago (or too far ahead) by this RN's clock: a replay, or a skewed clock. */
  staleRequest: 'STALE_REQUEST',
  invalidConfig: 'INVALID_CONFIG',
} as const;
export type ReceptionErrorCode = (typeof ReceptionErrorCode)[keyof typeof ReceptionErrorCode];

export class ReceptionError extends CodedError<ReceptionErrorCode> {}

/** The gRPC status of each of our codes: the one table (CONVENTIONS 4). */
export const RECEPTION_STATUS: Readonly<Record<ReceptionErrorCode, status>> = {
  NOT_IN_ROSTER: status.UNAVAILABLE,
  OVERSIZE: status.INVALID_ARGUMENT,
  MALFORMED: status.INVALID_ARGUMENT,
  BAD_SIGNATURE: status.INVALID_ARGUMENT,
  RATE_LIMITED: status.RESOURCE_EXHAUSTED,
  MEMPOOL_FULL: status.RESOURCE_EXHAUSTED,
  STREAM_TOO_LONG: status.RESOURCE_EXHAUSTED,
  BATCH_TOO_LARGE: status.INVALID_ARGUMENT,
  WRONG_ROUTE: status.FAILED_PRECONDITION,
  ROSTER_MISMATCH: status.UNAVAILABLE,
  UNKNOWN_EPOCH: status.FAILED_PRECONDITION,
  NOT_IN_COMMITTEE: status.PERMISSION_DENIED,
  UPSTREAM_UNAVAILABLE: status.UNAVAILABLE,
  STOPPING: status.UNAVAILABLE,
  DRAINING: status.UNAVAILABLE,
  // The admin codes travel over the ops HTTP port (admin/drainEndpoint.ts has their HTTP
  // statuses); these are what they would be over gRPC.
  ADMIN_DISABLED: status.PERMISSION_DENIED,
  STALE_REQUEST: status.UNAUTHENTICATED,
  INVALID_CONFIG: status.INTERNAL,
};

export function isReceptionCode(code: unknown): code is ReceptionErrorCode {
  return typeof code === 'string' && code in RECEPTION_STATUS;
}

/**
 * A refusal that came from another node (RN_k or the logic node) and is passed on to our client
 * as it came: its gRPC status and its code (e.g. the LN's BAD_SIGNATURE, OVERLOADED).
 */
export class UpstreamRejection extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly grpcStatus: status,
    /** Who refused: RN_k counts its own refusals, the logic node's are counted here. */
    readonly origin: 'rn' | 'ln',
  ) {
    super(message);
    this.name = 'UpstreamRejection';
  }
}
