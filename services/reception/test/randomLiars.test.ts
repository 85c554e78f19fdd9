import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { bytesEqual } from '../../protocol/src/bytes.js';
import { decodeTransaction } from '../../protocol/src/codec/transaction.js';
import type { ReceptionClient, SubmitResult, SubmitTxStreamResponse } from '../../rpc/src/index.js';
import { recordedExclusions, startCluster, transfer, waitFor } from './support/clusterHarness.js';

const RNS = 10;
const LIAR = 7; // 10% of the reception layer
const SENDERS = 900;
const NONCES = 10; // 9,000 valid transfers
const FORGED = 1_000; // and 1,000 with bad signatures

/** A seeded PRNG (mulberry32): the liar's coin flips are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stream(client: ReceptionClient, txs: readonly Uint8Array[]): Promise<SubmitResult[]> {
  return new Promise((resolve, reject) => {
    const call = client.submitTxStream(new Metadata(), (err: ServiceError | null, res?: SubmitTxStreamResponse) => (err || !res ? reject(err) : resolve(res.results)));
    for (const t of txs) call.write({ transaction: Buffer.from(t) });
    call.end();
  });
}

describe('a reception layer with 10% liars under load', () => {
  it('when 1 of 10 RNs lies at random and 10% of 10,000 transfers are forged, then exactly the valid ones commit', async () => {
    const c = await startCluster({
      rnCount: RNS,
      senders: SENDERS + FORGED,
      misbehaviours: new Map([[LIAR, { name: 'lie-randomly' as const, probability: 0.3, random: seeded(7) }]]),
      // Eleven nodes share this process's one event loop: a member that answers late here is
      // slow, not absent, so the timeouts are far above what one loop under this load needs.
      rn: { batchMs: 300, coSignTimeoutMs: 15_000 },
      ln: { maxNonceWaitMs: 3_600_000, challengeTimeoutMs: 15_000 },
    });
    let producing = true;
    const producer = (async () => {
      while (producing) {
        await new Promise((r) => setTimeout(r, 250));
        if (producing) await c.ln.node.produceBlock();
      }
    })();
    try {
      const valid: Uint8Array[] = [];
      for (let n = 0; n < NONCES; n++) for (let s = 0; s < SENDERS; s++) valid.push(transfer(s, BigInt(n)));
      const forged = [...Array(FORGED).keys()].map((i) => transfer(SENDERS + i, 0n, { forged: true }));
      const forgedIds = new Set(forged.map((b) => Buffer.from(decodeTransaction(b).id).toString('hex')));
      // Interleaved, one stream per RN, each carrying every 10th transaction.
      const all = [...valid];
      forged.forEach((bytes, i) => all.splice(i * 10 + 5, 0, bytes));
      const perRn: Uint8Array[][] = Array.from({ length: RNS }, () => []);
      all.forEach((t, i) => perRn[i % RNS]!.push(t));

      const started = Date.now();
      const results = await Promise.all(perRn.map((txs, i) => stream(c.clients[i]!, txs)));
      // A client told NOT_IN_ROSTER (the RN it used was excluded meanwhile) tries another RN.
      const retry: Uint8Array[] = [];
      perRn.forEach((txs, i) => txs.forEach((t, j) => {
        const r = results[i]![j]!.result;
        if (r?.$case === 'rejection' && r.rejection.code === 'NOT_IN_ROSTER') retry.push(t);
      }));
      const retried = retry.length > 0 ? await stream(c.clients[c.rns.findIndex((r) => r.node.ready)]!, retry) : [];
      const final = new Map<string, SubmitResult>();
      perRn.forEach((txs, i) => txs.forEach((t, j) => final.set(Buffer.from(decodeTransaction(t).id).toString('hex'), results[i]![j]!)));
      retry.forEach((t, j) => final.set(Buffer.from(decodeTransaction(t).id).toString('hex'), retried[j]!));
      const submitMs = Date.now() - started;

      // Every valid transaction was accepted; every forged one refused by its RN_k.
      for (const [id, r] of final) {
        if (forgedIds.has(id)) expect(r.result).toMatchObject({ $case: 'rejection', rejection: { code: 'BAD_SIGNATURE' } });
        else expect(r.result?.$case === 'id' ? 'id' : r.result?.rejection.code).toBe('id');
      }

      const validIds = valid.map((b) => decodeTransaction(b).id);
      // Every one, not just the last: under load an RN may still hold a package in its rescue
      // backoff (its committee named the liar) while the logic node has nothing pending.
      let waiting = validIds;
      await waitFor('all valid transfers to commit', async () => {
        const states = await Promise.all(waiting.map((id) => c.ln.node.transaction(id)));
        waiting = waiting.filter((_, i) => states[i]!.state !== 'committed');
        return waiting.length === 0 && c.ln.node.pendingCount === 0;
      }, 60_000, 250).catch(() => undefined); // what is still missing is tallied below
      producing = false;
      await producer;

      const states = await Promise.all(validIds.map((id) => c.ln.node.transaction(id)));
      // Those that did not commit cleanly, by what became of them (an empty list on success; the
      // tally says why on failure, which a bare count would not).
      const notCommitted = new Map<string, number>();
      for (const s of states) {
        if (s.state === 'committed' && s.location.summary.status === 0) continue;
        const why = s.state === 'committed' ? `committed with status ${s.location.summary.status}` : s.state === 'rejected' ? `rejected ${s.rejection.code}` : s.state;
        notCommitted.set(why, (notCommitted.get(why) ?? 0) + 1);
      }
      expect(Object.fromEntries(notCommitted)).toEqual({});
      for (const bytes of forged) expect((await c.ln.node.transaction(decodeTransaction(bytes).id)).state).not.toBe('committed');
      // Exactly the valid ones: every other committed transaction is an exclusion record.
      const exclusions = await recordedExclusions(c.ln);
      let committed = 0;
      for (let h = 1n; h <= c.ln.node.status().height; h++) committed += (await c.ln.node.block(h))!.transactions.length;
      expect(committed - valid.length).toBe(new Set(exclusions.map((e) => e.height)).size);
      // The liar was caught, and nobody else was named.
      const liarKey = c.pubkeys[LIAR]!;
      expect(exclusions.length).toBeGreaterThan(0);
      expect(exclusions.every((e) => bytesEqual(e.pubkey, liarKey))).toBe(true);
      expect(c.ln.node.roster.current.roster.members.some((m) => bytesEqual(m.pubkey, liarKey))).toBe(false);
      console.log(`10,000 transfers through 10 RNs: submitted in ${submitMs} ms, ${retry.length} resubmitted after the liar's exclusion, all settled in ${Date.now() - started} ms`);
    } finally {
      producing = false;
      await producer;
      await c.close();
    }
  }, 180_000);
});
