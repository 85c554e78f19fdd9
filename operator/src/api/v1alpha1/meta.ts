import { z } from 'zod';

/** API group and version of every ClusterChain kind (DESIGN §11). */
export const GROUP = 'clusterchain.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** A Kubernetes object name in the same namespace (RFC 1123 subdomain, the usual bound). */
export const objectName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);

/** A resource quantity as Kubernetes writes it: "500m", "2", "8Gi". */
export const quantity = z.string().regex(/^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/);

/** An amount of the chain's currency: a decimal string, because it outgrows a JSON number. */
export const amount = z.string().regex(/^(0|[1-9][0-9]{0,38})$/);

/**
 * A status condition in the standard shape (metav1.Condition): CamelCase reasons, never an
 * error string as a reason; the message carries the detail.
 */
export const condition = z.object({
  type: z.string().min(1).max(316),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/),
  message: z.string().max(32768),
  lastTransitionTime: z.iso.datetime(),
  observedGeneration: z.number().int().min(0).optional(),
});
export type Condition = z.infer<typeof condition>;

/** What every status carries: the generation it describes, and its conditions. */
export const statusBase = {
  observedGeneration: z.number().int().min(0).optional(),
  conditions: z.array(condition).max(16).optional(),
};

/** A printer column of `kubectl get`. */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** Everything the CRD generator needs to know about one kind besides its schemas. */
export interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  spec: z.ZodType;
  status: z.ZodType;
  printerColumns: PrinterColumn[];
  /** The scale subresource, for kinds an HPA or KEDA may drive. */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** CEL rules on the spec that zod's own checks cannot express in the schema. */
  specValidations?: { rule: string; message: string }[];
}

/** The columns every kind ends with. */
export const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
export const PHASE_COLUMN: PrinterColumn = { name: 'Phase', type: 'string', jsonPath: '.status.phase' };
