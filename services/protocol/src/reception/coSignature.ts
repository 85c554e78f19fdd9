import { ByteReader } from '../codec/reader.js';
import { ByteWriter } from '../codec/writer.js';
import { concatBytes } from '../bytes.js';
import { HASH_LENGTH } from '../hash.js';
import { signDigest } from '../keys.js';
import { SIGNATURE_LENGTH } from '../params.js';
import type { SignatureVerifier } from '../signature.js';
import type { Hash } from '../types.js';
import { COSIGNATURE_VERSION, MAX_BATCH_TRANSACTIONS, MAX_ROSTER_MEMBERS } from './params.js';
import { SigningDomain, domainDigest } from './signingDomain.js';
import { verdictBytes, type Verdicts } from './verdicts.js';

/**
 * A committee member's signed verdicts over a batch (WP 2.1 step 3). The batch hash it signed is
 * carried, not implied: a member that signs a different hash is then provably lying, because its
 * valid signature over the wrong hash is evidence anyone can check.
 */
export interface CoSignature {
  signer: number;
  batchHash: Hash;
  verdicts: Verdicts;
  signature: Uint8Array;
}

const MAX_VERDICT_BYTES = verdictBytes(MAX_BATCH_TRANSACTIONS);

export function coSignatureDigest(batchHash: Hash, verdicts: Verdicts): Uint8Array {
  return domainDigest(SigningDomain.coSignature, concatBytes(batchHash, verdicts));
}

export function signCoSignature(signer: number, batchHash: Hash, verdicts: Verdicts, secretKey: Uint8Array): CoSignature {
  return { signer, batchHash, verdicts, signature: signDigest(coSignatureDigest(batchHash, verdicts), secretKey) };
}

export function verifyCoSignature(c: CoSignature, signerKey: Uint8Array, verifier: SignatureVerifier): boolean {
  return verifier.verify(c.signature, coSignatureDigest(c.batchHash, c.verdicts), signerKey);
}

/** version u8 | signer u32 | batch_hash [32] | verdicts (len | bytes) | signature [64] */
export function writeCoSignature(w: ByteWriter, c: CoSignature): void {
  w.u8(COSIGNATURE_VERSION).varint(c.signer).fixed(c.batchHash, HASH_LENGTH, 'batch_hash');
  w.bytes(c.verdicts, MAX_VERDICT_BYTES, 'verdicts').fixed(c.signature, SIGNATURE_LENGTH, 'signature');
}

export function encodeCoSignature(c: CoSignature): Uint8Array {
  const w = new ByteWriter(110 + c.verdicts.length);
  writeCoSignature(w, c);
  return w.finish();
}

export function readCoSignature(r: ByteReader): CoSignature {
  r.version(COSIGNATURE_VERSION, 'co-signature');
  const signer = r.length(MAX_ROSTER_MEMBERS - 1, 'signer');
  const batchHash = r.fixed(HASH_LENGTH, 'batch_hash');
  const verdicts = r.bytes(MAX_VERDICT_BYTES, 'verdicts');
  const signature = r.fixed(SIGNATURE_LENGTH, 'signature');
  return { signer, batchHash, verdicts, signature };
}

export function decodeCoSignature(bytes: Uint8Array): CoSignature {
  const r = new ByteReader(bytes);
  const c = readCoSignature(r);
  r.end('co-signature');
  return c;
}
