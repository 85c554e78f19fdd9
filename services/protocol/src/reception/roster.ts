import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { ByteReader } from '../codec/reader.js';
import { ByteWriter } from '../codec/writer.js';
import { U64_MAX } from '../codec/varint.js';
import { bytesToKey } from '../bytes.js';
import { signDigest } from '../keys.js';
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH } from '../params.js';
import type { SignatureVerifier } from '../signature.js';
import { MAX_ENDPOINT_BYTES, MAX_ROSTER_MEMBERS, ROSTER_VERSION } from './params.js';
import { SigningDomain, domainDigest } from './signingDomain.js';

export interface RosterMember {
  /** 33-byte compressed key: verifies the member's co-signatures and packages. */
  pubkey: Uint8Array;
  /** host:port of its Reception service. */
  endpoint: string;
}

/**
 * The RNs of a cluster numbered 0..#RN−1 under an epoch (DESIGN §4). A member's index is its
 * position; a change of membership (scale, handoff, exclusion) is a new epoch.
 */
export interface RosterEpoch {
  epoch: bigint;
  members: readonly RosterMember[];
}

/** The roster as published by the cluster's LN leader, with the leader's signature. */
export interface SignedRoster {
  roster: RosterEpoch;
  /** The canonical encoding of `roster`: what was signed. */
  encoded: Uint8Array;
  signature: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** version u8 | epoch u64 | n | (pubkey [33] | endpoint (len | utf-8))* — no key twice. */
export function encodeRoster(roster: RosterEpoch): Uint8Array {
  if (roster.epoch < 0n || roster.epoch > U64_MAX) throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `epoch out of range: ${roster.epoch}`);
  if (roster.members.length > MAX_ROSTER_MEMBERS) {
    throw new ProtocolError(ProtocolErrorCode.oversize, `roster of ${roster.members.length} members, over ${MAX_ROSTER_MEMBERS}`);
  }
  assertDistinctKeys(roster.members);
  const w = new ByteWriter(16 + roster.members.length * 64);
  w.u8(ROSTER_VERSION).varint(roster.epoch).varint(roster.members.length);
  for (const m of roster.members) w.fixed(m.pubkey, PUBLIC_KEY_LENGTH, 'pubkey').bytes(encoder.encode(m.endpoint), MAX_ENDPOINT_BYTES, 'endpoint');
  return w.finish();
}

export function decodeRoster(encoded: Uint8Array): RosterEpoch {
  const r = new ByteReader(encoded);
  r.version(ROSTER_VERSION, 'roster');
  const epoch = r.varint(64, 'epoch');
  const n = r.length(MAX_ROSTER_MEMBERS, 'member count');
  const members: RosterMember[] = [];
  for (let i = 0; i < n; i++) {
    const pubkey = r.fixed(PUBLIC_KEY_LENGTH, 'pubkey').slice();
    const raw = r.bytes(MAX_ENDPOINT_BYTES, 'endpoint');
    let endpoint: string;
    try {
      endpoint = decoder.decode(raw);
    } catch {
      throw new ProtocolError(ProtocolErrorCode.invalidField, `member ${i} endpoint is not UTF-8`);
    }
    members.push({ pubkey, endpoint });
  }
  r.end('roster');
  assertDistinctKeys(members);
  return { epoch, members };
}

function assertDistinctKeys(members: readonly RosterMember[]): void {
  const seen = new Set<string>();
  for (const m of members) {
    const k = bytesToKey(m.pubkey);
    if (seen.has(k)) throw new ProtocolError(ProtocolErrorCode.invalidField, 'a key appears twice in the roster');
    seen.add(k);
  }
}

export function signRoster(roster: RosterEpoch, leaderKey: Uint8Array): SignedRoster {
  const encoded = encodeRoster(roster);
  return { roster, encoded, signature: signDigest(domainDigest(SigningDomain.roster, encoded), leaderKey) };
}

/** Decodes a published roster and checks the leader's signature; a coded error if either fails. */
export function openSignedRoster(encoded: Uint8Array, signature: Uint8Array, leaderPubkey: Uint8Array, verifier: SignatureVerifier): SignedRoster {
  if (signature.length !== SIGNATURE_LENGTH || !verifier.verify(signature, domainDigest(SigningDomain.roster, encoded), leaderPubkey)) {
    throw new ProtocolError(ProtocolErrorCode.invalidKey, 'the roster is not signed by the cluster leader');
  }
  return { roster: decodeRoster(encoded), encoded, signature };
}
