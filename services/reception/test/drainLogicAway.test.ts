/**
 * A drain while the logic node is away: an in-process RN whose LN is a stub that answers
 * UNAVAILABLE until told otherwise. The real-process path is in drain.test.ts; this one moves the
 * LN's availability at will, which a real LN restart cannot do within a test's time.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { toHex } from '../../protocol/src/bytes.js';
import { decodeTransaction } from '../../protocol/src/codec/transaction.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { decodePackage } from '../../protocol/src/reception/receptionPackage.js';
import { secretKey, verifier } from '../../protocol/test/support/receptionFixture.js';
import type { LogicClient } from '../../rpc/src/index.js';
import { createReceptionMetrics } from '../src/metrics.js';
import { DEFAULT_RECEPTION_OPTIONS } from '../src/options.js';
import { ReceptionNode } from '../src/receptionNode.js';
import type { RosterFollower, RosterView } from '../src/roster/rosterFollower.js';
import { transfer, waitFor } from './support/clusterHarness.js';

type Callback = (err: ServiceError | null, res?: unknown) => void;

function unavailable(): ServiceError {
  return Object.assign(new Error('14 UNAVAILABLE: away'), { code: status.UNAVAILABLE, details: 'away', metadata: new Metadata() });
}

/** A logic node stub: records what reaches it while `up`, answers UNAVAILABLE otherwise. */
function stubLogic() {
  const stub = {
    up: false,
    delivered: new Set<string>(),
    submitPackage(req: { package: Buffer }, _md: Metadata, _o: unknown, cb: Callback) {
      if (!stub.up) return cb(unavailable());
      const p = decodePackage(req.package);
      for (const t of p.decodedBatch.transactions) stub.delivered.add(toHex(decodeTransaction(t).id));
      cb(null, { accepted: p.decodedBatch.transactions.length, excluded: [] });
    },
    submitTx(req: { transaction: Buffer }, _md: Metadata, _o: unknown, cb: Callback) {
      if (!stub.up) return cb(unavailable());
      const { id } = decodeTransaction(req.transaction);
      stub.delivered.add(toHex(id));
      cb(null, { id: Buffer.from(id) });
    },
  };
  return stub;
}

describe('a drain while the logic node is away', () => {
  it('when the LN cannot take the buffer, then the RN keeps it and stays draining; once the LN is back, everything is delivered and it reports drained', async () => {
    const key = secretKey(900_001);
    const pubkey = publicKeyOf(key);
    // A roster of one with a committee of one: RN_k seals packages with no co-signer to ask.
    const view: RosterView = { epoch: 1n, members: [{ pubkey, endpoint: '127.0.0.1:1' }], self: 0 };
    const roster = { current: view, rosterOf: (e: bigint) => (e === 1n ? view : undefined), watch: () => () => undefined, stop: () => undefined } as unknown as RosterFollower;
    const logic = stubLogic();
    const registry = new Registry();
    const metrics = createReceptionMetrics(registry);
    const node = new ReceptionNode(
      { ...DEFAULT_RECEPTION_OPTIONS, committeeSize: 1, batchMs: 20, submitBackoffMs: 5, submitBackoffMaxMs: 20, submitGiveUpMs: 100, stopDrainMs: 100 },
      {
        key,
        pubkey,
        verifier,
        logic: logic as unknown as LogicClient,
        peers: {
          clientFor: () => {
            throw new Error('no peer is ever called');
          },
          coSign: () => Promise.reject(new Error('no co-signer is ever asked')),
          close: () => undefined,
        },
        roster,
        log: pino({ level: 'silent' }),
        metrics,
      },
    );
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(toHex(await node.submit(transfer(i, 0n))));
    expect(node.buffered).toBe(5);

    expect(node.drain().state).toBe('draining');
    // A package given up, its transactions' direct hand-over given up, back in the buffer, and
    // sealed into another package that is given up too: nothing is dropped meanwhile.
    const abandoned = async () => (await registry.getSingleMetric('clusterchain_reception_package_submits_total')!.get()).values.find((v) => v.labels['outcome'] === 'abandoned')?.value ?? 0;
    await waitFor('two packages to be given up', async () => (await abandoned()) >= 2, 10_000);
    expect(node.drainStatus.state).toBe('draining');
    expect((await registry.getSingleMetric('clusterchain_reception_rejected_transactions_total')!.get()).values.filter((v) => v.labels['reason'] === 'RESCUE_FAILED')).toEqual([]);

    logic.up = true;
    await waitFor('the drain to finish', () => node.drainStatus.state === 'drained', 10_000);
    expect([...logic.delivered].sort()).toEqual([...ids].sort());
    expect(node.drainStatus).toEqual({ state: 'drained', buffered: 0, packagesInFlight: 0 });
    await node.stop();
  });
});
