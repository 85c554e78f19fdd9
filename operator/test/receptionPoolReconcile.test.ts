import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { pino } from 'pino';
import { DosInbox } from '../src/dos/dosInbox.js';
import type { ClusterRef, DrainState, RosterMemberRef, SlotAgent } from '../src/reconcile/receptionPool/agent.js';
import { reconcileReceptionPool, type ReceptionPoolReconcilerConfig } from '../src/reconcile/receptionPool/reconcile.js';
import type { Kube } from '../src/runtime/kube.js';
import { apiError, clone, FakeObjectStore } from './support/fakeObjectStore.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- an in-memory API server speaks untyped JSON */

const NOW = new Date('2026-11-21T12:00:00Z');
const HOUR = 3_600_000;
const KINDS: Record<string, string> = { chainspaces: 'ChainSpace', clusters: 'Cluster', receptionpools: 'ReceptionPool' };
const key = (n: number) => `02${n.toString(16).padStart(2, '0').repeat(32)}`;

/** RFC 7386, as the API server applies a merge patch: null deletes, objects merge, the rest replaces. */
function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * The few verbs of Kube the pool's reconcile uses, over a map: merge patches as the API server
 * applies them (resourceVersion checked when given), finalizers holding a deletion, equality
 * label selectors. The cluster reconcile test's fake knows only finalizer patches; this one must
 * also carry the labels and annotations the handoff keeps on its Pods.
 */
class FakeKube extends FakeObjectStore {
  constructor() {
    super(NOW.toISOString());
  }
  pods(): any[] {
    return this.ofKind('Pod').sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  }

  readonly kube = {
    readCustom: async (plural: string, namespace: string, name: string) => {
      const o = this.get(KINDS[plural]!, namespace, name);
      return o === undefined ? null : clone(o);
    },
    list: async (_apiVersion: string, kind: string, namespace: string, selector: string) => {
      const wanted = selector.split(',').map((kv) => kv.split('='));
      return [...this.store.values()].filter((o) => o.kind === kind && o.metadata.namespace === namespace && wanted.every(([k, v]) => o.metadata.labels?.[k!] === v)).map(clone);
    },
    createIfAbsent: async (obj: any) => {
      if (this.get(obj.kind, obj.metadata.namespace, obj.metadata.name)) return false;
      this.put(clone(obj));
      return true;
    },
    mergePatch: async (patch: any) => {
      const old = this.get(patch.kind, patch.metadata.namespace, patch.metadata.name);
      if (!old) throw apiError(404);
      if (patch.metadata.resourceVersion !== undefined && patch.metadata.resourceVersion !== old.metadata.resourceVersion) throw apiError(409);
      const next = mergePatch(old, clone(patch));
      if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
        this.remove(old.kind, old.metadata.namespace, old.metadata.name);
        return next;
      }
      return this.put(next);
    },
    delete: async (_apiVersion: string, kind: string, namespace: string, name: string) => {
      const old = this.get(kind, namespace, name);
      if (!old) return;
      if ((old.metadata.finalizers ?? []).length > 0) this.put({ ...old, metadata: { ...old.metadata, deletionTimestamp: NOW.toISOString() } });
      else this.remove(kind, namespace, name);
    },
    writeStatus: async (_plural: string, obj: any, status: any) => {
      const old = this.get(obj.kind, obj.metadata.namespace, obj.metadata.name);
      if (!old) throw apiError(404);
      if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) throw apiError(409);
      this.put({ ...old, status: clone(status) });
    },
  };
}

/** The reception nodes and LN leaders as the operator reaches them: each call recorded, each cluster with its own epochs. */
class RecordingAgent implements SlotAgent {
  readonly drains: { cluster: string; ip: string }[] = [];
  readonly rosterChanges: { cluster: string; remove: string[]; add: string[] }[] = [];
  /** Who answers /identity at which address. */
  readonly identities = new Map<string, string>();
  private readonly epochs = new Map<string, bigint>();

  async identity(ip: string) {
    const pubkey = this.identities.get(ip);
    if (pubkey === undefined) throw new Error(`nothing listens at ${ip}`);
    return { pubkey, endpoint: `${ip}:7200` };
  }
  async requestDrain(cluster: ClusterRef, ip: string): Promise<DrainState> {
    this.drains.push({ cluster: cluster.name, ip });
    return 'drained';
  }
  async drainState(): Promise<DrainState> {
    return 'drained';
  }
  async changeRoster(cluster: ClusterRef, remove: readonly string[], add: readonly RosterMemberRef[]): Promise<bigint> {
    this.rosterChanges.push({ cluster: cluster.name, remove: [...remove], add: add.map((m) => m.pubkey) });
    const epoch = (this.epochs.get(cluster.name) ?? 10n) + 1n;
    this.epochs.set(cluster.name, epoch);
    return epoch;
  }
}

function marketNode(name: string, windowEndMs = NOW.getTime() + 10 * HOUR): V1Node {
  return {
    metadata: {
      name,
      labels: { 'clusterchain.io/reputation': '80', 'clusterchain.io/cores': '8', 'clusterchain.io/memory-mib': '16384', 'clusterchain.io/bandwidth-mbps': '10000' },
      annotations: { 'clusterchain.io/window-end': new Date(windowEndMs).toISOString() },
    },
    spec: { taints: [{ key: 'clusterchain.io/market', value: 'true', effect: 'NoSchedule' }] },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/**
 * Two chain spaces with different reception parameters, a Cluster in each, and pool `pool`
 * serving `clusters` with the given replicas.
 */
function world(clusters: string[], replicas: number, nodes: V1Node[]) {
  const api = new FakeKube();
  const agent = new RecordingAgent();
  const cs = (name: string, batchIntervalMs: number, committeeSize: number) =>
    api.put({ apiVersion: 'clusterchain.io/v1alpha1', kind: 'ChainSpace', metadata: { name, namespace: 'chain' }, spec: { chainId: name, genesis: {}, batchIntervalMs, committeeSize } });
  cs('space-a', 300, 3);
  cs('space-b', 500, 5);
  for (const [c, space] of [['a', 'space-a'], ['b', 'space-b']] as const) api.put({ apiVersion: 'clusterchain.io/v1alpha1', kind: 'Cluster', metadata: { name: c, namespace: 'chain' }, spec: { chainSpace: space, receptionPool: 'pool', logicNodes: 1 } });
  api.put({
    apiVersion: 'clusterchain.io/v1alpha1',
    kind: 'ReceptionPool',
    metadata: { name: 'pool', namespace: 'chain', finalizers: ['clusterchain.io/teardown'] },
    spec: { clusters, replicas, minReplicas: 0, maxReplicas: 16 },
  });
  let currentNodes = nodes;
  const config: ReceptionPoolReconcilerConfig = {
    image: 'rn:1',
    now: () => NOW,
    agent,
    nodes: () => currentNodes,
    dosInbox: new DosInbox(),
    drainTimeoutMs: 60_000,
    identityAttempts: new Map(),
    log: pino({ level: 'silent' }),
  };
  const reconcile = () => reconcileReceptionPool(api.kube as unknown as Kube, 'chain', 'pool', config);
  return { api, agent, reconcile, setNodes: (n: V1Node[]) => (currentNodes = n), pool: () => api.get('ReceptionPool', 'chain', 'pool') };
}

/** What a started RN's Pod looks like once the kubelet and the operator have seen it: bound, addressed, Ready, and (given a key) identified and in a roster. */
function started(api: FakeKube, name: string, ip: string, over: { pubkey?: string; rosterEpoch?: string; ready?: boolean } = {}) {
  const pod = api.get('Pod', 'chain', name);
  pod.spec.nodeName = pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0];
  pod.status = { podIP: ip, conditions: [{ type: 'Ready', status: over.ready === false ? 'False' : 'True' }] };
  pod.metadata.annotations = {
    ...pod.metadata.annotations,
    ...(over.pubkey ? { 'clusterchain.io/pubkey': over.pubkey, 'clusterchain.io/endpoint': `${ip}:7200` } : {}),
    ...(over.rosterEpoch ? { 'clusterchain.io/roster-epoch': over.rosterEpoch } : {}),
  };
  api.put(pod);
}

const view = (p: V1Pod) => {
  const c = p.spec?.containers[0];
  const arg = (flag: string) => c?.args?.[c.args.indexOf(flag) + 1];
  return {
    name: p.metadata?.name,
    cluster: p.metadata?.labels?.['clusterchain.io/cluster'],
    subdomain: p.spec?.subdomain,
    config: [...new Set(c?.env?.flatMap((e) => (e.valueFrom?.configMapKeyRef ? [e.valueFrom.configMapKeyRef.name] : [])))],
    batchMs: arg('--batch-ms'),
    committeeSize: arg('--committee-size'),
  };
};

describe('the ReceptionPool reconcile shell, for a pool serving several clusters', () => {
  it('when a pool of two clusters in two chain spaces is new, then its Pods alternate between them, each labelled, configured and sized for its own', async () => {
    const { api, reconcile, pool } = world(['a', 'b'], 4, ['n1', 'n2', 'n3', 'n4'].map((n) => marketNode(n)));
    await reconcile();
    expect(api.pods().map(view)).toEqual([
      { name: 'pool-0-1', cluster: 'a', subdomain: 'a-reception', config: ['a-config'], batchMs: '300', committeeSize: '3' },
      { name: 'pool-1-1', cluster: 'b', subdomain: 'b-reception', config: ['b-config'], batchMs: '500', committeeSize: '5' },
      { name: 'pool-2-1', cluster: 'a', subdomain: 'a-reception', config: ['a-config'], batchMs: '300', committeeSize: '3' },
      { name: 'pool-3-1', cluster: 'b', subdomain: 'b-reception', config: ['b-config'], batchMs: '500', committeeSize: '5' },
    ]);
    expect(pool().status.readyByCluster).toEqual({ a: 0, b: 0 });
  });

  it('when the Pods run and tell their keys, then each joins its own cluster’s roster, and the status counts each cluster’s members and epoch', async () => {
    const { api, agent, reconcile, pool } = world(['a', 'b'], 4, ['n1', 'n2', 'n3', 'n4'].map((n) => marketNode(n)));
    await reconcile();
    api.pods().forEach((p, i) => {
      started(api, p.metadata.name, `127.0.0.${i + 1}`);
      agent.identities.set(`127.0.0.${i + 1}`, key(i + 1));
    });
    await reconcile();
    expect(agent.rosterChanges).toEqual([
      { cluster: 'a', remove: [], add: [key(1)] },
      { cluster: 'b', remove: [], add: [key(2)] },
      { cluster: 'a', remove: [], add: [key(3)] },
      { cluster: 'b', remove: [], add: [key(4)] },
    ]);
    expect(pool().status).toMatchObject({ readyReplicas: 4, readyByCluster: { a: 2, b: 2 }, rosterEpochs: { a: '12', b: '12' } });
  });

  it.each([
    ['a Cluster it serves is missing', (api: FakeKube) => api.store.delete('Cluster/chain/b'), 'ClusterNotFound', 'Cluster b does not exist in chain'],
    ['the ChainSpace of one is missing', (api: FakeKube) => api.store.delete('ChainSpace/chain/space-b'), 'ChainSpaceNotFound', 'ChainSpace space-b of Cluster b does not exist in chain'],
  ])('when %s, then the pool says which, and makes no Pod', async (_what, remove, reason, message) => {
    const { api, reconcile, pool } = world(['a', 'b'], 2, [marketNode('n1'), marketNode('n2')]);
    remove(api);
    expect(await reconcile()).toBe(10_000);
    expect(api.pods()).toEqual([]);
    expect(pool().status.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'False', reason, message })]);
  });

  it('when spec.clusters changes from [a] to [b], then the running Pod serves a until its window ends; its successor serves b; the drain goes to a; a loses it and b gains the successor', async () => {
    const { api, agent, reconcile, pool, setNodes } = world(['a'], 1, [marketNode('old')]);
    await reconcile();
    expect(api.pods().map(view)).toEqual([expect.objectContaining({ name: 'pool-0-1', cluster: 'a' })]);
    started(api, 'pool-0-1', '127.0.0.1', { pubkey: key(1), rosterEpoch: '11' });

    // The spec moves on: the running member stays where it is.
    api.put({ ...api.get('ReceptionPool', 'chain', 'pool'), spec: { ...api.get('ReceptionPool', 'chain', 'pool').spec, clusters: ['b'] } });
    await reconcile();
    expect(api.pods().map((p) => p.metadata.name)).toEqual(['pool-0-1']);
    expect(pool().status.readyByCluster).toEqual({ a: 1, b: 0 });

    // Its window nears its end: the successor is made for b, with b's chain space's parameters.
    setNodes([marketNode('old', NOW.getTime() + 4 * 60_000), marketNode('fresh', NOW.getTime() + 20 * HOUR)]);
    await reconcile();
    expect(api.pods().map(view)[1]).toEqual({ name: 'pool-0-2', cluster: 'b', subdomain: 'b-reception', config: ['b-config'], batchMs: '500', committeeSize: '5' });

    // It syncs (tells its key): the old Pod is asked to drain, signed for the cluster it serves.
    started(api, 'pool-0-2', '127.0.0.2', { ready: false });
    agent.identities.set('127.0.0.2', key(2));
    await reconcile();
    expect(agent.drains).toEqual([{ cluster: 'a', ip: '127.0.0.1' }]);

    // It drained: one roster change at each cluster, and both epochs recorded.
    await reconcile();
    expect(agent.rosterChanges).toEqual([
      { cluster: 'a', remove: [key(1)], add: [] },
      { cluster: 'b', remove: [], add: [key(2)] },
    ]);
    expect(api.pods().map((p) => [p.metadata.name, p.metadata.labels['clusterchain.io/role'], p.metadata.labels['clusterchain.io/cluster']])).toEqual([['pool-0-2', 'active', 'b']]);
    expect(pool().status).toMatchObject({ handoffs: 1, rosterEpochs: { a: '11', b: '11' } });
  });

  it('when spec.clusters dropped a cluster that is gone since, then its old member’s leave is skipped and the handoff still completes', async () => {
    const { api, agent, reconcile, pool, setNodes } = world(['a'], 1, [marketNode('old')]);
    await reconcile();
    started(api, 'pool-0-1', '127.0.0.1', { pubkey: key(1), rosterEpoch: '11' });
    api.put({ ...api.get('ReceptionPool', 'chain', 'pool'), spec: { ...api.get('ReceptionPool', 'chain', 'pool').spec, clusters: ['b'] } });
    api.store.delete('Cluster/chain/a');
    setNodes([marketNode('old', NOW.getTime() + 4 * 60_000), marketNode('fresh', NOW.getTime() + 20 * HOUR)]);
    await reconcile();
    started(api, 'pool-0-2', '127.0.0.2', { ready: false });
    agent.identities.set('127.0.0.2', key(2));
    await reconcile();
    await reconcile();
    expect(agent.rosterChanges).toEqual([{ cluster: 'b', remove: [], add: [key(2)] }]);
    expect(api.pods().map((p) => p.metadata.name)).toEqual(['pool-0-2']);
    expect(pool().status.rosterEpochs).toEqual({ b: '11' });
  });

  it('when the pool is deleted, then each member leaves the roster of the cluster it serves, one change per cluster, and a cluster gone is skipped', async () => {
    const { api, agent, reconcile, pool } = world(['a', 'b', 'c'], 3, ['n1', 'n2', 'n3'].map((n) => marketNode(n)));
    api.put({ apiVersion: 'clusterchain.io/v1alpha1', kind: 'Cluster', metadata: { name: 'c', namespace: 'chain' }, spec: { chainSpace: 'space-a', receptionPool: 'pool', logicNodes: 1 } });
    await reconcile();
    api.pods().forEach((p, i) => started(api, p.metadata.name, `127.0.0.${i + 1}`, { pubkey: key(i + 1), rosterEpoch: '11' }));
    api.store.delete('Cluster/chain/c');
    await api.kube.delete('clusterchain.io/v1alpha1', 'ReceptionPool', 'chain', 'pool');
    await reconcile();
    expect(agent.rosterChanges).toEqual([
      { cluster: 'a', remove: [key(1)], add: [] },
      { cluster: 'b', remove: [key(2)], add: [] },
    ]);
    expect(api.pods()).toEqual([]);
    expect(pool()).toBeUndefined();
  });
});
