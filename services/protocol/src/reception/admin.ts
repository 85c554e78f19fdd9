import { ByteReader } from '../codec/reader.js';
import { ByteWriter } from '../codec/writer.js';
import { U64_MAX } from '../codec/varint.js';
import { bytesToKey } from '../bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { signDigest } from '../keys.js';
import { PUBLIC_KEY_LENGTH } from '../params.js';
import type { SignatureVerifier } from '../signature.js';
import { MAX_ENDPOINT_BYTES } from './params.js';
import type { RosterMember } from './roster.js';
import { SigningDomain, domainDigest } from './signingDomain.js';

/**
 * The operator's admin requests (DESIGN §11, relay handoff), signed with the *operator key*: a
 * secp256k1 key pair whose public half the nodes are configured with (`--admin-pubkey`). Each
 * kind is a canonical encoding signed under its own domain tag, so a signature over one can never
 * be presented as the other, as a roster, or as anything an RN or LN signs. Pure: the operator
 * imports this module to sign, the nodes to verify.
 *
 * Replays: a roster change names the epoch it expects to replace (compare-and-swap at the LN), so
 * it is useless once the epoch moved; a drain request names the one RN it is for and when it was
 * made, and an RN refuses it outside `DRAIN_REQUEST_MAX_SKEW_MS` of its clock (a replay within
 * that window asks again for what was already asked: draining is idempotent).
 */

/** Members one roster change may remove, and add: a handoff needs one of each, a scale step a few. */
export const MAX_ROSTER_CHANGE_ENTRIES = 1024;
/** How far an RN's clock may be from a drain request's `issuedAtMs` before it is refused as stale. */
export const DRAIN_REQUEST_MAX_SKEW_MS = 60_000;
export const ROSTER_CHANGE_VERSION = 1;
export const DRAIN_REQUEST_VERSION = 1;

/** Asks the cluster's LN leader for one new roster epoch: `remove` gone, `add` appended. */
export interface RosterChange {
  /** The LN leader's public key: the request is for that node only. */
  leader: Uint8Array;
  /** The epoch the operator read; the change applies only while it is still current. */
  expectEpoch: bigint;
  /** Public keys of the RNs to take out (a graceful leave, not an exclusion). */
  remove: readonly Uint8Array[];
  /** RNs to append, in this order. */
  add: readonly RosterMember[];
}

/** Asks one RN to drain: stop taking transactions and hand what it holds to the logic node. */
export interface DrainRequest {
  /** The RN's own public key: the request is for that node only. */
  node: Uint8Array;
  /** When the operator made the request, ms since the epoch. */
  issuedAtMs: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function fail(code: ProtocolErrorCode, message: string): never {
  throw new ProtocolError(code, message);
}

function assertPubkey(key: unknown, field: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== PUBLIC_KEY_LENGTH) fail(ProtocolErrorCode.invalidField, `${field} must be a ${PUBLIC_KEY_LENGTH}-byte public key`);
  if (key[0] !== 0x02 && key[0] !== 0x03) fail(ProtocolErrorCode.invalidKey, `${field} is not a compressed public key`);
}

/** An endpoint as roster members carry it: 1 to MAX_ENDPOINT_BYTES bytes of UTF-8 that round-trips. */
function endpointBytes(endpoint: unknown, field: string): Uint8Array {
  if (typeof endpoint !== 'string' || endpoint.length === 0) fail(ProtocolErrorCode.invalidField, `${field} must be a non-empty string`);
  const bytes = encoder.encode(endpoint);
  if (bytes.length > MAX_ENDPOINT_BYTES) fail(ProtocolErrorCode.oversize, `${field} is ${bytes.length} bytes, over the ${MAX_ENDPOINT_BYTES} limit`);
  // A lone surrogate would be encoded as U+FFFD: the signed bytes would not say what was asked.
  if (decoder.decode(bytes) !== endpoint) fail(ProtocolErrorCode.invalidField, `${field} is not well-formed Unicode`);
  return bytes;
}

/** The shape every roster change must have, checked the same way on encoding and decoding. */
function checkRosterChange(change: RosterChange): void {
  assertPubkey(change.leader, 'leader');
  if (typeof change.expectEpoch !== 'bigint' || change.expectEpoch < 0n || change.expectEpoch > U64_MAX) {
    fail(ProtocolErrorCode.integerOutOfRange, `expectEpoch out of range: ${String(change.expectEpoch)}`);
  }
  if (!Array.isArray(change.remove) || !Array.isArray(change.add)) fail(ProtocolErrorCode.invalidArgument, 'remove and add must be arrays');
  for (const [what, n] of [['remove', change.remove.length], ['add', change.add.length]] as const) {
    if (n > MAX_ROSTER_CHANGE_ENTRIES) fail(ProtocolErrorCode.oversize, `${what} names ${n} members, over the ${MAX_ROSTER_CHANGE_ENTRIES} limit`);
  }
  if (change.remove.length === 0 && change.add.length === 0) fail(ProtocolErrorCode.invalidArgument, 'a roster change names no member');
  const removed = new Set<string>();
  change.remove.forEach((k, i) => {
    assertPubkey(k, `remove[${i}]`);
    const key = bytesToKey(k);
    if (removed.has(key)) fail(ProtocolErrorCode.invalidField, `remove[${i}] names a key twice`);
    removed.add(key);
  });
  const added = new Set<string>();
  change.add.forEach((m, i) => {
    assertPubkey(m?.pubkey, `add[${i}].pubkey`);
    endpointBytes(m.endpoint, `add[${i}].endpoint`);
    const key = bytesToKey(m.pubkey);
    if (added.has(key)) fail(ProtocolErrorCode.invalidField, `add[${i}] names a key twice`);
    // Out and in at once has no single meaning (a move? a new endpoint?): say which.
    if (removed.has(key)) fail(ProtocolErrorCode.invalidArgument, `add[${i}] names a key that remove also names`);
    added.add(key);
  });
}

/** version u8 | leader [33] | expect_epoch u64 | n | pubkey [33]* | m | (pubkey [33] | endpoint (len | utf-8))* */
export function encodeRosterChange(change: RosterChange): Uint8Array {
  checkRosterChange(change);
  const w = new ByteWriter(64 + change.remove.length * PUBLIC_KEY_LENGTH + change.add.length * 64);
  w.u8(ROSTER_CHANGE_VERSION).fixed(change.leader, PUBLIC_KEY_LENGTH, 'leader').varint(change.expectEpoch).varint(change.remove.length);
  for (const k of change.remove) w.fixed(k, PUBLIC_KEY_LENGTH, 'remove');
  w.varint(change.add.length);
  for (const m of change.add) w.fixed(m.pubkey, PUBLIC_KEY_LENGTH, 'add.pubkey').bytes(endpointBytes(m.endpoint, 'add.endpoint'), MAX_ENDPOINT_BYTES, 'add.endpoint');
  return w.finish();
}

export function decodeRosterChange(encoded: Uint8Array): RosterChange {
  const r = new ByteReader(encoded);
  r.version(ROSTER_CHANGE_VERSION, 'roster change');
  const leader = r.fixed(PUBLIC_KEY_LENGTH, 'leader').slice();
  const expectEpoch = r.varint(64, 'expect_epoch');
  const nRemove = r.length(MAX_ROSTER_CHANGE_ENTRIES, 'remove count');
  const remove: Uint8Array[] = [];
  for (let i = 0; i < nRemove; i++) remove.push(r.fixed(PUBLIC_KEY_LENGTH, 'remove').slice());
  const nAdd = r.length(MAX_ROSTER_CHANGE_ENTRIES, 'add count');
  const add: RosterMember[] = [];
  for (let i = 0; i < nAdd; i++) {
    const pubkey = r.fixed(PUBLIC_KEY_LENGTH, 'add.pubkey').slice();
    const raw = r.bytes(MAX_ENDPOINT_BYTES, 'add.endpoint');
    let endpoint: string;
    try {
      endpoint = decoder.decode(raw);
    } catch {
      fail(ProtocolErrorCode.invalidField, `add[${i}].endpoint is not UTF-8`);
    }
    add.push({ pubkey, endpoint });
  }
  r.end('roster change');
  const change = { leader, expectEpoch, remove, add };
  checkRosterChange(change);
  return change;
}

export function rosterChangeDigest(change: RosterChange): Uint8Array {
  return domainDigest(SigningDomain.rosterChange, encodeRosterChange(change));
}

/** The operator's 64-byte signature over a roster change. */
export function signRosterChange(change: RosterChange, operatorKey: Uint8Array): Uint8Array {
  return signDigest(rosterChangeDigest(change), operatorKey);
}

/**
 * Whether `signature` is the operator's over exactly this change. A malformed change throws a
 * ProtocolError (the request is refused as malformed, not as forged); a bad signature is `false`.
 */
export function verifyRosterChange(change: RosterChange, signature: Uint8Array, operatorPubkey: Uint8Array, verifier: SignatureVerifier): boolean {
  return verifier.verify(signature, rosterChangeDigest(change), operatorPubkey);
}

function checkDrainRequest(request: DrainRequest): void {
  assertPubkey(request.node, 'node');
  if (!Number.isSafeInteger(request.issuedAtMs) || request.issuedAtMs < 0) {
    fail(ProtocolErrorCode.integerOutOfRange, `issuedAtMs must be a non-negative safe integer, got ${String(request.issuedAtMs)}`);
  }
}

/** version u8 | node [33] | issued_at_ms u64 */
export function encodeDrainRequest(request: DrainRequest): Uint8Array {
  checkDrainRequest(request);
  return new ByteWriter(48).u8(DRAIN_REQUEST_VERSION).fixed(request.node, PUBLIC_KEY_LENGTH, 'node').varint(request.issuedAtMs).finish();
}

export function decodeDrainRequest(encoded: Uint8Array): DrainRequest {
  const r = new ByteReader(encoded);
  r.version(DRAIN_REQUEST_VERSION, 'drain request');
  const node = r.fixed(PUBLIC_KEY_LENGTH, 'node').slice();
  const issuedAt = r.varint(64, 'issued_at_ms');
  r.end('drain request');
  if (issuedAt > BigInt(Number.MAX_SAFE_INTEGER)) fail(ProtocolErrorCode.integerOutOfRange, `issued_at_ms ${issuedAt} is not a safe integer`);
  const request = { node, issuedAtMs: Number(issuedAt) };
  checkDrainRequest(request);
  return request;
}

export function drainRequestDigest(request: DrainRequest): Uint8Array {
  return domainDigest(SigningDomain.drainRequest, encodeDrainRequest(request));
}

/** The operator's 64-byte signature over a drain request. */
export function signDrainRequest(request: DrainRequest, operatorKey: Uint8Array): Uint8Array {
  return signDigest(drainRequestDigest(request), operatorKey);
}

/** Whether `signature` is the operator's over exactly this request; a malformed request throws a ProtocolError. */
export function verifyDrainRequest(request: DrainRequest, signature: Uint8Array, operatorPubkey: Uint8Array, verifier: SignatureVerifier): boolean {
  return verifier.verify(signature, drainRequestDigest(request), operatorPubkey);
}
