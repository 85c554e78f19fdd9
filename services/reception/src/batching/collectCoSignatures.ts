import { decodeCoSignature, verifyCoSignature, type CoSignature } from '../../../protocol/src/reception/coSignature.js';
import type { RosterMember } from '../../../protocol/src/reception/roster.js';
import type { SignatureVerifier } from '../../../protocol/src/signature.js';
import type { Peers } from '../peers/receptionPeers.js';

export interface Collected {
  coSignatures: CoSignature[];
  /** Members that did not answer in time, or whose answer was not signed by them. */
  absent: number[];
}

/**
 * WP 2.1 steps 2–4, RN_k's side: ask every drawn member in parallel, wait at most `timeoutMs`.
 * An answer goes into the package whenever the member's own key verifies it, even if it signs a
 * different hash or different verdicts: a signed lie is the evidence the logic node excludes it
 * on. Anything else (no answer, garbage, someone else's signature) makes the member absent, and
 * the logic node challenges it itself; RN_k's word alone never excludes anyone.
 */
export async function collectCoSignatures(
  committee: readonly number[],
  members: readonly RosterMember[],
  batch: Uint8Array,
  deps: { peers: Pick<Peers, 'coSign'>; verifier: SignatureVerifier; timeoutMs: number },
): Promise<Collected> {
  const answers = await Promise.all(
    committee.map(async (index): Promise<CoSignature | null> => {
      const member = members[index];
      if (member === undefined) return null;
      try {
        const bytes = await deps.peers.coSign(member.endpoint, batch, deps.timeoutMs);
        const c = decodeCoSignature(bytes);
        // The signer field is not signed: the member's key is what attributes the answer.
        return verifyCoSignature(c, member.pubkey, deps.verifier) ? { ...c, signer: index } : null;
      } catch {
        return null;
      }
    }),
  );
  const coSignatures: CoSignature[] = [];
  const absent: number[] = [];
  answers.forEach((c, i) => (c === null ? absent.push(committee[i] as number) : coSignatures.push(c)));
  return { coSignatures, absent };
}
