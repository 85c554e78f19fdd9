/**
 * A cluster's reception layer in miniature for tests: a roster of real keys, funded senders,
 * and an honest package built exactly as WP 2.1 steps 2–4 say, with hooks to make any member lie.
 */
import { encodeTransaction } from '../../src/codec/transaction.js';
import { publicKeyOf, signTransaction } from '../../src/keys.js';
import { NativeVerifier } from '../../src/signature.js';
import { encodeBatch, decodeBatch, type Batch } from '../../src/reception/batch.js';
import { coSignBatch } from '../../src/reception/coSignBatch.js';
import { committeeOf } from '../../src/reception/committee.js';
import type { CoSignature } from '../../src/reception/coSignature.js';
import { decodePackage, encodePackage, signPackage, type DecodedPackage, type ReceptionPackage } from '../../src/reception/receptionPackage.js';
import type { RosterEpoch } from '../../src/reception/roster.js';
import { judgeTransactions, type Verdicts } from '../../src/reception/verdicts.js';

export const verifier = new NativeVerifier();

export function secretKey(seed: number): Uint8Array {
  const sk = new Uint8Array(32);
  sk[0] = 0x42;
  new DataView(sk.buffer).setUint32(28, seed + 1);
  return sk;
}

export interface Cluster {
  keys: Uint8Array[];
  roster: RosterEpoch;
}

export function makeCluster(size: number, epoch = 1n): Cluster {
  const keys = Array.from({ length: size }, (_, i) => secretKey(1000 + i));
  return { keys, roster: { epoch, members: keys.map((k, i) => ({ pubkey: publicKeyOf(k), endpoint: `127.0.0.1:${7000 + i}` })) } };
}

/** `count` signed transfers; those listed in `forged` carry a signature by the wrong key. */
export function makeTransactions(count: number, forged: ReadonlySet<number> = new Set(), salt = 0): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const sk = secretKey(salt * 100_000 + i);
    const tx = signTransaction(
      { nonce: 0n, to: new Uint8Array(20).fill(7), amount: 5n, gasLimit: 0n, code: new Uint8Array(0), data: new Uint8Array(0), pubkey: publicKeyOf(sk) },
      sk,
    );
    if (forged.has(i)) tx.signature = signTransaction({ ...tx, amount: 6n }, sk).signature;
    return encodeTransaction(tx);
  });
}

export interface Lies {
  /** Replace a member's co-signature (or return null to withhold it). */
  coSignature?: (member: number, honest: CoSignature) => CoSignature | null;
  /** Replace RN_k's own verdicts. */
  leaderVerdicts?: (honest: Verdicts) => Verdicts;
  /** Replace the co-signers RN_k asks. */
  committee?: (honest: number[]) => number[];
}

export interface BuiltPackage {
  encoded: Uint8Array;
  decoded: DecodedPackage;
  committee: number[];
}

/** What RN_k sends after collecting its committee's answers; lies applied where asked. */
export function buildPackage(cluster: Cluster, leader: number, transactions: Uint8Array[], lies: Lies = {}, sequence = 1n): BuiltPackage {
  const batch: Batch = { epoch: cluster.roster.epoch, leader, sequence, createdAtMs: 1_700_000_000_000n, transactions };
  const encodedBatch = encodeBatch(batch);
  const { hash } = decodeBatch(encodedBatch);
  const honestCommittee = committeeOf(hash, cluster.roster.members.length, leader, 7);
  const committee = lies.committee ? lies.committee(honestCommittee) : honestCommittee;
  const coSignatures: CoSignature[] = [];
  const absent: number[] = [];
  for (const m of committee) {
    const honest = coSignBatch(encodedBatch, m, cluster.keys[m] as Uint8Array, verifier);
    const answer = lies.coSignature ? lies.coSignature(m, honest) : honest;
    if (answer === null) absent.push(m);
    else coSignatures.push(answer);
  }
  const own = judgeTransactions(transactions, verifier);
  const pkg: ReceptionPackage = signPackage(
    { batch: encodedBatch, leaderVerdicts: lies.leaderVerdicts ? lies.leaderVerdicts(own) : own, coSignatures, absent },
    cluster.keys[leader] as Uint8Array,
  );
  const encoded = encodePackage(pkg);
  return { encoded, decoded: decodePackage(encoded), committee: honestCommittee };
}
