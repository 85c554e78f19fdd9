import { z } from 'zod';
import { AGE_COLUMN, PHASE_COLUMN, amount, statusBase, type KindDefinition } from './meta.js';

/** A funded account of the genesis block (WP 6.3): a 20-byte address in hex and its balance. */
export const genesisAllocation = z.object({
  address: z.string().regex(/^(0x)?[0-9a-fA-F]{40}$/),
  balance: amount,
});

/**
 * One chain space (WP 4.2): its genesis, its slot, how many clusters produce and stand by, and
 * the reception layer's parameters every cluster of it shares. An object in etcd is at most
 * ~1.5 MB, so genesis allocations in the resource are bounded; a large genesis belongs in a
 * ConfigMap (`genesisFrom`).
 */
export const chainSpaceSpec = z.object({
  chainId: z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/),
  genesis: z.object({
    timestampMs: z.number().int().min(0).optional(),
    allocations: z.array(genesisAllocation).max(2000).default([]),
    /** A ConfigMap key holding the genesis JSON (services/common genesisFile), for more allocations. */
    genesisFrom: z.object({ configMapName: z.string().min(1).max(253), key: z.string().min(1).max(253) }).optional(),
  }),
  /** One block per slot (WP 3: 3 s). */
  slotMs: z.number().int().min(100).max(60_000).default(3000),
  clusters: z
    .object({
      /** Clusters that produce blocks in turn (WP 3). */
      main: z.number().int().min(1).max(1024).default(1),
      /** Clusters kept ready to replace a failed one. */
      standby: z.number().int().min(0).max(1024).default(0),
    })
    .default({ main: 1, standby: 0 }),
  /** RN_k and its co-signers (WP 2.1: 7). */
  committeeSize: z.number().int().min(3).max(64).default(7),
  /** RN_k seals a batch this often (WP 2.1: 0.3 s). */
  batchIntervalMs: z.number().int().min(50).max(10_000).default(300),
  /** The transfer fee (WP 5), shared by the committee that verified the transaction. */
  fee: z.object({ transfer: amount.default('1000') }).default({ transfer: '1000' }),
});
export type ChainSpaceSpec = z.infer<typeof chainSpaceSpec>;

export const chainSpaceStatus = z.object({
  ...statusBase,
  phase: z.enum(['Pending', 'Ready', 'Degraded']).optional(),
  clusters: z.number().int().min(0).optional(),
  readyClusters: z.number().int().min(0).optional(),
  /** Height of the chain's head as its clusters report it (a decimal string: it outgrows int53). */
  height: z.string().regex(/^[0-9]+$/).optional(),
});
export type ChainSpaceStatus = z.infer<typeof chainSpaceStatus>;

export const ChainSpaceKind: KindDefinition = {
  kind: 'ChainSpace',
  plural: 'chainspaces',
  singular: 'chainspace',
  shortNames: ['ccs'],
  spec: chainSpaceSpec,
  status: chainSpaceStatus,
  printerColumns: [
    PHASE_COLUMN,
    { name: 'Chain', type: 'string', jsonPath: '.spec.chainId' },
    { name: 'Clusters', type: 'integer', jsonPath: '.status.clusters' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyClusters' },
    { name: 'Height', type: 'string', jsonPath: '.status.height' },
    AGE_COLUMN,
  ],
};
