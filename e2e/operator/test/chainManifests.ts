import { stringify } from 'yaml';

export interface ChainOptions {
  /** The ChainSpace's name and chain id (default `devnet`). */
  chain?: string;
  slotMs?: number;
  committeeSize?: number;
  allocations?: { address: string; balance: string }[];
  pool: { replicas: number; minReplicas?: number; maxReplicas: number; market?: Record<string, unknown>; autoscaling?: Record<string, unknown> };
}

/**
 * The chain the e2e suites run, in namespace `chain`: a ChainSpace, its Cluster `cluster-a` (one
 * logic node) and the ReceptionPool `pool-a` serving it, as one multi-document YAML for kubectl.
 */
export function chainManifests(o: ChainOptions): string {
  const chain = o.chain ?? 'devnet';
  const meta = (name: string) => ({ name, namespace: 'chain' });
  const docs = [
    {
      apiVersion: 'clusterchain.io/v1alpha1',
      kind: 'ChainSpace',
      metadata: meta(chain),
      spec: { chainId: chain, genesis: { allocations: o.allocations ?? [] }, ...(o.slotMs ? { slotMs: o.slotMs } : {}), ...(o.committeeSize ? { committeeSize: o.committeeSize } : {}) },
    },
    { apiVersion: 'clusterchain.io/v1alpha1', kind: 'Cluster', metadata: meta('cluster-a'), spec: { chainSpace: chain, receptionPool: 'pool-a', logicNodes: 1 } },
    {
      apiVersion: 'clusterchain.io/v1alpha1',
      kind: 'ReceptionPool',
      metadata: meta('pool-a'),
      spec: {
        clusters: ['cluster-a'],
        replicas: o.pool.replicas,
        minReplicas: o.pool.minReplicas ?? o.pool.replicas,
        maxReplicas: o.pool.maxReplicas,
        ...(o.pool.market ? { market: o.pool.market } : {}),
        ...(o.pool.autoscaling ? { autoscaling: o.pool.autoscaling } : {}),
      },
    },
  ];
  return docs.map((d) => stringify(d)).join('---\n');
}
