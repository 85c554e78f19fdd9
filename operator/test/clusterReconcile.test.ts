import { toHex } from '../../services/protocol/src/bytes.js';
import { publicKeyOf } from '../../services/protocol/src/keys.js';
import { reconcileChainSpace } from '../src/reconcile/chainSpace/reconcile.js';
import { reconcileCluster } from '../src/reconcile/cluster/reconcile.js';
import { publicKeyOfSecretData } from '../src/resources/keys.js';
import { Kube } from '../src/runtime/kube.js';
import { apiError, clone, FakeObjectStore } from './support/fakeObjectStore.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- an in-memory API server speaks untyped JSON */

const KINDS: Record<string, string> = { chainspaces: 'ChainSpace', clusters: 'Cluster', receptionpools: 'ReceptionPool', logicnodes: 'LogicNode' };

/**
 * Just enough of an API server for the reconcile shells: objects by kind/namespace/name, uids,
 * resourceVersions checked on status writes and merge patches, finalizers holding deletions, label
 * selectors on lists. No garbage collector: what the teardown deletes, it deletes itself.
 */
class FakeApiServer extends FakeObjectStore {
  readonly calls: string[] = [];
  /** Runs before a create; may throw to simulate a failure or a lost race. */
  beforeCreate: (obj: any) => void = () => undefined;

  constructor() {
    super('2026-11-20T08:00:00Z');
  }

  readonly kube = {
    // Kube's own verbs over `objects` below, as the real one has them.
    mergePatch: Kube.prototype.mergePatch,
    delete: Kube.prototype.delete,
    readCustom: async (plural: string, namespace: string, name: string) => clone(this.get(KINDS[plural]!, namespace, name)) ?? null,
    read: async (_apiVersion: string, kind: string, namespace: string, name: string) => clone(this.get(kind, namespace, name)) ?? null,
    apply: async (obj: any) => {
      this.calls.push(`apply ${obj.kind} ${obj.metadata.name}`);
      const old = this.get(obj.kind, obj.metadata.namespace, obj.metadata.name);
      return this.put(old ? { ...old, ...clone(obj), metadata: { ...old.metadata, ...clone(obj.metadata) }, status: old.status } : clone(obj));
    },
    writeStatus: async (_plural: string, obj: any, status: any) => {
      this.calls.push(`status ${obj.kind} ${obj.metadata.name}`);
      const old = this.get(obj.kind, obj.metadata.namespace, obj.metadata.name);
      if (!old) throw apiError(404);
      if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) throw apiError(409);
      this.put({ ...old, status: clone(status) });
    },
    objects: {
      list: async (_apiVersion: string, kind: string, namespace: string, _p?: unknown, _e?: unknown, _x?: unknown, _f?: unknown, labelSelector?: string) => {
        const wanted = (labelSelector ?? '').split(',').filter(Boolean).map((kv) => kv.split('='));
        return { items: this.ofKind(kind).filter((o) => o.metadata.namespace === namespace && wanted.every(([k, v]) => o.metadata.labels?.[k!] === v)).map(clone) };
      },
      create: async (obj: any) => {
        this.calls.push(`create ${obj.kind} ${obj.metadata.name}`);
        this.beforeCreate(obj);
        if (this.get(obj.kind, obj.metadata.namespace, obj.metadata.name)) throw apiError(409);
        return this.put(clone(obj));
      },
      delete: async (spec: any, _p?: unknown, _d?: unknown, _g?: unknown, _o?: unknown, propagation?: string) => {
        this.calls.push(`delete ${spec.kind} ${spec.metadata.name}${propagation === 'Foreground' ? ' (Foreground)' : ''}`);
        const old = this.get(spec.kind, spec.metadata.namespace, spec.metadata.name);
        if (!old) throw apiError(404);
        // Foreground: the API server holds the object (finalizer foregroundDeletion) until the GC has removed its dependents.
        if (propagation === 'Foreground') this.put({ ...old, metadata: { ...old.metadata, deletionTimestamp: '2026-11-21T12:00:00Z', finalizers: [...(old.metadata.finalizers ?? []), 'foregroundDeletion'] } });
        else if ((old.metadata.finalizers ?? []).length > 0) this.put({ ...old, metadata: { ...old.metadata, deletionTimestamp: '2026-11-21T12:00:00Z' } });
        else this.remove(spec.kind, spec.metadata.namespace, spec.metadata.name);
        return {};
      },
      patch: async (patch: any) => {
        this.calls.push(`patch ${patch.kind} ${patch.metadata.name} finalizers=${JSON.stringify(patch.metadata.finalizers)}`);
        const old = this.get(patch.kind, patch.metadata.namespace, patch.metadata.name);
        if (!old) throw apiError(404);
        if (old.metadata.resourceVersion !== patch.metadata.resourceVersion) throw apiError(409);
        const next = { ...old, metadata: { ...old.metadata, finalizers: patch.metadata.finalizers } };
        if (next.metadata.deletionTimestamp && next.metadata.finalizers.length === 0) {
          this.remove(old.kind, old.metadata.namespace, old.metadata.name);
          return clone(next);
        }
        return this.put(next);
      },
    },
    custom: {
      listNamespacedCustomObject: async ({ plural, namespace }: { plural: string; namespace: string }) => ({ items: this.ofKind(KINDS[plural]!).filter((o) => o.metadata.namespace === namespace).map(clone) }),
    },
  };
}

const NOW = () => new Date('2026-11-21T12:00:00Z');

function world(): { api: FakeApiServer; kube: Kube } {
  const api = new FakeApiServer();
  api.put({ apiVersion: 'clusterchain.io/v1alpha1', kind: 'ChainSpace', metadata: { name: 'devnet', namespace: 'chain' }, spec: { chainId: 'devnet', genesis: { allocations: [{ address: '9f2c1b7e4d3a5c6b8e0f1a2b3c4d5e6f7a8b9c0d', balance: '1000' }] }, committeeSize: 3 } });
  api.put({ apiVersion: 'clusterchain.io/v1alpha1', kind: 'Cluster', metadata: { name: 'c', namespace: 'chain' }, spec: { chainSpace: 'devnet', receptionPool: 'pool', logicNodes: 2 } });
  api.put({ apiVersion: 'clusterchain.io/v1alpha1', kind: 'ReceptionPool', metadata: { name: 'pool', namespace: 'chain' }, spec: { clusters: ['c'] }, status: { readyReplicas: 8 } });
  return { api, kube: api.kube as unknown as Kube };
}

let counter = 0;
const generateKey = () => new Uint8Array(32).fill(++counter);

describe('the Cluster and ChainSpace reconcile shells', () => {
  it('when a chain space and a cluster are new, then one reconcile each makes everything, and the config publishes the public keys the stored Secrets hold', async () => {
    const { api, kube } = world();
    await reconcileChainSpace(kube, 'chain', 'devnet', { now: NOW });
    expect(api.get('ChainSpace', 'chain', 'devnet').metadata.finalizers).toEqual(['clusterchain.io/teardown']);
    expect(JSON.parse(api.get('ConfigMap', 'chain', 'devnet-genesis').data['genesis.json'])).toEqual({
      chainId: 'devnet',
      timestampMs: String(Date.parse('2026-11-20T08:00:00Z')),
      allocations: [{ address: '9f2c1b7e4d3a5c6b8e0f1a2b3c4d5e6f7a8b9c0d', balance: '1000' }],
    });

    api.calls.length = 0;
    await reconcileCluster(kube, 'chain', 'c', { now: NOW, generateKey });
    expect(api.calls).toEqual([
      'patch Cluster c finalizers=["clusterchain.io/teardown"]',
      'create Secret c-ln-0-key',
      'create Secret c-ln-1-key',
      'create Secret c-operator-key',
      'apply Service c-reception',
      'apply Lease c-leader',
      'apply PodDisruptionBudget c-logic-nodes',
      'apply ConfigMap c-config',
      'apply LogicNode c-ln-0',
      'apply LogicNode c-ln-1',
      'status Cluster c',
    ]);
    const config = api.get('ConfigMap', 'chain', 'c-config').data;
    expect(config['leader-pubkey']).toBe(publicKeyOfSecretData(api.get('Secret', 'chain', 'c-ln-0-key').data));
    expect(config['admin-pubkey']).toBe(publicKeyOfSecretData(api.get('Secret', 'chain', 'c-operator-key').data));
    expect(JSON.parse(config['genesis.json']).leaderPubkey).toBe(config['leader-pubkey']);
    expect(api.get('Cluster', 'chain', 'c').status).toMatchObject({ phase: 'Pending', receptionMembers: 8, conditions: [{ reason: 'LogicNodesNotReady' }] });
  });

  it('when reconciled again over an unchanged world, then no Secret is created, no key changes and no status is written', async () => {
    const { api, kube } = world();
    await reconcileChainSpace(kube, 'chain', 'devnet', { now: NOW });
    await reconcileCluster(kube, 'chain', 'c', { now: NOW, generateKey });
    const keys = api.ofKind('Secret').map((s) => s.data['key.json']);
    api.calls.length = 0;
    await reconcileChainSpace(kube, 'chain', 'devnet', { now: NOW });
    await reconcileCluster(kube, 'chain', 'c', { now: NOW, generateKey });
    expect(api.calls.filter((c) => !c.startsWith('apply '))).toEqual([]);
    expect(api.ofKind('Secret').map((s) => s.data['key.json'])).toEqual(keys);
  });

  it('when another writer creates a key Secret first, then its key is the one the config publishes, and ours is dropped', async () => {
    const { api, kube } = world();
    await reconcileChainSpace(kube, 'chain', 'devnet', { now: NOW });
    const theirs = new Uint8Array(32).fill(0xee);
    api.beforeCreate = (obj) => {
      if (obj.metadata.name !== 'c-ln-0-key') return;
      api.put({ ...obj, data: { 'key.json': Buffer.from(`${toHex(theirs)}\n`).toString('base64') } });
    };
    await reconcileCluster(kube, 'chain', 'c', { now: NOW, generateKey });
    expect(api.get('ConfigMap', 'chain', 'c-config').data['leader-pubkey']).toBe(toHex(publicKeyOf(theirs)));
  });

  it('when creating a key Secret fails, then the error names the Secret and the HTTP code, never what the exchange carried', async () => {
    const { api, kube } = world();
    api.beforeCreate = (obj) => {
      throw apiError(500, `server said: ${JSON.stringify(obj)}`);
    };
    const err = await reconcileCluster(kube, 'chain', 'c', { now: NOW, generateKey }).catch((e: unknown) => e as Error & { code: string });
    expect(err).toMatchObject({ code: 'KEY_SECRET_CREATE_FAILED', message: 'creating key Secret chain/c-ln-0-key failed (HTTP 500)' });
    expect(err).not.toHaveProperty('cause');
  });

  it('when the Cluster is deleted, then the teardown deletes what it owns, the LogicNodes in the foreground, and lets it go only once they are gone', async () => {
    const { api, kube } = world();
    await reconcileChainSpace(kube, 'chain', 'devnet', { now: NOW });
    await reconcileCluster(kube, 'chain', 'c', { now: NOW, generateKey });
    await kube.objects.delete({ apiVersion: 'clusterchain.io/v1alpha1', kind: 'Cluster', metadata: { name: 'c', namespace: 'chain' } });
    expect(api.get('Cluster', 'chain', 'c').metadata.deletionTimestamp).toBeDefined();

    api.calls.length = 0;
    await reconcileCluster(kube, 'chain', 'c', { now: NOW, generateKey });
    expect(api.calls.filter((c) => c.startsWith('delete')).sort()).toEqual(
      ['delete ConfigMap c-config', 'delete Lease c-leader', 'delete LogicNode c-ln-0 (Foreground)', 'delete LogicNode c-ln-1 (Foreground)', 'delete PodDisruptionBudget c-logic-nodes', 'delete Secret c-ln-0-key', 'delete Secret c-ln-1-key', 'delete Secret c-operator-key', 'delete Service c-reception'].sort(),
    );
    expect(api.get('Cluster', 'chain', 'c').status.conditions[0]).toMatchObject({ reason: 'Deleting', message: expect.stringContaining('2 owned') });
    expect(api.ofKind('LogicNode').map((ln) => ln.metadata.deletionTimestamp !== undefined)).toEqual([true, true]); // held by their dependents

    for (const ln of api.ofKind('LogicNode')) api.store.delete(`LogicNode/chain/${ln.metadata.name}`); // the GC is done with them
    await reconcileCluster(kube, 'chain', 'c', { now: NOW, generateKey });
    expect(api.get('Cluster', 'chain', 'c')).toBeUndefined();
    expect([...api.store.keys()].filter((k) => k.includes('/c-'))).toEqual([]);
  });

  it('when the ChainSpace is deleted, then its genesis ConfigMap goes first and the finalizer right after, in one run', async () => {
    const { api, kube } = world();
    await reconcileChainSpace(kube, 'chain', 'devnet', { now: NOW });
    await kube.objects.delete({ apiVersion: 'clusterchain.io/v1alpha1', kind: 'ChainSpace', metadata: { name: 'devnet', namespace: 'chain' } });
    api.calls.length = 0;
    await reconcileChainSpace(kube, 'chain', 'devnet', { now: NOW });
    expect(api.calls).toEqual(['delete ConfigMap devnet-genesis', 'patch ChainSpace devnet finalizers=[]']);
    expect(api.get('ConfigMap', 'chain', 'devnet-genesis')).toBeUndefined();
    expect(api.get('ChainSpace', 'chain', 'devnet')).toBeUndefined();
  });
});
