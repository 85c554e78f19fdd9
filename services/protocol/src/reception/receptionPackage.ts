import { ByteReader } from '../codec/reader.js';
import { ByteWriter } from '../codec/writer.js';
import { sha256 } from '../hash.js';
import { signDigest } from '../keys.js';
import { SIGNATURE_LENGTH } from '../params.js';
import type { SignatureVerifier } from '../signature.js';
import type { Hash } from '../types.js';
import { decodeBatch, type DecodedBatch } from './batch.js';
import { readCoSignature, writeCoSignature, type CoSignature } from './coSignature.js';
import { MAX_BATCH_BYTES, MAX_BATCH_TRANSACTIONS, MAX_COMMITTEE_SIZE, MAX_ROSTER_MEMBERS, PACKAGE_VERSION } from './params.js';
import { SigningDomain, domainDigest } from './signingDomain.js';
import { verdictBytes, type Verdicts } from './verdicts.js';

/**
 * What RN_k sends a logic node (WP 2.1 step 4): the batch, its own verdicts, the co-signatures
 * it collected, the members that did not answer in time, all signed by RN_k as one message.
 */
export interface ReceptionPackage {
  /** The encoded batch, exactly as its hash was computed. */
  batch: Uint8Array;
  leaderVerdicts: Verdicts;
  coSignatures: readonly CoSignature[];
  /** Committee members that RN_k says did not answer; the logic node checks the claim itself. */
  absent: readonly number[];
  /** RN_k's signature over everything above. */
  signature: Uint8Array;
}

export interface DecodedPackage extends ReceptionPackage {
  decodedBatch: DecodedBatch;
  /** SHA-256 of the whole encoding: equal bytes, equal hash (a resent package). */
  hash: Hash;
  /** The digest RN_k signed. */
  signedDigest: Uint8Array;
}

const MAX_VERDICT_BYTES = verdictBytes(MAX_BATCH_TRANSACTIONS);

/** version u8 | batch (len | bytes) | leader_verdicts (len | bytes) | n | co-signature* | m | absent u32* */
function writeUnsigned(w: ByteWriter, p: Omit<ReceptionPackage, 'signature'>): void {
  w.u8(PACKAGE_VERSION).bytes(p.batch, MAX_BATCH_BYTES, 'batch').bytes(p.leaderVerdicts, MAX_VERDICT_BYTES, 'leader_verdicts');
  w.varint(p.coSignatures.length);
  for (const c of p.coSignatures) writeCoSignature(w, c);
  w.varint(p.absent.length);
  for (const a of p.absent) w.varint(a);
}

export function signPackage(p: Omit<ReceptionPackage, 'signature'>, leaderKey: Uint8Array): ReceptionPackage {
  const w = new ByteWriter(p.batch.length + 1024);
  writeUnsigned(w, p);
  return { ...p, signature: signDigest(domainDigest(SigningDomain.package, w.finish()), leaderKey) };
}

export function encodePackage(p: ReceptionPackage): Uint8Array {
  const w = new ByteWriter(p.batch.length + 1024);
  writeUnsigned(w, p);
  w.fixed(p.signature, SIGNATURE_LENGTH, 'signature');
  return w.finish();
}

export function decodePackage(encoded: Uint8Array): DecodedPackage {
  const r = new ByteReader(encoded);
  r.version(PACKAGE_VERSION, 'package');
  const batch = r.bytes(MAX_BATCH_BYTES, 'batch');
  const leaderVerdicts = r.bytes(MAX_VERDICT_BYTES, 'leader_verdicts');
  const nCo = r.length(MAX_COMMITTEE_SIZE, 'co-signature count');
  const coSignatures: CoSignature[] = [];
  for (let i = 0; i < nCo; i++) coSignatures.push(readCoSignature(r));
  const nAbsent = r.length(MAX_COMMITTEE_SIZE, 'absent count');
  const absent: number[] = [];
  for (let i = 0; i < nAbsent; i++) absent.push(r.length(MAX_ROSTER_MEMBERS - 1, 'absent member'));
  const unsignedEnd = r.pos;
  const signature = r.fixed(SIGNATURE_LENGTH, 'signature');
  r.end('package');
  return {
    batch,
    leaderVerdicts,
    coSignatures,
    absent,
    signature,
    decodedBatch: decodeBatch(batch),
    hash: sha256(encoded),
    signedDigest: domainDigest(SigningDomain.package, encoded.subarray(0, unsignedEnd)),
  };
}

export function verifyPackageSignature(p: DecodedPackage, leaderKey: Uint8Array, verifier: SignatureVerifier): boolean {
  return verifier.verify(p.signature, p.signedDigest, leaderKey);
}
