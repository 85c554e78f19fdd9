/**
 * The ReceptionPool controller at scale on a real API server (kwok fakes the machines): 2,000
 * market Nodes, one pool of 500 slots. Measures the time from applying the pool to every slot
 * served, then relays 25 slots at once (their windows cut short to 15 s) and measures the
 * slot-seconds any slot went without a Ready Pod. Writes e2e/results/operator.json. SCALE_NODES and
 * SCALE_SLOTS shrink it for a quick look.
 */
import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningOperator } from '../../../operator/src/operator.js';
import { Kube } from '../../../operator/src/runtime/kube.js';
import { startInProcessOperator } from './inProcessOperator.js';
import { ROOT, startKwokCluster, until, type KwokCluster, installCrds } from './kwokCluster.js';
import { chainManifests } from './chainManifests.js';
import { watchSlots } from './slotWatch.js';

const NODES = Number(process.env['SCALE_NODES'] ?? 2000);
const SLOTS = Number(process.env['SCALE_SLOTS'] ?? 500);
const RELAYED = Math.min(25, Math.floor(SLOTS / 4));
const HOUR = 3600_000;

interface PoolJson {
  status?: { phase?: string; readyReplicas?: number; handoffs?: number; slots?: { index: number; pod?: string; node?: string; handoff: string }[] };
}

/**
 * Market Node i: a distinct window end (so the choice is deterministic), every tenth one below
 * the pool's reputation floor, and its own Pod CIDR on loopback (kwok hands out Pod addresses
 * from it; on loopback the operator's calls to Pods that run nothing are refused at once instead
 * of hanging until a timeout).
 */
function node(i: number, now: number): V1Node {
  const name = `market-${String(i).padStart(4, '0')}`;
  return {
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'clusterchain.io/window-end': new Date(now + 4 * HOUR + i * 1000).toISOString() },
      labels: {
        'kubernetes.io/hostname': name,
        type: 'kwok',
        'clusterchain.io/market': 'true',
        'clusterchain.io/reputation': i % 10 === 9 ? '20' : '80',
        'clusterchain.io/cores': '8',
        'clusterchain.io/memory-mib': '16384',
        'clusterchain.io/bandwidth-mbps': '10000',
      },
    },
    spec: { taints: [{ key: 'clusterchain.io/market', value: 'true', effect: 'NoSchedule' }], podCIDR: `127.${1 + (i >> 8)}.${i & 255}.0/24` },
    status: { allocatable: { cpu: '8', memory: '16Gi', pods: '110' }, capacity: { cpu: '8', memory: '16Gi', pods: '110' } },
  };
}

describe(`the ReceptionPool controller at scale (${NODES} market Nodes, ${SLOTS} slots)`, () => {
  let k: KwokCluster;
  let operator: RunningOperator;
  const results: Record<string, number> = { nodes: NODES, slots: SLOTS };
  const pool = async (): Promise<PoolJson> => JSON.parse((await k.kubectl(['get', 'receptionpool', 'pool-a', '-n', 'chain', '-o', 'json'])).stdout) as PoolJson;

  beforeAll(async () => {
    k = await startKwokCluster(`cc-scale-${process.pid}`);
    await installCrds(k);
    await k.kubectl(['create', 'namespace', 'chain']);
    const core = Kube.fromFile(k.kubeconfig).config.makeApiClient(CoreV1Api);
    const now = Date.now();
    for (let i = 0; i < NODES; i += 32) await Promise.all(Array.from({ length: Math.min(32, NODES - i) }, (_, j) => core.createNode({ body: node(i + j, now) })));
    // As on a real cluster, the market's machines are up before the pool asks for them: every Node
    // Ready and rid of the node.kubernetes.io/not-ready taint the controller manager put on it.
    await until(
      'every Node to be schedulable',
      async () => {
        const list = await core.listNode();
        return list.items.every((n) => (n.spec?.taints ?? []).every((t) => t.key === 'clusterchain.io/market')) ? true : undefined;
      },
      300_000,
    );
    await k.kubectl(['wait', '--for=create', 'serviceaccount/default', '-n', 'chain', '--timeout=60s']);
    operator = await startInProcessOperator(k.kubeconfig);
  }, 600_000);

  afterAll(async () => {
    await operator?.stop();
    await k?.delete();
    await mkdir(join(ROOT, 'e2e/results'), { recursive: true });
    await writeFile(join(ROOT, 'e2e/results/operator.json'), `${JSON.stringify(results, null, 2)}\n`);
  });

  it(`when a pool of ${SLOTS} slots is applied, then every slot is served on its own suitable Node within a minute`, async () => {
    const started = performance.now();
    await k.kubectl(['apply', '-f', '-'], chainManifests({ pool: { replicas: SLOTS, maxReplicas: SLOTS * 2, market: { minReputation: 50, minRemainingWindowSeconds: 3600, handoffNoticeSeconds: 300 } } }));
    const p = await until(
      'every slot to be served',
      async () => {
        const x = await pool();
        return x.status?.phase === 'Ready' && x.status.readyReplicas === SLOTS ? x : undefined;
      },
      300_000,
    );
    results['converge_seconds'] = Math.round((performance.now() - started) / 100) / 10;
    const nodes = (p.status?.slots ?? []).map((s) => s.node as string);
    expect(new Set(nodes).size).toBe(SLOTS);
    for (const n of nodes) expect(Number(n.slice('market-'.length)) % 10).not.toBe(9); // never below the reputation floor
    expect(results['converge_seconds']).toBeLessThan(60);
  }, 400_000);

  it(`when ${RELAYED} windows are cut short at once, then every one is relayed and no slot is ever empty`, async () => {
    const before = await pool();
    const relayed = (before.status?.slots ?? []).slice(0, RELAYED).map((s) => s.node as string);
    const stop = await watchSlots(k, 'chain', 'pool-a', SLOTS);
    const started = performance.now();
    // 15 s left, inside the 300 s notice. No RN process runs on kwok, so no successor syncs and each
    // relay completes at the window's end (relay.e2e shows the drained one-epoch swap for real).
    const soon = new Date(Date.now() + 15_000).toISOString();
    await Promise.all(relayed.map((n) => k.kubectl(['annotate', 'node', n, '--overwrite', `clusterchain.io/window-end=${soon}`])));
    const after = await until(
      'every relay to finish',
      async () => {
        const x = await pool();
        return (x.status?.handoffs ?? 0) >= RELAYED && x.status?.readyReplicas === SLOTS && x.status.slots?.every((s) => s.handoff === 'None') ? x : undefined;
      },
      300_000,
    );
    const watched = await stop();
    results['handoffs'] = after.status?.handoffs ?? 0;
    results['handoff_seconds'] = Math.round((performance.now() - started) / 100) / 10;
    results['empty_slot_seconds'] = Math.round(watched.emptySlotSeconds * 1000) / 1000;
    const moved = new Set((after.status?.slots ?? []).slice(0, RELAYED).map((s) => s.node));
    for (const n of relayed) expect(moved.has(n)).toBe(false);
    expect(watched.emptyMoments).toBe(0);
    expect(results['empty_slot_seconds']).toBe(0);
  }, 400_000);
});
