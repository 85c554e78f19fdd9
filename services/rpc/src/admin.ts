/**
 * The operator's side of the admin endpoints of a relay handoff (DESIGN §11): ChangeRoster on the
 * cluster's LN leader (gRPC) and the drain endpoint on an RN's ops HTTP port. Requests are signed
 * beforehand with services/protocol/src/reception/admin.ts; every failure is an AdminClientError
 * whose `code` is the node's own refusal code (EPOCH_MISMATCH, BAD_SIGNATURE, STALE_REQUEST, ...)
 * or one of AdminClientErrorCode when no node answered.
 */
import { status } from '@grpc/grpc-js';
import { toHex } from '../../protocol/src/bytes.js';
import { CodedError } from '../../protocol/src/errors.js';
import type { RosterChange } from '../../protocol/src/reception/admin.js';
import type { LogicClient } from './gen/clusterchain/v1/logic.js';
import { codeOf } from './status.js';
import { unary } from './unary.js';

/** Deadline of one admin call: each is one small request, answered at once. */
export const ADMIN_TIMEOUT_MS = 5_000;

/** Trailer of an EPOCH_MISMATCH refusal of ChangeRoster: the roster epoch now current, in decimal. */
export const CURRENT_EPOCH_METADATA_KEY = 'clusterchain-current-epoch';

/** Why an admin call failed when the node gave no code of its own. */
export const AdminClientErrorCode = {
  /** No answer within the deadline. */
  timeout: 'TIMEOUT',
  /** The node could not be reached (refused, reset, unknown host). */
  unreachable: 'UNREACHABLE',
  /** The node answered something that is not the endpoint's answer. */
  badAnswer: 'BAD_ANSWER',
} as const;

export interface AdminClientErrorMeta {
  /** gRPC status of a ChangeRoster refusal. */
  grpcStatus?: number;
  /** HTTP status of a drain endpoint refusal. */
  httpStatus?: number;
  /** With EPOCH_MISMATCH: the epoch the leader holds now. */
  currentEpoch?: bigint;
}

/** `code`: the node's refusal code, or an AdminClientErrorCode; `meta`: the statuses and, on EPOCH_MISMATCH, `currentEpoch`. */
export class AdminClientError extends CodedError<string> {
  declare readonly meta: Readonly<AdminClientErrorMeta>;
}

export interface ChangeRosterResult {
  /** The epoch current after the call. */
  epoch: bigint;
  /** True when this call published `epoch`; false when the roster already was as asked. */
  changed: boolean;
}

/** Asks the LN leader (`client`) to apply a roster change signed by the operator key. */
export async function changeRoster(client: LogicClient, change: RosterChange, signature: Uint8Array, timeoutMs = ADMIN_TIMEOUT_MS): Promise<ChangeRosterResult> {
  const request = {
    leader: Buffer.from(change.leader),
    expectEpoch: change.expectEpoch,
    remove: change.remove.map((k) => Buffer.from(k)),
    add: change.add.map((m, index) => ({ index, pubkey: Buffer.from(m.pubkey), endpoint: m.endpoint })),
    signature: Buffer.from(signature),
  };
  try {
    const res = await unary(client, 'changeRoster', request, timeoutMs);
    return { epoch: res.epoch, changed: res.changed };
  } catch (err) {
    const grpcStatus = (err as { code?: unknown }).code;
    const message = (err as { details?: string }).details ?? (err as Error).message;
    const code = codeOf(err) ?? (grpcStatus === status.DEADLINE_EXCEEDED ? AdminClientErrorCode.timeout : grpcStatus === status.UNAVAILABLE ? AdminClientErrorCode.unreachable : `GRPC_${String(grpcStatus)}`);
    const meta: AdminClientErrorMeta = typeof grpcStatus === 'number' ? { grpcStatus } : {};
    const [current] = (err as { metadata?: { get(key: string): unknown[] } }).metadata?.get(CURRENT_EPOCH_METADATA_KEY) ?? [];
    if (typeof current === 'string' && /^[0-9]+$/.test(current)) meta.currentEpoch = BigInt(current);
    throw new AdminClientError(code, message, { meta: { ...meta }, cause: err });
  }
}

export type DrainState = 'serving' | 'draining' | 'drained';

/** An RN's answer on /admin/drain. */
export interface DrainStateAnswer {
  state: DrainState;
  /** Transactions still buffered at the RN. */
  buffered: number;
  /** Packages sealed and not yet answered by the logic node. */
  packagesInFlight: number;
}

/** Asks the RN whose ops HTTP port is at `baseUrl` (e.g. `http://10.0.0.7:9101`) to drain; the request names the RN's key and `issuedAtMs`. */
export function requestDrain(baseUrl: string, issuedAtMs: number, signature: Uint8Array, timeoutMs = ADMIN_TIMEOUT_MS): Promise<DrainStateAnswer> {
  return drainCall(baseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ issuedAtMs, signature: toHex(signature) }) }, timeoutMs);
}

/** Where the RN at `baseUrl` stands: serving, draining or drained (no signature needed). */
export function drainState(baseUrl: string, timeoutMs = ADMIN_TIMEOUT_MS): Promise<DrainStateAnswer> {
  return drainCall(baseUrl, { method: 'GET' }, timeoutMs);
}

/** A reception node's public identity on /identity: its key, its roster endpoint, and the roster epoch it follows once synced. */
export interface IdentityAnswer {
  pubkey: string;
  endpoint: string;
  rosterEpoch?: string;
}

/** What the RN whose ops HTTP port is at `baseUrl` tells on /identity. */
export async function receptionIdentity(baseUrl: string, timeoutMs = ADMIN_TIMEOUT_MS): Promise<IdentityAnswer> {
  const { status, o } = await opsCall(baseUrl, '/identity', { method: 'GET' }, timeoutMs);
  const [pubkey, endpoint, rosterEpoch] = [o['pubkey'], o['endpoint'], o['rosterEpoch']];
  if (typeof pubkey !== 'string' || !/^0[23][0-9a-fA-F]{64}$/.test(pubkey) || typeof endpoint !== 'string' || endpoint.length < 3 || endpoint.length > 255 || (rosterEpoch !== undefined && (typeof rosterEpoch !== 'string' || !/^[0-9]+$/.test(rosterEpoch)))) {
    throw new AdminClientError(AdminClientErrorCode.badAnswer, `${baseUrl} answered /identity with something other than {pubkey, endpoint, rosterEpoch?}`, { meta: { httpStatus: status } });
  }
  return { pubkey: pubkey.toLowerCase(), endpoint, ...(rosterEpoch === undefined ? {} : { rosterEpoch }) };
}

/** One call to an RN's ops HTTP port: its JSON answer, or an AdminClientError with the node's code or ours. */
async function opsCall(baseUrl: string, path: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; o: Record<string, unknown> }> {
  let res: Response;
  let body: unknown;
  try {
    res = await fetch(`${baseUrl.replace(/\/+$/, '')}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    body = await res.json().catch(() => undefined);
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new AdminClientError(AdminClientErrorCode.timeout, `no answer from ${baseUrl} within ${timeoutMs} ms`, { cause: err });
    throw new AdminClientError(AdminClientErrorCode.unreachable, `${baseUrl}: ${(err as Error).message}`, { cause: err });
  }
  const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!res.ok) {
    const code = typeof o['code'] === 'string' ? o['code'] : `HTTP_${res.status}`;
    throw new AdminClientError(code, typeof o['message'] === 'string' ? o['message'] : `HTTP ${res.status}`, { meta: { httpStatus: res.status } });
  }
  return { status: res.status, o };
}

async function drainCall(baseUrl: string, init: RequestInit, timeoutMs: number): Promise<DrainStateAnswer> {
  const { status, o } = await opsCall(baseUrl, '/admin/drain', init, timeoutMs);
  const state = o['state'];
  if ((state !== 'serving' && state !== 'draining' && state !== 'drained') || typeof o['buffered'] !== 'number') {
    throw new AdminClientError(AdminClientErrorCode.badAnswer, `${baseUrl} answered something other than a drain state`, { meta: { httpStatus: status } });
  }
  return { state, buffered: o['buffered'], packagesInFlight: typeof o['packagesInFlight'] === 'number' ? o['packagesInFlight'] : 0 };
}
