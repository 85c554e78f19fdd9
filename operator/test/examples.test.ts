import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { API_VERSION, KINDS } from '../src/api/v1alpha1/index.js';

describe('the example manifests (README, operator/examples)', () => {
  it('when read, then each is one of our kinds and its spec passes the schema the operator reads it with', async () => {
    const text = await readFile(resolve(import.meta.dirname, '../examples/one-cluster.yaml'), 'utf8');
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { apiVersion: string; kind: string; spec: unknown });
    expect(docs.map((d) => d.kind)).toEqual(['ChainSpace', 'Cluster', 'ReceptionPool', 'LogicNode']);
    for (const d of docs) {
      expect(d.apiVersion).toBe(API_VERSION);
      const kind = KINDS.find((k) => k.kind === d.kind)!;
      const parsed = kind.spec.safeParse(d.spec);
      expect([d.kind, parsed.success ? 'ok' : parsed.error.message]).toEqual([d.kind, 'ok']);
    }
  });
});
