/**
 * TEST-ONLY byzantine behaviours of a reception node, to prove that the logic node catches each
 * lie of WP 2.1 step 5 and that no client transaction is lost or forged through it. Selected by
 * config (`misbehaviour`), or by the `--misbehave NAME` flag, which the process refuses unless
 * CLUSTERCHAIN_ALLOW_MISBEHAVIOUR=1. An honest node has `misbehaviour` undefined and never calls
 * into this file's lies.
 */
import { sha256 } from '../../protocol/src/hash.js';
import { signCoSignature, type CoSignature } from '../../protocol/src/reception/coSignature.js';
import { setValid, isValid, type Verdicts } from '../../protocol/src/reception/verdicts.js';
import type { Hash } from '../../protocol/src/types.js';
import { ReceptionError, ReceptionErrorCode } from './errors.js';

export const MISBEHAVIOUR_NAMES = [
  /** Every verdict inverted, as co-signer and/or as RN_k (`role`). */
  'flip-verdicts',
  /** As co-signer: a valid signature over a hash other than the batch's. */
  'sign-other-batch-hash',
  /** As RN_k: asks (and names) co-signers other than the ones the batch hash draws. */
  'wrong-committee',
  /** As RN_k: puts a co-signature it made itself in a member's name. */
  'forge-cosignature',
  /** As co-signer: never answers CoSign, not even the logic node's challenge. */
  'withhold',
  /** As RN_k: sends an accepted package again, byte for byte and then re-signed. */
  'replay-old-package',
  /** With probability p at every chance: one of the lies above that costs no timeout. */
  'lie-randomly',
] as const;
export type MisbehaviourName = (typeof MISBEHAVIOUR_NAMES)[number];

export interface Misbehaviour {
  name: MisbehaviourName;
  /** flip-verdicts: as co-signer, as RN_k, or both (default). */
  role?: 'cosigner' | 'leader' | 'both';
  /** lie-randomly: probability of lying at each chance (default 0.5). */
  probability?: number;
  /** Injectable randomness for reproducible tests. */
  random?: () => number;
}

/** `NAME`, `flip-verdicts:cosigner|leader|both`, or `lie-randomly:P`. */
export function parseMisbehaviour(text: string): Misbehaviour {
  const [name, arg] = text.split(':', 2) as [string, string | undefined];
  if (!(MISBEHAVIOUR_NAMES as readonly string[]).includes(name)) {
    throw new ReceptionError(ReceptionErrorCode.invalidConfig, `unknown misbehaviour ${name}; one of ${MISBEHAVIOUR_NAMES.join(', ')}`);
  }
  const m: Misbehaviour = { name: name as MisbehaviourName };
  if (arg !== undefined && m.name === 'flip-verdicts') {
    if (arg !== 'cosigner' && arg !== 'leader' && arg !== 'both') throw new ReceptionError(ReceptionErrorCode.invalidConfig, `flip-verdicts takes cosigner, leader or both, got ${arg}`);
    m.role = arg;
  }
  if (arg !== undefined && m.name === 'lie-randomly') {
    const p = Number(arg);
    if (!(p >= 0 && p <= 1)) throw new ReceptionError(ReceptionErrorCode.invalidConfig, `lie-randomly takes a probability in [0, 1], got ${arg}`);
    m.probability = p;
  }
  return m;
}

function flipAll(verdicts: Verdicts, count: number): Verdicts {
  const out = new Uint8Array(verdicts.length);
  for (let i = 0; i < count; i++) if (!isValid(verdicts, i)) setValid(out, i);
  return out;
}

/** The lies, each a function from the honest value to the one sent; the identity when not lying. */
export class Byzantine {
  private readonly random: () => number;

  constructor(private readonly m: Misbehaviour) {
    this.random = m.random ?? Math.random;
  }

  get name(): MisbehaviourName {
    return this.m.name;
  }

  private chance(): boolean {
    return this.random() < (this.m.probability ?? 0.5);
  }

  private flips(role: 'cosigner' | 'leader'): boolean {
    return this.m.name === 'flip-verdicts' && (this.m.role ?? 'both') !== (role === 'cosigner' ? 'leader' : 'cosigner');
  }

  /** As co-signer: null to withhold the answer, else what to sign. */
  coSign(batchHash: Hash, verdicts: Verdicts, count: number): { batchHash: Hash; verdicts: Verdicts } | null {
    if (this.m.name === 'withhold') return null;
    if (this.flips('cosigner')) return { batchHash, verdicts: flipAll(verdicts, count) };
    if (this.m.name === 'sign-other-batch-hash') return { batchHash: sha256(batchHash), verdicts };
    if (this.m.name === 'lie-randomly' && count > 0 && this.chance()) {
      return this.random() < 0.5 ? { batchHash, verdicts: flipAll(verdicts, count) } : { batchHash: sha256(batchHash), verdicts };
    }
    return { batchHash, verdicts };
  }

  /** As RN_k: its own verdicts. */
  leaderVerdicts(honest: Verdicts, count: number): Verdicts {
    if (this.flips('leader')) return flipAll(honest, count);
    if (this.m.name === 'lie-randomly' && count > 0 && this.chance()) return flipAll(honest, count);
    return honest;
  }

  /** As RN_k: the co-signers it asks. One drawn member swapped for one the hash did not draw. */
  committee(honest: number[], rosterSize: number, self: number): number[] {
    if (this.m.name !== 'wrong-committee') return honest;
    for (let i = 0; i < rosterSize; i++) {
      if (i !== self && !honest.includes(i)) return [i, ...honest.slice(1)];
    }
    return honest.slice(1); // no stranger to name: leave a drawn member out without a word
  }

  /** As RN_k: the co-signatures and absentees it packages, after collecting. */
  package(
    drawn: number[],
    coSignatures: CoSignature[],
    absent: number[],
    batchHash: Hash,
    leaderVerdicts: Verdicts,
    ownKey: Uint8Array,
  ): { coSignatures: CoSignature[]; absent: number[] } {
    if (this.m.name !== 'forge-cosignature' || drawn.length === 0) return { coSignatures, absent };
    const victim = drawn[0] as number;
    const forged = signCoSignature(victim, batchHash, leaderVerdicts, ownKey);
    return { coSignatures: [forged, ...coSignatures.filter((c) => c.signer !== victim)], absent: absent.filter((a) => a !== victim) };
  }

  /** As RN_k: whether to replay each package the logic node accepted. */
  get replays(): boolean {
    return this.m.name === 'replay-old-package';
  }
}
