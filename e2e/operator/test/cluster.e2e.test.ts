/**
 * The Cluster and ChainSpace controllers against a real API server (kwok fakes the machines):
 * a chain space and a cluster become the genesis, the cluster's keys in Secrets (made once,
 * never again), its ConfigMap, headless Service, leader Lease and LogicNodes; their statuses
 * follow their children; deleting them tears everything down through their finalizers.
 */
import type { RunningOperator } from '../../../operator/src/operator.js';
import { startInProcessOperator } from './inProcessOperator.js';
import { fakeNode, type KwokCluster, startChainControlPlane, until, volume } from './kwokCluster.js';

interface Obj {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[]; finalizers?: string[] };
  data?: Record<string, string>;
  immutable?: boolean;
  status?: { phase?: string; clusters?: number; readyLogicNodes?: number; conditions?: { type: string; status: string; reason: string }[] };
  spec?: { holderIdentity?: string; clusterIP?: string };
}

describe('the Cluster and ChainSpace controllers on a real API server', () => {
  let k: KwokCluster;
  let operator: RunningOperator;
  const get = async (what: string): Promise<Obj> => JSON.parse((await k.kubectl(['get', ...what.split(' '), '-n', 'chain', '-o', 'json'])).stdout) as Obj;
  const names = async (kind: string): Promise<string[]> =>
    (await k.kubectl(['get', kind, '-n', 'chain', '-o', 'name'])).stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.slice(l.indexOf('/') + 1));

  beforeAll(async () => {
    k = await startChainControlPlane(`cc-cl-${process.pid}`, [fakeNode('ten-gbe', 10), volume]);
    operator = await startInProcessOperator(k.kubeconfig);
  }, 180_000);

  afterAll(async () => {
    await operator?.stop();
    await k?.delete();
  });

  it('when a chain space and a cluster are applied, then the cluster gets its keys, config, Service, Lease and logic node', async () => {
    await k.kubectl(['apply', '-f', '-'], manifests);
    const config = await until('the cluster ConfigMap', async () => (await names('configmaps')).includes('cluster-a-config') ? get('configmap cluster-a-config') : undefined);
    expect(Object.keys(config.data ?? {}).sort()).toEqual(['admin-pubkey', 'genesis.json', 'leader-pubkey', 'logic-address', 'roster.json']);
    const genesis = JSON.parse(config.data?.['genesis.json'] ?? '{}') as { chainId: string; leaderPubkey: string; allocations: unknown[] };
    expect(genesis.chainId).toBe('e2e-chain');
    expect(genesis.leaderPubkey).toBe(config.data?.['leader-pubkey']);
    expect(genesis.allocations).toHaveLength(1);
    expect(JSON.parse(config.data?.['roster.json'] ?? '')).toEqual({ members: [] });

    const secrets = await names('secrets');
    expect(secrets).toEqual(expect.arrayContaining(['cluster-a-ln-0-key', 'cluster-a-operator-key']));
    const key = await get('secret cluster-a-ln-0-key');
    expect(key.immutable).toBe(true);
    expect(key.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Cluster', name: 'cluster-a' })]);

    expect((await get('service cluster-a-reception')).spec?.clusterIP).toBe('None');
    expect((await get('lease cluster-a-leader')).spec?.holderIdentity).toBe('cluster-a-ln-0');
    expect((await get('poddisruptionbudget cluster-a-logic-nodes')).metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Cluster', name: 'cluster-a' })]);
    const ln = await until('the cluster’s logic node to run', async () => {
      const x = await get('logicnode cluster-a-ln-0').catch(() => undefined);
      return x?.status?.phase === 'Running' ? x : undefined;
    });
    expect(ln.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Cluster', name: 'cluster-a' })]);
    const cs = await until('the chain space to count its cluster', async () => {
      const x = await get('chainspace e2e');
      return x.status?.clusters === 1 ? x : undefined;
    });
    expect(cs.metadata.finalizers).toContain('clusterchain.io/teardown');
  }, 120_000);

  it('when the cluster’s ConfigMap is deleted, then it comes back with the same keys: a key is never made twice', async () => {
    const before = await get('configmap cluster-a-config');
    await k.kubectl(['delete', 'configmap', 'cluster-a-config', '-n', 'chain']);
    await k.kubectl(['annotate', 'cluster', 'cluster-a', '-n', 'chain', '--overwrite', `e2e/poke=${Date.now()}`]); // an event, rather than waiting for the resync
    const after = await until('the ConfigMap to return', async () => (await names('configmaps')).includes('cluster-a-config') ? get('configmap cluster-a-config') : undefined);
    expect(after.data?.['leader-pubkey']).toBe(before.data?.['leader-pubkey']);
    expect(after.data?.['admin-pubkey']).toBe(before.data?.['admin-pubkey']);
  }, 60_000);

  it('when the cluster is deleted, then everything it made goes, then the cluster itself', async () => {
    await k.kubectl(['delete', 'cluster', 'cluster-a', '-n', 'chain', '--wait=false']);
    await until('the cluster to be gone', async () => ((await names('clusters')).length === 0 ? true : undefined), 90_000);
    await until('its children to be gone', async () => {
      const left = [...(await names('logicnodes')), ...(await names('secrets')).filter((s) => s.startsWith('cluster-a')), ...(await names('configmaps')).filter((s) => s.startsWith('cluster-a'))];
      return left.length === 0 ? true : undefined;
    }, 90_000);
    await k.kubectl(['delete', 'chainspace', 'e2e', '-n', 'chain', '--wait=false']);
    await until('the chain space and its genesis to be gone', async () => ((await names('chainspaces')).length === 0 && !(await names('configmaps')).includes('e2e-genesis') ? true : undefined));
  }, 120_000);
});

const manifests = `apiVersion: clusterchain.io/v1alpha1
kind: ChainSpace
metadata: {name: e2e, namespace: chain}
spec:
  chainId: e2e-chain
  genesis:
    allocations:
      - {address: "9f2c1b7e4d3a5c6b8e0f1a2b3c4d5e6f7a8b9c0d", balance: "1000000"}
---
apiVersion: clusterchain.io/v1alpha1
kind: Cluster
metadata: {name: cluster-a, namespace: chain}
spec: {chainSpace: e2e, receptionPool: pool-a, logicNodes: 1}
`;
