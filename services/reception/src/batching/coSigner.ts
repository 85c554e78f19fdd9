import { decodeBatch } from '../../../protocol/src/reception/batch.js';
import { committeeOf } from '../../../protocol/src/reception/committee.js';
import { encodeCoSignature, signCoSignature } from '../../../protocol/src/reception/coSignature.js';
import { judgeTransactions } from '../../../protocol/src/reception/verdicts.js';
import { ProtocolError } from '../../../protocol/src/errors.js';
import type { SignatureVerifier } from '../../../protocol/src/signature.js';
import { ReceptionError, ReceptionErrorCode } from '../errors.js';
import type { Byzantine } from '../misbehaviour.js';
import type { RosterView } from '../roster/rosterFollower.js';
import type { CoSignCache } from './coSignCache.js';

export interface CoSignerDependencies {
  key: Uint8Array;
  verifier: SignatureVerifier;
  committeeSize: number;
  rosterOf: (epoch: bigint) => RosterView | undefined;
  byzantine?: Byzantine;
  /** Answers already given, by batch hash: a batch is verified once however often it is asked. */
  cache?: CoSignCache;
}

export interface CoSignAnswer {
  /** The encoded co-signature, or null when a (test-only) withholding node stays silent. */
  answer: Uint8Array | null;
  cached: boolean;
}

/**
 * WP 2.1 step 3, a committee member's side: verify a whole batch and sign (batch hash, verdicts).
 * Verification is the expensive part, so it is only done for batches this RN is drawn for under
 * an epoch it keeps: anyone can send CoSign, and verifying strangers' batches would make every
 * RN a free verifier for a flood (DoS). Answers both RN_k and a logic node's challenge.
 *
 * A cached answer is only looked up after the batch is decoded: the hash is of the bytes, so
 * the same hash is the same batch, whose roster and committee checks already passed.
 */
export function coSign(encodedBatch: Uint8Array, deps: CoSignerDependencies): CoSignAnswer {
  let batch;
  try {
    batch = decodeBatch(encodedBatch);
  } catch (err) {
    if (err instanceof ProtocolError) throw new ReceptionError(ReceptionErrorCode.malformed, `batch: ${err.message}`, { cause: err });
    throw err;
  }
  const known = deps.cache?.get(batch.hash);
  if (known !== undefined) return { answer: known, cached: true };
  const roster = deps.rosterOf(batch.epoch);
  if (roster === undefined) throw new ReceptionError(ReceptionErrorCode.unknownEpoch, `roster epoch ${batch.epoch} is not kept here`);
  const self = roster.self;
  if (self === undefined) throw new ReceptionError(ReceptionErrorCode.notInRoster, `not a member of epoch ${batch.epoch}`);
  const n = roster.members.length;
  if (n < deps.committeeSize || batch.leader >= n || batch.leader === self || !committeeOf(batch.hash, n, batch.leader, deps.committeeSize).includes(self)) {
    throw new ReceptionError(ReceptionErrorCode.notInCommittee, `batch of leader ${batch.leader} in epoch ${batch.epoch} does not draw member ${self}`);
  }
  const verdicts = judgeTransactions(batch.transactions, deps.verifier);
  const said = deps.byzantine ? deps.byzantine.coSign(batch.hash, verdicts, batch.transactions.length) : { batchHash: batch.hash, verdicts };
  if (said === null) return { answer: null, cached: false };
  const answer = encodeCoSignature(signCoSignature(self, said.batchHash, said.verdicts, deps.key));
  deps.cache?.put(batch.hash, answer);
  return { answer, cached: false };
}
