import { z } from 'zod';
import { AGE_COLUMN, PHASE_COLUMN, objectName, statusBase, type KindDefinition } from './meta.js';

/**
 * One cluster of a chain space (WP 2): its reception pool and its resident logic nodes. The
 * operator creates the LogicNode resources it is short of, and the cluster's Services,
 * ConfigMaps (genesis, roster), key Secrets and leader Lease.
 */
export const clusterSpec = z.object({
  chainSpace: objectName,
  /** Fault-tolerance rank (WP 3.1): the order in which standby clusters step in; 0 first. */
  rank: z.number().int().min(0).max(1023).default(0),
  receptionPool: objectName,
  /** How many LogicNode resources serve the cluster. */
  logicNodes: z.number().int().min(1).max(64).default(1),
});
export type ClusterSpec = z.infer<typeof clusterSpec>;

export const clusterStatus = z.object({
  ...statusBase,
  phase: z.enum(['Pending', 'Ready', 'Degraded']).optional(),
  readyLogicNodes: z.number().int().min(0).optional(),
  receptionMembers: z.number().int().min(0).optional(),
  /** The roster epoch the cluster's leader published last (decimal string). */
  rosterEpoch: z.string().regex(/^[0-9]+$/).optional(),
  height: z.string().regex(/^[0-9]+$/).optional(),
});
export type ClusterStatus = z.infer<typeof clusterStatus>;

export const ClusterKind: KindDefinition = {
  kind: 'Cluster',
  plural: 'clusters',
  singular: 'cluster',
  shortNames: ['ccl'],
  spec: clusterSpec,
  status: clusterStatus,
  printerColumns: [
    PHASE_COLUMN,
    { name: 'ChainSpace', type: 'string', jsonPath: '.spec.chainSpace' },
    { name: 'LNs', type: 'integer', jsonPath: '.status.readyLogicNodes' },
    { name: 'RNs', type: 'integer', jsonPath: '.status.receptionMembers' },
    { name: 'Epoch', type: 'string', jsonPath: '.status.rosterEpoch' },
    AGE_COLUMN,
  ],
};
