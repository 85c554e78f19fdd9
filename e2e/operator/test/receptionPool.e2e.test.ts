/**
 * The ReceptionPool controller against a real API server, scheduler and controller manager
 * (kwok fakes the machines): slots land only on suitable market Nodes, a window nearing its end
 * is relayed to a fresh Node with the slot never empty, a Node that fails early is replaced and
 * loses reputation, an Alertmanager webhook call scales the pool up and its resolve back down
 * after the cool-down, and deleting the pool tears everything down through the finalizer. A pool
 * serving two clusters of two chain spaces gives each its share of the slots, each Pod made for
 * its own cluster, and each Cluster counts only its own members.
 *
 * No reception node process runs here (kwok Pods run nothing), so no successor ever syncs: the
 * relay here is the one at the window's end, the successor taking the slot as it is. The drain
 * and the one-epoch roster swap with real processes are relay.e2e's.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createWebhookServer } from '../../../operator/src/dos/webhookServer.js';
import type { RunningOperator } from '../../../operator/src/operator.js';
import { startInProcessOperator } from './inProcessOperator.js';
import { type KwokCluster, marketNode, startChainControlPlane, until } from './kwokCluster.js';
import { chainManifests } from './chainManifests.js';
import { watchSlots } from './slotWatch.js';

interface PodJson {
  metadata: { name: string; labels: Record<string, string>; deletionTimestamp?: string };
  spec: {
    nodeName?: string;
    tolerations?: { key?: string }[];
    subdomain?: string;
    containers: { args?: string[]; env?: { name: string; valueFrom?: { configMapKeyRef?: { name: string; key: string } } }[] }[];
  };
  status: { podIP?: string; conditions?: { type: string; status: string }[] };
}
interface PoolJson {
  spec: { replicas: number };
  status?: { phase?: string; readyReplicas?: number; readyByCluster?: Record<string, number>; handoffs?: number; slots?: { index: number; pod?: string; node?: string; handoff: string }[]; conditions?: { type: string; status: string; reason: string }[] };
}

const HOUR = 3600_000;
const TOKEN = 'e2e-token';

describe('the ReceptionPool controller on a real API server', () => {
  let k: KwokCluster;
  let operator: RunningOperator;
  let webhook: Server;
  let webhookUrl: string;
  const later = new Date(Date.now() + 4 * HOUR);

  const pods = async (): Promise<PodJson[]> => (JSON.parse((await k.kubectl(['get', 'pods', '-n', 'chain', '-l', 'clusterchain.io/reception-pool=pool-a', '-o', 'json'])).stdout) as { items: PodJson[] }).items;
  const pool = async (): Promise<PoolJson> => JSON.parse((await k.kubectl(['get', 'receptionpool', 'pool-a', '-n', 'chain', '-o', 'json'])).stdout) as PoolJson;
  const poolReady = (replicas: number) =>
    until(`the pool to serve ${replicas} slots`, async () => {
      const p = await pool();
      const live = (await pods()).filter((x) => x.metadata.deletionTimestamp === undefined);
      return p.status?.phase === 'Ready' && p.status.readyReplicas === replicas && live.length === replicas ? p : undefined;
    });
  beforeAll(async () => {
    const nodes = [
      ...['good-1', 'good-2', 'good-3', 'good-4', 'good-5'].map((n) => marketNode(n, { windowEnd: later })),
      marketNode('low-reputation', { reputation: 10, windowEnd: later }),
      marketNode('too-small', { cores: 1, windowEnd: later }),
      marketNode('window-too-short', { windowEnd: new Date(Date.now() + 10 * 60_000) }),
    ];
    k = await startChainControlPlane(`cc-rp-${process.pid}`, nodes);
    operator = await startInProcessOperator(k.kubeconfig);
    webhook = createWebhookServer({ token: () => TOKEN, onAlerts: (a) => {
      operator.alerts(a);
      return true;
    },
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/alertmanager`;
  }, 180_000);

  afterAll(async () => {
    await new Promise<void>((r) => (webhook ? webhook.close(() => r()) : r()));
    await operator?.stop();
    await k?.delete();
  });

  it('when a pool is applied, then each slot gets one Pod, on a distinct suitable market Node, tolerating the taint', async () => {
    await k.kubectl(['apply', '-f', '-'], chainManifests({ pool: { replicas: 3, maxReplicas: 5, market: { minReputation: 50, minRemainingWindowSeconds: 3600, handoffNoticeSeconds: 300 }, autoscaling: { step: 2, cooldownSeconds: 2 } } }));
    const p = await poolReady(3);
    const placed = await pods();
    expect(placed).toHaveLength(3);
    const nodes = placed.map((x) => x.spec.nodeName);
    expect(new Set(nodes).size).toBe(3);
    for (const n of nodes) expect(n).toMatch(/^good-[0-9]$/);
    for (const x of placed) expect(x.spec.tolerations).toContainEqual(expect.objectContaining({ key: 'clusterchain.io/market' }));
    for (const x of placed) expect(x.status.podIP).toMatch(/^127\./); // the operator calls Pods: on loopback only
    expect(p.status?.slots?.map((s) => s.index)).toEqual([0, 1, 2]);
    expect(p.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True', reason: 'AllSlotsServed' }));
  }, 120_000);

  it('when a slot’s window nears its end, then a successor starts on another Node and takes over when it ends, and the slot is never empty', async () => {
    const before = await pool();
    const slot0 = before.status?.slots?.find((s) => s.index === 0);
    const oldNode = slot0?.node as string;
    const stop = await watchSlots(k, 'chain', 'pool-a', 3);
    // The machine's rental is cut short: 8 s left, well within the 300 s notice.
    await k.kubectl(['annotate', 'node', oldNode, '--overwrite', `clusterchain.io/window-end=${new Date(Date.now() + 8_000).toISOString()}`]);
    const after = await until('the handoff to finish', async () => {
      const p = await pool();
      const s = p.status?.slots?.find((x) => x.index === 0);
      return (p.status?.handoffs ?? 0) >= 1 && s?.handoff === 'None' && s.node !== oldNode && p.status?.readyReplicas === 3 ? p : undefined;
    });
    const { emptyMoments, events } = await stop();
    expect(events).toBeGreaterThan(3 + 3); // the listing, then the successor's and the old Pod's changes
    expect(emptyMoments).toBe(0);
    expect(after.status?.slots?.find((s) => s.index === 0)?.pod).not.toBe(slot0?.pod);
    expect((await pods()).filter((x) => x.spec.nodeName === oldNode && x.metadata.deletionTimestamp === undefined)).toEqual([]);
  }, 120_000);

  it('when a Node fails before its window ends, then its slot is replaced at once and the Node loses reputation', async () => {
    const before = await pool();
    const victim = before.status?.slots?.find((s) => s.index === 1)?.node as string;
    await k.kubectl(['cordon', victim]);
    await until('slot 1 to move', async () => {
      const p = await pool();
      const s = p.status?.slots?.find((x) => x.index === 1);
      return s?.node !== undefined && s.node !== victim && p.status?.readyReplicas === 3 ? p : undefined;
    });
    const node = JSON.parse((await k.kubectl(['get', 'node', victim, '-o', 'json'])).stdout) as { metadata: { labels: Record<string, string> } };
    expect(node.metadata.labels['clusterchain.io/reputation']).toBe('60');
  }, 120_000);

  it('when Alertmanager reports a DoS alert, then the pool scales up by its step, and back down after the cool-down once resolved', async () => {
    const alert = (status: 'firing' | 'resolved') =>
      fetch(webhookUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ version: '4', status, alerts: [{ status, fingerprint: 'dos-1', startsAt: new Date().toISOString(), labels: { alertname: 'ReceptionRejectingTransactions', namespace: 'chain', clusterchain_io_reception_pool: 'pool-a', dos: 'true' } }] }),
      });
    expect((await alert('firing')).status).toBe(200);
    const up = await poolReady(5);
    expect(up.spec.replicas).toBe(5);
    expect((await alert('resolved')).status).toBe(200);
    const down = await poolReady(3);
    expect(down.spec.replicas).toBe(3);
  }, 120_000);

  it('when the pool is deleted, then its Pods go and the finalizer lets it go', async () => {
    await k.kubectl(['delete', 'receptionpool', 'pool-a', '-n', 'chain', '--wait=false']);
    await until('the pool to be gone', async () => ((await k.kubectl(['get', 'receptionpools', '-n', 'chain', '-o', 'name'])).stdout.trim() === '' ? true : undefined));
    await until('its Pods to be gone', async () => ((await pods()).length === 0 ? true : undefined));
  }, 120_000);

  it('when one pool serves two clusters of two chain spaces, then its slots take them in turn, each Pod labelled and configured for its own cluster, and each Cluster counts its own members', async () => {
    const get = async <T>(what: string): Promise<T> => JSON.parse((await k.kubectl(['get', ...what.split(' '), '-n', 'chain', '-o', 'json'])).stdout) as T;
    const poolPods = async (): Promise<PodJson[]> => (await get<{ items: PodJson[] }>('pods -l clusterchain.io/reception-pool=pool-xy')).items.filter((x) => x.metadata.deletionTimestamp === undefined);
    await k.kubectl(['apply', '-f', '-'], ['xy-1', 'xy-2', 'xy-3', 'xy-4'].map((n) => marketNode(n, { windowEnd: later })).join('---\n'));
    await k.kubectl(
      ['apply', '-f', '-'],
      chainManifests({
        chain: 'space-x',
        committeeSize: 3,
        batchIntervalMs: 250,
        otherChains: [{ name: 'space-y', committeeSize: 5, batchIntervalMs: 500 }],
        clusters: [{ name: 'cluster-x' }, { name: 'cluster-y', chain: 'space-y' }],
        pool: { name: 'pool-xy', replicas: 4, maxReplicas: 4, market: { minReputation: 50, minRemainingWindowSeconds: 3600, handoffNoticeSeconds: 300 } },
      }),
    );
    const p = await until('the pool to serve both clusters', async () => {
      const x = await get<PoolJson>('receptionpool pool-xy');
      return x.status?.phase === 'Ready' && (await poolPods()).length === 4 ? x : undefined;
    });
    expect(p.status?.readyByCluster).toEqual({ 'cluster-x': 2, 'cluster-y': 2 });

    const placed = (await poolPods()).sort((a, b) => Number(a.metadata.labels['clusterchain.io/slot']) - Number(b.metadata.labels['clusterchain.io/slot']));
    expect(placed.map((x) => [x.metadata.labels['clusterchain.io/slot'], x.metadata.labels['clusterchain.io/cluster']])).toEqual([
      ['0', 'cluster-x'],
      ['1', 'cluster-y'],
      ['2', 'cluster-x'],
      ['3', 'cluster-y'],
    ]);
    const space = { 'cluster-x': { chainId: 'space-x', batchMs: '250', committeeSize: '3' }, 'cluster-y': { chainId: 'space-y', batchMs: '500', committeeSize: '5' } } as Record<string, { chainId: string; batchMs: string; committeeSize: string }>;
    for (const x of placed) {
      const cluster = x.metadata.labels['clusterchain.io/cluster'] as string;
      const c = x.spec.containers[0];
      const arg = (flag: string) => c?.args?.[c.args.indexOf(flag) + 1];
      expect([...new Set(c?.env?.flatMap((e) => (e.valueFrom?.configMapKeyRef ? [e.valueFrom.configMapKeyRef.name] : [])))]).toEqual([`${cluster}-config`]);
      expect(x.spec.subdomain).toBe(`${cluster}-reception`);
      expect({ batchMs: arg('--batch-ms'), committeeSize: arg('--committee-size') }).toEqual({ batchMs: space[cluster]?.batchMs, committeeSize: space[cluster]?.committeeSize });
    }
    // The ConfigMap each Pod's environment comes from is its own cluster's, on its own chain.
    for (const cluster of ['cluster-x', 'cluster-y']) {
      const config = await until(`${cluster}'s ConfigMap`, () => get<{ data?: Record<string, string> }>(`configmap ${cluster}-config`).catch(() => undefined));
      expect((JSON.parse(config.data?.['genesis.json'] ?? '{}') as { chainId?: string }).chainId).toBe(space[cluster]?.chainId);
    }

    for (const cluster of ['cluster-x', 'cluster-y']) {
      const c = await until(`${cluster} to count its members`, async () => {
        const x = await get<{ status?: { receptionMembers?: number } }>(`cluster ${cluster}`);
        return x.status?.receptionMembers === 2 ? x : undefined;
      });
      expect(c.status?.receptionMembers).toBe(2);
    }

    await k.kubectl(['delete', 'receptionpool', 'pool-xy', '-n', 'chain', '--wait=false']);
    await until('its Pods to be gone', async () => ((await poolPods()).length === 0 ? true : undefined));
  }, 120_000);
});
