import { CodedError } from '../../../protocol/src/errors.js';

/** Why the logic node refused a request. Codes are API (gRPC trailers, CLI exit codes): never rename one. */
export const NodeErrorCode = {
  /** Bytes that do not decode as what the method takes. */
  malformed: 'MALFORMED',
  /** A transaction whose signature does not verify; or an admin request not signed by the operator key. */
  badSignature: 'BAD_SIGNATURE',
  /** The package was dropped whole (its PackageDropCode is in meta.reason). */
  packageDropped: 'PACKAGE_DROPPED',
  /** Too much is pending: back off and retry. */
  overloaded: 'OVERLOADED',
  /** The transaction is already pending or committed. */
  duplicate: 'DUPLICATE',
  notFound: 'NOT_FOUND',
  invalidConfig: 'INVALID_CONFIG',
  /** The node is shutting down. */
  stopping: 'STOPPING',
  /** An admin request (ChangeRoster) reached a node started without `--admin-pubkey`. */
  adminDisabled: 'ADMIN_DISABLED',
  /** A roster change for another leader than this node. */
  notLeader: 'NOT_LEADER',
  /** A roster change expected another epoch than the current one (compare-and-swap); meta.currentEpoch says which. */
  epochMismatch: 'EPOCH_MISMATCH',
  /** A roster change would re-admit an excluded key: exclusions are for good. */
  excludedMember: 'EXCLUDED_MEMBER',
} as const;
export type NodeErrorCode = (typeof NodeErrorCode)[keyof typeof NodeErrorCode];

export class NodeError extends CodedError<NodeErrorCode> {}
