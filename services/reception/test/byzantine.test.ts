import { bytesEqual } from '../../protocol/src/bytes.js';
import { decodeTransaction } from '../../protocol/src/codec/transaction.js';
import { routeOf } from '../../protocol/src/reception/committee.js';
import { Misconduct } from '../../protocol/src/reception/exclusion.js';
import { codeOf, unary } from '../../rpc/src/index.js';
import type { Misbehaviour } from '../src/misbehaviour.js';
import { recordedExclusions, startCluster, transfer, waitFor, type Cluster } from './support/clusterHarness.js';

const RNS = 8;
const LIAR = 2;

interface Sent {
  id: Uint8Array;
  forged: boolean;
  /** What the client was told: accepted, or the refusal code. */
  answer: 'accepted' | string;
}

/**
 * Runs a cluster of 8 RNs where RN 2 lies as `m` says, sends waves of transfers (some routed to
 * the liar, so it leads batches too, and one forged transaction per wave) until the logic node
 * excludes it, then drives blocks until every accepted transaction is settled, and checks the
 * three promises of WP 2.1 step 5: nothing invalid executes, nothing valid is silently lost, and
 * the liar is excluded by a recorded transaction under a new roster epoch.
 */
async function runLiar(m: Misbehaviour, misconduct: Misconduct): Promise<void> {
  const c: Cluster = await startCluster({ rnCount: RNS, senders: 800, misbehaviours: new Map([[LIAR, m]]) });
  try {
    const liarKey = c.pubkeys[LIAR] as Uint8Array;
    const sent: Sent[] = [];
    let sender = 0;
    for (let wave = 0; wave < 6 && !c.ln.node.roster.isExcluded(liarKey); wave++) {
      const batch: { bytes: Uint8Array; forged: boolean; via: number }[] = [];
      let toLiar = 0;
      let others = 0;
      while (toLiar < 4 || others < 4) {
        const s = sender++;
        const bytes = transfer(s, 0n);
        const routesToLiar = routeOf(decodeTransaction(bytes).tx.signature, RNS) === LIAR;
        if (routesToLiar ? toLiar++ < 4 : others++ < 4) batch.push({ bytes, forged: false, via: s % RNS });
      }
      batch.push({ bytes: transfer(sender++, 0n, { forged: true }), forged: true, via: wave % RNS });
      await Promise.all(
        batch.map(async (t) => {
          const id = decodeTransaction(t.bytes).id;
          try {
            await unary(c.clients[t.via]!, 'submitTx', { transaction: Buffer.from(t.bytes) });
            sent.push({ id, forged: t.forged, answer: 'accepted' });
          } catch (err) {
            sent.push({ id, forged: t.forged, answer: codeOf(err) ?? 'NO_CODE' });
          }
        }),
      );
      const until = Date.now() + 3_000;
      while (Date.now() < until && !c.ln.node.roster.isExcluded(liarKey)) {
        await new Promise((r) => setTimeout(r, 150));
        await c.ln.node.produceBlock();
      }
    }
    expect(c.ln.node.roster.isExcluded(liarKey)).toBe(true);

    // Drive blocks until every transaction a client was told is accepted has settled.
    const accepted = sent.filter((s) => s.answer === 'accepted');
    await waitFor(
      'accepted transactions to settle',
      async () => {
        await c.ln.node.produceBlock();
        const states = await Promise.all(accepted.map((s) => c.ln.node.transaction(s.id)));
        return states.every((st) => st.state === 'committed' || st.state === 'rejected');
      },
      20_000,
      100,
    );

    for (const s of sent) {
      const st = await c.ln.node.transaction(s.id);
      if (s.forged) {
        // No invalid transaction executes: refused at the edge, or never committed.
        expect(st.state).not.toBe('committed');
      } else {
        // No valid one is silently lost: committed (successfully, once), or its client was told why not.
        if (s.answer === 'accepted') {
          expect(st.state).toBe('committed');
          if (st.state === 'committed') expect(st.location.summary.status).toBe(0);
        } else {
          expect(s.answer).toMatch(/^[A-Z_]+$/);
        }
      }
    }
    expect(sent.filter((s) => !s.forged && s.answer === 'accepted').length).toBeGreaterThan(0);

    const exclusions = await recordedExclusions(c.ln);
    const ofLiar = exclusions.filter((e) => bytesEqual(e.pubkey, liarKey));
    expect(ofLiar.map((e) => e.misconduct)).toContain(misconduct);
    // Only the liar is excluded: honest members are never named.
    expect(exclusions.every((e) => bytesEqual(e.pubkey, liarKey))).toBe(true);
    const roster = c.ln.node.roster.current.roster;
    expect(roster.epoch).toBeGreaterThan(1n);
    expect(roster.members.some((mm) => bytesEqual(mm.pubkey, liarKey))).toBe(false);
    expect(roster.members).toHaveLength(RNS - 1);
    // The liar's own node sees it is out: it takes no more traffic.
    await waitFor('the liar to see its exclusion', () => !c.rns[LIAR]!.node.ready, 5_000);
  } finally {
    await c.close();
  }
}

describe('byzantine reception nodes (WP 2.1 step 5)', () => {
  it('when an RN flips its verdicts, as co-signer and as RN_k, then only valid transactions commit and it is excluded on chain', async () => {
    await runLiar({ name: 'flip-verdicts', role: 'both' }, Misconduct.falseVerdict);
  });

  it('when a co-signer signs a different batch hash, then it is excluded on chain and the batch still executes', async () => {
    await runLiar({ name: 'sign-other-batch-hash' }, Misconduct.signedOtherBatch);
  });

  it('when RN_k names a wrong committee, then it is excluded on chain and its valid transactions still commit', async () => {
    await runLiar({ name: 'wrong-committee' }, Misconduct.wrongCommittee);
  });

  it('when RN_k forges a co-signature, then it is excluded on chain and its valid transactions still commit', async () => {
    await runLiar({ name: 'forge-cosignature' }, Misconduct.forgedCoSignature);
  });

  it('when a co-signer withholds its verdict, even from the logic node challenge, then it is excluded on chain', async () => {
    await runLiar({ name: 'withhold' }, Misconduct.withheldVerdict);
  });

  it('when RN_k replays an accepted package, then nothing executes twice and it is excluded on chain', async () => {
    await runLiar({ name: 'replay-old-package' }, Misconduct.replayedBatch);
  });
});
