import { z } from 'zod';
import { GROUP, VERSION, type KindDefinition } from './v1alpha1/meta.js';

type Schema = Record<string, unknown>;

/** zod's bounds for `.int()` without an explicit one: noise in a CRD, where int64 is the type's own bound. */
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/**
 * Turns zod's OpenAPI 3.0 output into a structural schema the API server accepts:
 * - no `additionalProperties: false` (Kubernetes rejects it beside `properties`; unknown fields
 *   are pruned anyway);
 * - no regex `pattern` beside `format: date-time` (zod's lookahead pattern is not RE2, which the
 *   API server compiles patterns with; the format checks the same);
 * - no int53 bounds that zod adds to every `.int()`.
 */
export function structural(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === 'id') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'pattern' && schema['format'] === 'date-time') continue;
    if ((key === 'maximum' || key === 'minimum') && SAFE_INTEGER_BOUNDS.has(value as number)) continue;
    if (key === 'properties') out[key] = Object.fromEntries(Object.entries(value as Record<string, Schema>).map(([k, v]) => [k, structural(v)]));
    else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) out[key] = structural(value as Schema);
    else out[key] = value;
  }
  return out;
}

function schemaOf(type: z.ZodType): Schema {
  // io 'input': a field with a default is optional to the user; the API server fills it in.
  return structural(z.toJSONSchema(type, { target: 'openapi-3.0', io: 'input' }) as Schema);
}

/** The CustomResourceDefinition of one kind: a pure function of its definition. */
export function crdFor(k: KindDefinition): Schema {
  const spec = schemaOf(k.spec);
  if (k.specValidations && k.specValidations.length > 0) spec['x-kubernetes-validations'] = k.specValidations;
  const subresources: Schema = { status: {} };
  if (k.scale) subresources['scale'] = k.scale;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      names: { kind: k.kind, listKind: `${k.kind}List`, plural: k.plural, singular: k.singular, shortNames: k.shortNames, categories: ['clusterchain'] },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status: schemaOf(k.status),
              },
            },
          },
          subresources,
          additionalPrinterColumns: k.printerColumns,
        },
      ],
    },
  };
}

/** The file a kind's CRD is written to, under crds/. */
export function crdFileName(k: KindDefinition): string {
  return `${k.plural}.${GROUP}.yaml`;
}
