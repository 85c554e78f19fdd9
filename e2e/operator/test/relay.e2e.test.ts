/**
 * The relay handoff with real nodes (DESIGN §11): kwok fakes the machines, and PodRunner runs
 * what each Pod of the node image describes as a real process at the Pod's loopback address —
 * the logic node the Cluster made (its keys and config from the Secrets and ConfigMap the
 * operator wrote) and the reception nodes of the pool. The operator puts each RN in the roster
 * once it synced; then, under a steady stream of transfers, one slot's rented window is cut
 * short: the successor starts, the old RN drains for real, the LN publishes one epoch swapping
 * them, the old Pod goes. Every transaction a reception node acknowledged must commit.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferSigner, type BenchAccount } from '../../../services/client/src/bench/signer.js';
import { toHex } from '../../../services/protocol/src/bytes.js';
import { createLogicClient, createReceptionClient, unary, type LogicClient, type ReceptionClient } from '../../../services/rpc/src/index.js';
import { TransactionStatus_State } from '../../../services/rpc/src/gen/clusterchain/v1/logic.js';
import type { RunningOperator } from '../../../operator/src/operator.js';
import { Kube } from '../../../operator/src/runtime/kube.js';
import { startInProcessOperator } from './inProcessOperator.js';
import { fakeNode, type KwokCluster, marketNode, startChainControlPlane, until, volume } from './kwokCluster.js';
import { chainManifests } from './chainManifests.js';
import { PodRunner } from './podRunner.js';

const ACCOUNTS = 12;
const HOUR = 3600_000;

interface PoolJson {
  status?: { handoffs?: number; forcedDrains?: number; rosterEpochs?: Record<string, string>; slots?: { index: number; pod?: string; node?: string; handoff: string }[] };
}

describe('a relay handoff with real reception and logic nodes', () => {
  let k: KwokCluster;
  let operator: RunningOperator;
  let runner: PodRunner;
  let dir: string;
  let logic: LogicClient;
  const signer = new TransferSigner();
  const accounts: BenchAccount[] = Array.from({ length: ACCOUNTS }, () => signer.newAccount());
  const sink = signer.newAccount();
  const pool = async (): Promise<PoolJson> => JSON.parse((await k.kubectl(['get', 'receptionpool', 'pool-a', '-n', 'chain', '-o', 'json'])).stdout) as PoolJson;
  const roster = () => unary(logic, 'getRoster', {}, 2000);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-relay-'));
    const later = new Date(Date.now() + 4 * HOUR);
    k = await startChainControlPlane(`cc-relay-${process.pid}`, [fakeNode('ten-gbe', 10), volume, ...['m1', 'm2', 'm3', 'm4', 'm5'].map((n) => marketNode(n, { windowEnd: later }))]);
    const kube = Kube.fromFile(k.kubeconfig);
    operator = await startInProcessOperator(k.kubeconfig, { drainTimeoutMs: 60_000 });
    runner = new PodRunner(kube, 'chain', dir);
    runner.start();
    await k.kubectl(
      ['apply', '-f', '-'],
      chainManifests({
        chain: 'relay',
        slotMs: 1000,
        committeeSize: 3,
        allocations: accounts.map((a) => ({ address: toHex(a.address), balance: '1000000000000' })),
        pool: { replicas: 3, maxReplicas: 4, market: { minReputation: 50, minRemainingWindowSeconds: 3600, handoffNoticeSeconds: 300 } },
      }),
    );
  }, 180_000);

  afterAll(async () => {
    logic?.close();
    await runner?.stop();
    await operator?.stop();
    await k?.delete();
    if (dir && !process.env['E2E_KEEP']) await rm(dir, { recursive: true, force: true });
  });

  it('when the pool comes up, then each reception node joins the roster once it synced, one epoch each', async () => {
    const lnIp = await until('the logic node Pod to have an address', async () => (await k.kubectl(['get', 'pod', 'cluster-a-ln-0-0', '-n', 'chain', '-o', 'jsonpath={.status.podIP}'])).stdout || undefined, 90_000);
    logic = createLogicClient(`${lnIp}:7100`);
    const r = await until('three members in the roster', async () => {
      const x = await roster();
      return x.members.length === 3 ? x : undefined;
    }, 120_000);
    expect(r.epoch).toBe(4n); // the empty first epoch, then one per member
    const p = await pool();
    expect(p.status?.rosterEpochs?.['cluster-a']).toBe('4');
  }, 240_000);

  it('when a slot’s window is cut short under load, then the old node drains, one epoch swaps it for its successor, and every acknowledged transfer commits', async () => {
    const before = await roster();
    const p0 = await pool();
    const slot0 = p0.status?.slots?.find((s) => s.index === 0);
    const oldKey = (await k.kubectl(['get', 'pod', slot0?.pod as string, '-n', 'chain', '-o', 'jsonpath={.metadata.annotations.clusterchain\\.io/pubkey}'])).stdout;
    expect(before.members.map((m) => toHex(m.pubkey))).toContain(oldKey);

    // When the swap epoch appeared at the LN (after the old node drained); the load goes on 2 s past it.
    let swappedAt = NaN;
    const load = sendTransfers(accounts, sink, roster, () => Date.now() > swappedAt + 2000);
    await new Promise((r) => setTimeout(r, 2000));
    await k.kubectl(['annotate', 'node', slot0?.node as string, '--overwrite', `clusterchain.io/window-end=${new Date(Date.now() + 200_000).toISOString()}`]);

    const watchEpoch = (async () => {
      while (Number.isNaN(swappedAt)) {
        if ((await roster()).epoch > before.epoch) swappedAt = Date.now();
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const after = await until('the handoff to complete', async () => {
      const x = await pool();
      return (x.status?.handoffs ?? 0) >= 1 && x.status?.slots?.every((s) => s.handoff === 'None') ? x : undefined;
    }, 120_000);
    expect(after.status?.forcedDrains ?? 0).toBe(0); // the old RN confirmed its drain itself
    const swapped = await roster();
    expect(swapped.epoch).toBe(before.epoch + 1n); // one epoch for the swap
    expect(swapped.members).toHaveLength(3);
    expect(swapped.members.map((m) => toHex(m.pubkey))).not.toContain(oldKey);

    await watchEpoch;
    const sent = await load;
    expect(sent.length).toBeGreaterThan(ACCOUNTS * 10);
    // The load ran across the handoff: transfers were acknowledged before the drain and after the swap.
    expect(sent.some((t) => t.at < swappedAt - 1000)).toBe(true);
    expect(sent.some((t) => t.at > swappedAt)).toBe(true);
    const acknowledged = sent.map((t) => t.id);
    const missing = await until('every acknowledged transfer to commit', async () => {
      const left: Uint8Array[] = [];
      for (const id of acknowledged) {
        const s = await unary(logic, 'getTransaction', { id: Buffer.from(id) }, 5000);
        if (s.state !== TransactionStatus_State.STATE_COMMITTED) left.push(id);
      }
      return left.length === 0 ? left : undefined;
    }, 90_000);
    expect(missing).toEqual([]);
  }, 300_000);
});

/**
 * Each account sends transfers, nonce after nonce, until `done()`, to a reception node of the
 * current roster picked at random; a refusal that says "not here, not now" (draining, stopping,
 * unreachable, not in the roster) is retried on another one after re-reading the roster, as a
 * client would. Resolves to the ids the reception layer acknowledged.
 */
async function sendTransfers(accounts: BenchAccount[], sink: BenchAccount, roster: () => Promise<{ members: { endpoint: string }[] }>, done: () => boolean): Promise<{ id: Uint8Array; at: number }[]> {
  const signer = new TransferSigner();
  const clients = new Map<string, ReceptionClient>();
  const client = (endpoint: string) => clients.get(endpoint) ?? clients.set(endpoint, createReceptionClient(endpoint)).get(endpoint)!;
  let members = (await roster()).members;
  const acknowledged: { id: Uint8Array; at: number }[] = [];
  await Promise.all(
    accounts.map(async (a) => {
      for (let nonce = 0n; !done() && nonce < 2000n; nonce++) {
        const { encoded, id } = signer.sign(a, sink.address, 1000n, nonce);
        for (let attempt = 0; ; attempt++) {
          const m = members[Math.floor(Math.random() * members.length)] as { endpoint: string };
          try {
            await unary(client(m.endpoint), 'submitTx', { transaction: Buffer.from(encoded) }, 5000);
            acknowledged.push({ id, at: Date.now() });
            break;
          } catch (err) {
            if (attempt > 50) throw err;
            await new Promise((r) => setTimeout(r, 200));
            members = (await roster()).members;
          }
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    }),
  );
  for (const c of clients.values()) c.close();
  return acknowledged;
}
