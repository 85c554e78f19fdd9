import { stringify } from 'yaml';

/** A ChainSpace beside the main one, with the reception parameters its clusters' RNs run with. */
export interface OtherChain {
  name: string;
  committeeSize?: number;
  batchIntervalMs?: number;
}

export interface ChainOptions {
  /** The ChainSpace's name and chain id (default `devnet`). */
  chain?: string;
  slotMs?: number;
  committeeSize?: number;
  batchIntervalMs?: number;
  allocations?: { address: string; balance: string }[];
  /** More chain spaces (chain id = name), for clusters of one pool in different chain spaces. */
  otherChains?: OtherChain[];
  /** The clusters the pool serves, each with one logic node, in `chain` unless named otherwise (default: `cluster-a`). */
  clusters?: { name: string; chain?: string }[];
  pool: { name?: string; replicas: number; minReplicas?: number; maxReplicas: number; market?: Record<string, unknown>; autoscaling?: Record<string, unknown> };
}

/**
 * The chain the e2e suites run, in namespace `chain`: a ChainSpace, its Cluster `cluster-a` (one
 * logic node) and the ReceptionPool `pool-a` serving it, as one multi-document YAML for kubectl;
 * or, as the options say, more chain spaces and clusters, all served by the one pool.
 */
export function chainManifests(o: ChainOptions): string {
  const chain = o.chain ?? 'devnet';
  const poolName = o.pool.name ?? 'pool-a';
  const clusters = o.clusters ?? [{ name: 'cluster-a' }];
  const meta = (name: string) => ({ name, namespace: 'chain' });
  const chainSpace = (name: string, c: { slotMs?: number; committeeSize?: number; batchIntervalMs?: number; allocations?: ChainOptions['allocations'] }) => ({
    apiVersion: 'clusterchain.io/v1alpha1',
    kind: 'ChainSpace',
    metadata: meta(name),
    spec: {
      chainId: name,
      genesis: { allocations: c.allocations ?? [] },
      ...(c.slotMs ? { slotMs: c.slotMs } : {}),
      ...(c.committeeSize ? { committeeSize: c.committeeSize } : {}),
      ...(c.batchIntervalMs ? { batchIntervalMs: c.batchIntervalMs } : {}),
    },
  });
  const docs = [
    chainSpace(chain, o),
    ...(o.otherChains ?? []).map((c) => chainSpace(c.name, c)),
    ...clusters.map((c) => ({ apiVersion: 'clusterchain.io/v1alpha1', kind: 'Cluster', metadata: meta(c.name), spec: { chainSpace: c.chain ?? chain, receptionPool: poolName, logicNodes: 1 } })),
    {
      apiVersion: 'clusterchain.io/v1alpha1',
      kind: 'ReceptionPool',
      metadata: meta(poolName),
      spec: {
        clusters: clusters.map((c) => c.name),
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
