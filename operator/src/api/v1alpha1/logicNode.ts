import { z } from 'zod';
import { AGE_COLUMN, PHASE_COLUMN, objectName, quantity, statusBase, type KindDefinition } from './meta.js';

/** The subtrees of the state a logic node executes (WP 6.3: 1024 of them), an inclusive range. */
export const bstRange = z.object({
  from: z.number().int().min(0).max(1023).default(0),
  to: z.number().int().min(0).max(1023).default(1023),
});

const resourceList = z.object({ cpu: quantity.optional(), memory: quantity.optional() });

/**
 * A resident logic node (WP 2, 6.1): one Pod with its RocksDB on a PersistentVolumeClaim, on a
 * Node with a 10GbE NIC (`clusterchain.io/nic-gbps`), never beside another LN of its cluster.
 */
export const logicNodeSpec = z.object({
  cluster: objectName,
  bst: bstRange.default({ from: 0, to: 1023 }),
  resources: z
    .object({ requests: resourceList.optional(), limits: resourceList.optional() })
    .default({ requests: { cpu: '2', memory: '4Gi' } }),
  storage: z
    .object({ size: quantity.default('20Gi'), storageClassName: z.string().min(1).max(253).optional() })
    .default({ size: '20Gi' }),
  /** The NIC speed a Node must have (label `clusterchain.io/nic-gbps`), in Gbit/s. */
  nicGbps: z.number().int().min(1).max(800).default(10),
});
export type LogicNodeSpec = z.infer<typeof logicNodeSpec>;

export const logicNodeStatus = z.object({
  ...statusBase,
  phase: z.enum(['Pending', 'Running', 'Degraded']).optional(),
  pod: z.string().optional(),
  node: z.string().optional(),
  height: z.string().regex(/^[0-9]+$/).optional(),
});
export type LogicNodeStatus = z.infer<typeof logicNodeStatus>;

export const LogicNodeKind: KindDefinition = {
  kind: 'LogicNode',
  plural: 'logicnodes',
  singular: 'logicnode',
  shortNames: ['ccln'],
  spec: logicNodeSpec,
  status: logicNodeStatus,
  printerColumns: [
    PHASE_COLUMN,
    { name: 'Cluster', type: 'string', jsonPath: '.spec.cluster' },
    { name: 'Node', type: 'string', jsonPath: '.status.node' },
    { name: 'Height', type: 'string', jsonPath: '.status.height' },
    AGE_COLUMN,
  ],
  specValidations: [{ rule: 'self.bst.from <= self.bst.to', message: 'bst.from must not exceed bst.to' }],
};
