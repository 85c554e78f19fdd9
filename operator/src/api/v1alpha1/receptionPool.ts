import { z } from 'zod';
import { AGE_COLUMN, PHASE_COLUMN, objectName, statusBase, type KindDefinition } from './meta.js';

/**
 * The reception nodes of one or more clusters (WP 2.1), run as short-lived abstract nodes on
 * rented market machines (WP 1, DESIGN §8, §11): one Pod per slot, placed by the operator on a
 * market Node it chooses, and relayed to a fresh Node before the rented window ends.
 */
export const receptionPoolSpec = z.object({
  clusters: z.array(objectName).min(1).max(64),
  /** Slots wanted now: the scale subresource's field, so an HPA or KEDA can drive it. */
  replicas: z.number().int().min(0).max(10_000).default(8),
  minReplicas: z.number().int().min(0).max(10_000).default(8),
  maxReplicas: z.number().int().min(1).max(10_000).default(64),
  market: z
    .object({
      /** Lowest reputation (0–100) of a Node the pool accepts (DESIGN §8). */
      minReputation: z.number().int().min(0).max(100).default(50),
      hardware: z
        .object({
          minCores: z.number().int().min(1).max(1024).default(2),
          minMemoryMiB: z.number().int().min(64).max(16_777_216).default(2048),
          minBandwidthMbps: z.number().int().min(1).max(1_000_000).default(100),
        })
        .default({ minCores: 2, minMemoryMiB: 2048, minBandwidthMbps: 100 }),
      /** A Node is only chosen if its window has at least this much left. */
      minRemainingWindowSeconds: z.number().int().min(60).max(31_536_000).default(3600),
      /** The successor starts this long before the window ends (relay handoff). */
      handoffNoticeSeconds: z.number().int().min(10).max(86_400).default(300),
    })
    .default({ minReputation: 50, hardware: { minCores: 2, minMemoryMiB: 2048, minBandwidthMbps: 100 }, minRemainingWindowSeconds: 3600, handoffNoticeSeconds: 300 }),
  /** Scaling on DoS alerts (WP 2.3): up by `step` within `maxReplicas`, back after `cooldownSeconds`. */
  autoscaling: z
    .object({
      step: z.number().int().min(1).max(1000).default(2),
      cooldownSeconds: z.number().int().min(0).max(86_400).default(600),
    })
    .default({ step: 2, cooldownSeconds: 600 }),
});
export type ReceptionPoolSpec = z.infer<typeof receptionPoolSpec>;

/** One abstract-node slot: the Pod serving it, the Node it rents, and where its handoff stands. */
export const slotStatus = z.object({
  index: z.number().int().min(0),
  pod: z.string().optional(),
  node: z.string().optional(),
  windowEnd: z.iso.datetime().optional(),
  handoff: z.enum(['None', 'Starting', 'Draining', 'Done']).default('None'),
  successorPod: z.string().optional(),
});

export const receptionPoolStatus = z.object({
  ...statusBase,
  phase: z.enum(['Pending', 'Ready', 'Scaling', 'Degraded']).optional(),
  replicas: z.number().int().min(0).optional(),
  readyReplicas: z.number().int().min(0).optional(),
  /** readyReplicas by the cluster each slot's Pod serves: what each Cluster counts as its reception members. */
  readyByCluster: z.record(objectName, z.number().int().min(0)).optional(),
  /** The scale subresource's label selector, as a string. */
  selector: z.string().optional(),
  /** Relay handoffs completed since the pool was created. */
  handoffs: z.number().int().min(0).optional(),
  /** Handoffs whose old reception node could not confirm its drain in time. */
  forcedDrains: z.number().int().min(0).optional(),
  /** The roster epoch each served cluster's leader published last for this pool (decimal strings). */
  rosterEpochs: z.record(objectName, z.string().regex(/^[0-9]+$/)).optional(),
  slots: z.array(slotStatus).max(10_000).optional(),
  /** The DoS episode in progress (operator/src/dos): kept here so a new operator leader carries on. */
  dos: z
    .object({
      firing: z.array(z.string().max(64)).max(100).default([]),
      baseline: z.number().int().min(0).optional(),
      resolvedAt: z.iso.datetime().optional(),
    })
    .optional(),
});
export type ReceptionPoolStatus = z.infer<typeof receptionPoolStatus>;

export const ReceptionPoolKind: KindDefinition = {
  kind: 'ReceptionPool',
  plural: 'receptionpools',
  singular: 'receptionpool',
  shortNames: ['ccrp'],
  spec: receptionPoolSpec,
  status: receptionPoolStatus,
  printerColumns: [
    PHASE_COLUMN,
    { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
    { name: 'Handoffs', type: 'integer', jsonPath: '.status.handoffs' },
    AGE_COLUMN,
  ],
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  specValidations: [
    { rule: 'self.minReplicas <= self.maxReplicas', message: 'minReplicas must not exceed maxReplicas' },
    { rule: 'self.replicas <= self.maxReplicas', message: 'replicas must not exceed maxReplicas' },
    { rule: 'self.market.handoffNoticeSeconds < self.market.minRemainingWindowSeconds', message: 'handoffNoticeSeconds must be shorter than minRemainingWindowSeconds' },
  ],
};
