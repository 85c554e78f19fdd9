import { bytesEqual } from '../bytes.js';
import { decodeTransaction, type DecodedTransaction } from '../codec/transaction.js';
import { ProtocolError } from '../errors.js';
import type { SignatureVerifier } from '../signature.js';
import type { Hash } from '../types.js';
import type { DecodedBatch } from './batch.js';
import { verifyCoSignature } from './coSignature.js';
import { committeeOf } from './committee.js';
import { Misconduct } from './exclusion.js';
import { verifyPackageSignature, type DecodedPackage } from './receptionPackage.js';
import type { RosterEpoch } from './roster.js';
import { checkVerdictShape, isValid, judgeTransactions, type Verdicts } from './verdicts.js';

/** Why a package was dropped whole: nothing in it executes. Codes are API: never rename one. */
export const PackageDropCode = {
  unknownEpoch: 'UNKNOWN_EPOCH',
  rosterTooSmall: 'ROSTER_TOO_SMALL',
  unknownLeader: 'UNKNOWN_LEADER',
  /** RN_k was excluded since this epoch began: nothing it signs is trusted any more. */
  excludedLeader: 'EXCLUDED_LEADER',
  badLeaderSignature: 'BAD_LEADER_SIGNATURE',
  /** The same package bytes again (a retry, or someone replaying what they saw): already handled. */
  duplicate: 'DUPLICATE',
  /** An accepted batch inside a newly signed package: RN_k replayed it. */
  replayedBatch: 'REPLAYED_BATCH',
} as const;
export type PackageDropCode = (typeof PackageDropCode)[keyof typeof PackageDropCode];

export interface Offender {
  index: number;
  misconduct: Misconduct;
}

export interface DroppedPackage {
  outcome: 'dropped';
  code: PackageDropCode;
  message: string;
  offenders: Offender[];
}

export interface AcceptedPackage {
  outcome: 'accepted';
  batch: DecodedBatch;
  /** The transactions to execute (verdict valid), decoded, with their index in the batch. */
  transactions: { index: number; decoded: DecodedTransaction }[];
  /** The final verdicts: the committee's if it agreed, else the logic node's own. */
  verdicts: Verdicts;
  /** The logic node verified the batch itself (disagreement, misconduct or a missing verdict). */
  selfVerified: boolean;
  /** RN_k first, then the co-signers the batch hash draws. */
  committee: number[];
  offenders: Offender[];
  /** Members RN_k says did not answer and that showed no misconduct here: to be challenged. */
  absent: number[];
}

export type PackageCheck = DroppedPackage | AcceptedPackage;

export interface PackageCheckContext {
  /** The roster of an epoch the logic node still keeps, if any. */
  rosterOf(epoch: bigint): RosterEpoch | undefined;
  committeeSize: number;
  verifier: SignatureVerifier;
  /** Members excluded after this epoch was published (by key): their verdicts count for nothing. */
  isExcluded(pubkey: Uint8Array): boolean;
  /** Whether a package with this batch hash was already accepted, and if so with these very bytes. */
  seen(batchHash: Hash): { packageHash: Hash } | undefined;
}

/**
 * WP 2.1 step 5: what a logic node makes of a package, as a pure function.
 *
 * a) RN_k's signature must verify, else the package is dropped: it may not be RN_k's at all.
 * b) The co-signers must be the ones the batch hash draws; c) their signatures must verify;
 * d) all verdicts must agree. Where the whitepaper drops the package on b) or c), we verify the
 * batch ourselves instead and execute what is valid: the transactions in it were accepted from
 * clients, and dropping them would lose valid transactions silently. The misconduct is named
 * either way, and a member is only ever named on evidence this package carries (a signature of
 * its own), never on RN_k's word: absent members are returned for the caller to challenge.
 */
export function checkPackage(p: DecodedPackage, ctx: PackageCheckContext): PackageCheck {
  const batch = p.decodedBatch;
  const roster = ctx.rosterOf(batch.epoch);
  if (roster === undefined) return dropped(PackageDropCode.unknownEpoch, `roster epoch ${batch.epoch} is not kept here`);
  const n = roster.members.length;
  if (n < ctx.committeeSize) return dropped(PackageDropCode.rosterTooSmall, `epoch ${batch.epoch} has ${n} members, fewer than a committee of ${ctx.committeeSize}`);
  const leader = batch.leader;
  const leaderMember = roster.members[leader];
  if (leaderMember === undefined) return dropped(PackageDropCode.unknownLeader, `leader ${leader} is not in epoch ${batch.epoch}`);
  if (ctx.isExcluded(leaderMember.pubkey)) return dropped(PackageDropCode.excludedLeader, `member ${leader} of epoch ${batch.epoch} has been excluded`);
  if (!verifyPackageSignature(p, leaderMember.pubkey, ctx.verifier)) {
    return dropped(PackageDropCode.badLeaderSignature, `package is not signed by member ${leader}`);
  }
  const earlier = ctx.seen(batch.hash);
  if (earlier !== undefined) {
    if (bytesEqual(earlier.packageHash, p.hash)) return dropped(PackageDropCode.duplicate, 'package already handled');
    return dropped(PackageDropCode.replayedBatch, `member ${leader} re-signed an accepted batch`, [{ index: leader, misconduct: Misconduct.replayedBatch }]);
  }

  const count = batch.transactions.length;
  const offenders = new Map<number, Misconduct>();
  const blame = (index: number, m: Misconduct): void => {
    if (!offenders.has(index)) offenders.set(index, m);
  };
  const committee = committeeOf(batch.hash, n, leader, ctx.committeeSize);
  const drawn = new Set(committee);
  /** Verdicts that a signature makes attributable, by member. */
  const verdictsOf = new Map<number, Verdicts>();
  if (hasShape(p.leaderVerdicts, count)) verdictsOf.set(leader, p.leaderVerdicts);
  else blame(leader, Misconduct.falseVerdict);

  const answered = new Set<number>();
  for (const c of p.coSignatures) {
    const member = roster.members[c.signer];
    if (!drawn.has(c.signer) || answered.has(c.signer) || member === undefined) {
      blame(leader, Misconduct.wrongCommittee);
      continue;
    }
    answered.add(c.signer);
    if (!verifyCoSignature(c, member.pubkey, ctx.verifier)) blame(leader, Misconduct.forgedCoSignature);
    else if (!bytesEqual(c.batchHash, batch.hash)) blame(c.signer, Misconduct.signedOtherBatch);
    else if (!hasShape(c.verdicts, count)) blame(c.signer, Misconduct.falseVerdict);
    else if (!ctx.isExcluded(member.pubkey)) verdictsOf.set(c.signer, c.verdicts);
    // An excluded member's verdict is simply missing: the node verifies the batch itself.
  }
  const absent: number[] = [];
  const claimedAbsent = new Set(p.absent);
  for (const a of p.absent) if (!drawn.has(a) || answered.has(a)) blame(leader, Misconduct.wrongCommittee);
  for (const m of committee) {
    if (answered.has(m)) continue;
    if (claimedAbsent.has(m)) absent.push(m);
    else blame(leader, Misconduct.wrongCommittee); // left out without a word: RN_k's omission
  }

  const everyone = [leader, ...committee];
  const unanimous = offenders.size === 0 && absent.length === 0 && verdictsOf.has(leader) && committee.every((m) => verdictsOf.has(m) && bytesEqual(verdictsOf.get(m) as Verdicts, p.leaderVerdicts));
  if (unanimous) {
    const trusted = decodeValid(batch.transactions, p.leaderVerdicts);
    if (trusted !== null) {
      return { outcome: 'accepted', batch, transactions: trusted, verdicts: p.leaderVerdicts, selfVerified: false, committee: everyone, offenders: [], absent: [] };
    }
    // All seven called bytes that do not even decode valid: every one of them lied.
  }
  const truth = judgeTransactions(batch.transactions, ctx.verifier);
  for (const [member, verdicts] of verdictsOf) if (!bytesEqual(verdicts, truth)) blame(member, Misconduct.falseVerdict);
  return {
    outcome: 'accepted',
    batch,
    transactions: decodeValid(batch.transactions, truth) ?? [],
    verdicts: truth,
    selfVerified: true,
    committee: everyone,
    offenders: [...offenders].map(([index, misconduct]) => ({ index, misconduct })),
    absent: absent.filter((m) => !offenders.has(m)),
  };
}

function dropped(code: PackageDropCode, message: string, offenders: Offender[] = []): DroppedPackage {
  return { outcome: 'dropped', code, message, offenders };
}

function hasShape(verdicts: Verdicts, count: number): boolean {
  try {
    checkVerdictShape(verdicts, count);
    return true;
  } catch (err) {
    if (err instanceof ProtocolError) return false;
    throw err;
  }
}

/** The transactions marked valid, decoded; null if one of them does not decode (the verdict lied). */
function decodeValid(transactions: readonly Uint8Array[], verdicts: Verdicts): { index: number; decoded: DecodedTransaction }[] | null {
  const out: { index: number; decoded: DecodedTransaction }[] = [];
  for (let i = 0; i < transactions.length; i++) {
    if (!isValid(verdicts, i)) continue;
    try {
      out.push({ index: i, decoded: decodeTransaction(transactions[i] as Uint8Array) });
    } catch (err) {
      if (err instanceof ProtocolError) return null;
      throw err;
    }
  }
  return out;
}
