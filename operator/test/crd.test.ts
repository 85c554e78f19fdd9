import { crdFor, structural } from '../src/api/crd.js';
import { KINDS, chainSpaceSpec, logicNodeSpec, receptionPoolSpec } from '../src/api/v1alpha1/index.js';

type Schema = Record<string, unknown>;

function openApiOf(crd: Schema): Schema {
  const version = ((crd['spec'] as Schema)['versions'] as Schema[])[0] as Schema;
  return (version['schema'] as Schema)['openAPIV3Schema'] as Schema;
}

/** Every place in a schema, with its path. */
function* nodes(schema: Schema, path = ''): Generator<[string, Schema]> {
  yield [path, schema];
  for (const [k, v] of Object.entries((schema['properties'] as Record<string, Schema> | undefined) ?? {})) yield* nodes(v, `${path}.${k}`);
  if (schema['items']) yield* nodes(schema['items'] as Schema, `${path}[]`);
}

/** The schema at a printer column's jsonPath (".spec.a.b"), or undefined. */
function at(schema: Schema, jsonPath: string): Schema | undefined {
  let s: Schema | undefined = schema;
  for (const part of jsonPath.split('.').slice(1)) s = (s?.['properties'] as Record<string, Schema> | undefined)?.[part];
  return s;
}

describe.each(KINDS.map((k) => [k.kind, k] as const))('the %s CRD', (_name, kind) => {
  const crd = crdFor(kind);
  const schema = openApiOf(crd);

  it('when generated, then it is structural: every node typed, no additionalProperties beside properties, no pattern RE2 cannot compile', () => {
    for (const [path, node] of nodes(schema)) {
      if (path === '.metadata') continue;
      expect([path, typeof node['type']]).toEqual([path, 'string']);
      if (node['properties'] !== undefined) expect([path, node['additionalProperties']]).toEqual([path, undefined]);
      // RE2 has no lookaround or backreferences.
      if (typeof node['pattern'] === 'string') expect([path, /\(\?[=!<]|\\[1-9]/.test(node['pattern'])]).toEqual([path, false]);
    }
  });

  it('when listed by kubectl, then every printer column points at a field the schema has', () => {
    for (const column of kind.printerColumns) {
      if (column.jsonPath.startsWith('.metadata.')) continue;
      expect([column.name, at(schema, column.jsonPath) !== undefined]).toEqual([column.name, true]);
    }
  });

  it('when a status is written, then it goes through the status subresource, and the scale subresource exists only where declared', () => {
    const subresources = (((crd['spec'] as Schema)['versions'] as Schema[])[0] as Schema)['subresources'] as Schema;
    expect(subresources['status']).toEqual({});
    expect(subresources['scale']).toEqual(kind.scale);
    if (kind.scale) for (const path of [kind.scale.specReplicasPath, kind.scale.statusReplicasPath]) expect(at(schema, path)?.['type']).toBe('integer');
  });

  it('when the API server defaults a minimal spec, then it gets exactly what zod fills in, and zod accepts it', () => {
    // The operator reads objects through zod: CRD defaults and zod defaults must not drift apart.
    const minimal = minimalSpec[kind.kind];
    const defaulted = applyDefaults(at(schema, '.spec') as Schema, structuredClone(minimal));
    expect(defaulted).toEqual(kind.spec.parse(minimal));
    expect(kind.spec.safeParse(defaulted).success).toBe(true);
  });
});

/** Structural defaulting as the API server does it: a missing field takes its default, then objects are descended into. */
function applyDefaults(schema: Schema, value: unknown): unknown {
  if (value === undefined && schema['default'] !== undefined) value = structuredClone(schema['default']);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (Array.isArray(value) && schema['items']) return value.map((v) => applyDefaults(schema['items'] as Schema, v));
    return value;
  }
  const out = value as Record<string, unknown>;
  for (const [k, child] of Object.entries((schema['properties'] as Record<string, Schema> | undefined) ?? {})) {
    const v = applyDefaults(child, out[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const minimalSpec: Record<string, unknown> = {
  ChainSpace: { chainId: 'devnet', genesis: {} },
  Cluster: { chainSpace: 'devnet', receptionPool: 'pool-a' },
  ReceptionPool: { clusters: ['cluster-a'] },
  LogicNode: { cluster: 'cluster-a' },
};

describe('the zod schemas the operator reads resources with', () => {
  it('when a minimal ReceptionPool is read, then the defaults the CRD declares are filled in', () => {
    expect(receptionPoolSpec.parse({ clusters: ['c'] })).toEqual({
      clusters: ['c'],
      replicas: 8,
      minReplicas: 8,
      maxReplicas: 64,
      market: { minReputation: 50, hardware: { minCores: 2, minMemoryMiB: 2048, minBandwidthMbps: 100 }, minRemainingWindowSeconds: 3600, handoffNoticeSeconds: 300 },
      autoscaling: { step: 2, cooldownSeconds: 600 },
    });
    expect(logicNodeSpec.parse({ cluster: 'c' })).toMatchObject({ bst: { from: 0, to: 1023 }, storage: { size: '20Gi' }, nicGbps: 10 });
  });

  it.each([
    ['a chain id with capitals', chainSpaceSpec, { chainId: 'DevNet', genesis: {} }],
    ['a balance that is not a decimal string', chainSpaceSpec, { chainId: 'd', genesis: { allocations: [{ address: '00'.repeat(20), balance: '-5' }] } }],
    ['a 19-byte address', chainSpaceSpec, { chainId: 'd', genesis: { allocations: [{ address: '00'.repeat(19), balance: '5' }] } }],
    ['no clusters', receptionPoolSpec, { clusters: [] }],
    ['a subtree past 1023', logicNodeSpec, { cluster: 'c', bst: { from: 0, to: 1024 } }],
    ['a storage size that is not a quantity', logicNodeSpec, { cluster: 'c', storage: { size: 'twenty gigs' } }],
  ])('when a spec has %s, then it is refused', (_what, schema, spec) => {
    expect(schema.safeParse(spec).success).toBe(false);
  });

  it('when zod adds int53 bounds, additionalProperties: false or a date-time pattern, then the structural pass drops exactly those', () => {
    expect(
      structural({
        type: 'object',
        additionalProperties: false,
        properties: { n: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, t: { type: 'string', format: 'date-time', pattern: '^(?=x)' } },
      }),
    ).toEqual({ type: 'object', properties: { n: { type: 'integer', minimum: 0 }, t: { type: 'string', format: 'date-time' } } });
  });
});
