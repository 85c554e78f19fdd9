import type { V1ConfigMap } from '@kubernetes/client-node';
import type { z } from 'zod';
import { GenesisFileSchema } from '../../../services/common/src/genesisFile.js';
import { LABEL_COMPONENT, LABEL_MANAGED_BY, LABEL_NAME, MANAGER, ownerReference, type Owner } from './labels.js';

/** The ChainSpace a child belongs to (belongs in labels.ts beside LABEL_CLUSTER). */
export const LABEL_CHAIN_SPACE = 'clusterchain.io/chain-space';

/** The ConfigMap key of a genesis, here and in each cluster's ConfigMap (the LN's `--genesis .../genesis.json`). */
export const GENESIS_KEY = 'genesis.json';

/**
 * What we let a ConfigMap we write hold: the API server refuses more than 1 MiB in all, and the
 * object's metadata needs some of it. A genesis past this belongs in a volume, not a ConfigMap.
 */
export const MAX_CONFIG_MAP_BYTES = 1_000_000;

/**
 * The genesis of a chain space: the genesis file of services/common (genesisFile.ts) without
 * `leaderPubkey`. The leader key is per cluster (each Cluster generates its LN-0 key and adds it
 * when it copies this into its own ConfigMap); it signs roster epochs and does not enter the
 * genesis block, so every cluster of a chain space starts from the same block.
 */
export const chainGenesisSchema = GenesisFileSchema.omit({ leaderPubkey: true });
export type ChainGenesis = z.infer<typeof chainGenesisSchema>;

export function genesisConfigMapName(chainSpace: string): string {
  return `${chainSpace}-genesis`;
}

/** Why a ChainSpace's name cannot label its children (a label value stops at 63 characters), or null. */
export function chainSpaceNameProblem(chainSpace: string): string | null {
  return chainSpace.length > 63 ? `ChainSpace name ${chainSpace} is longer than 63 characters, which its children's ${LABEL_CHAIN_SPACE} label cannot hold` : null;
}

/** Compact JSON with a fixed key order, so an unchanged genesis is an unchanged ConfigMap. */
export function encodeChainGenesis(g: ChainGenesis): string {
  return JSON.stringify({ chainId: g.chainId, timestampMs: g.timestampMs, allocations: g.allocations.map((a) => ({ address: a.address, balance: a.balance })) });
}

/** The ChainSpace's `<cs>-genesis` ConfigMap, owned by the ChainSpace. Pure: the executor applies it. */
export function genesisConfigMap(i: { chainSpace: string; namespace: string; owner: Owner; genesis: ChainGenesis }): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: genesisConfigMapName(i.chainSpace),
      namespace: i.namespace,
      labels: { [LABEL_NAME]: 'clusterchain', [LABEL_COMPONENT]: 'genesis', [LABEL_CHAIN_SPACE]: i.chainSpace, [LABEL_MANAGED_BY]: MANAGER },
      ownerReferences: [ownerReference(i.owner)],
    },
    data: { [GENESIS_KEY]: encodeChainGenesis(i.genesis) },
  };
}
