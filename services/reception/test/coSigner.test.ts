import { decodeBatch, encodeBatch } from '../../protocol/src/reception/batch.js';
import { committeeOf } from '../../protocol/src/reception/committee.js';
import { decodeCoSignature } from '../../protocol/src/reception/coSignature.js';
import type { SignatureVerifier } from '../../protocol/src/signature.js';
import { makeCluster, makeTransactions, verifier } from '../../protocol/test/support/receptionFixture.js';
import { CoSignCache } from '../src/batching/coSignCache.js';
import { coSign } from '../src/batching/coSigner.js';

/** The fixture's verifier, counting its calls: the cost a cached answer must not pay again. */
function countingVerifier(): SignatureVerifier & { calls: number } {
  const v = { name: 'counting', calls: 0, verify: (s: Uint8Array, d: Uint8Array, p: Uint8Array) => (v.calls++, verifier.verify(s, d, p)) };
  return v;
}

describe('a committee member co-signing', () => {
  const cluster = makeCluster(8);
  const batch = encodeBatch({ epoch: 1n, leader: 0, sequence: 1n, createdAtMs: 1n, transactions: makeTransactions(20, new Set([3])) });
  const member = committeeOf(decodeBatch(batch).hash, 8, 0, 7).find((m) => m !== 0) as number;
  const deps = (cache: CoSignCache, v: SignatureVerifier) => ({
    key: cluster.keys[member] as Uint8Array,
    verifier: v,
    committeeSize: 7,
    rosterOf: (e: bigint) => (e === 1n ? { ...cluster.roster, self: member } : undefined),
    cache,
  });

  it('when the same batch is asked again (RN_k late, then a challenge), then it is verified once and the same signed answer returns', () => {
    const cache = new CoSignCache(4);
    const v = countingVerifier();
    const first = coSign(batch, deps(cache, v));
    expect(first.cached).toBe(false);
    expect(v.calls).toBe(20);
    const again = coSign(batch, deps(cache, v));
    expect(again).toEqual({ answer: first.answer, cached: true });
    expect(v.calls).toBe(20);
    expect(decodeCoSignature(first.answer as Uint8Array).verdicts[0]).toBe(0b1111_0111);
  });

  it('when more batches are judged than it holds, then the oldest answers are forgotten first', () => {
    const cache = new CoSignCache(2);
    const hashes = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
    hashes.forEach((h, i) => cache.put(h, Uint8Array.of(i)));
    expect(cache.size).toBe(2);
    expect(cache.get(hashes[0] as Uint8Array)).toBeUndefined();
    expect(cache.get(hashes[2] as Uint8Array)).toEqual(Uint8Array.of(2));
  });
});
