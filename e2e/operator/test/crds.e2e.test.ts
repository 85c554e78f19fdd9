/**
 * The generated CRDs on a real kube-apiserver (issue 4 §1): accepted as structural, defaults
 * applied by the server, CEL rules enforced, printer columns and the scale subresource working.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, startKwokCluster, type KwokCluster } from './kwokCluster.js';

const CRDS = ['chainspaces', 'clusters', 'receptionpools', 'logicnodes'].map((p) => `${p}.clusterchain.io`);

describe('the CRDs on a real API server', () => {
  let k: KwokCluster;

  beforeAll(async () => {
    k = await startKwokCluster(`cc-crds-${process.pid}`);
    await k.kubectl(['apply', '-f', join(ROOT, 'crds')]);
    await k.kubectl(['wait', '--for', 'condition=Established', '--timeout', '60s', ...CRDS.map((c) => `crd/${c}`)]);
    await k.kubectl(['create', 'namespace', 'chain']);
  }, 180_000);

  afterAll(async () => {
    await k?.delete();
  });

  it('when the example manifests are applied, then the server stores them with the defaults the schemas declare', async () => {
    await k.kubectl(['apply', '-f', join(ROOT, 'operator/examples/one-cluster.yaml')]);
    const ln = JSON.parse((await k.kubectl(['get', 'logicnode', 'cluster-a-ln-0', '-n', 'chain', '-o', 'json'])).stdout) as { spec: Record<string, unknown> };
    expect(ln.spec).toEqual({ cluster: 'cluster-a', nicGbps: 10, storage: { size: '100Gi' }, bst: { from: 0, to: 1023 }, resources: { requests: { cpu: '2', memory: '4Gi' } } });
    const cs = JSON.parse((await k.kubectl(['get', 'chainspace', 'devnet', '-n', 'chain', '-o', 'json'])).stdout) as { spec: Record<string, unknown> };
    expect(cs.spec).toMatchObject({ committeeSize: 7, batchIntervalMs: 300, clusters: { main: 1, standby: 0 }, fee: { transfer: '1000' } });
  });

  it('when a ReceptionPool breaks a rule across fields, then the server refuses it with the rule\'s message', async () => {
    const bad = (await readFile(join(ROOT, 'operator/examples/one-cluster.yaml'), 'utf8')).split('---').find((d) => d.includes('kind: ReceptionPool'))!.replace('name: pool-a', 'name: pool-bad').replace('minReplicas: 8', 'minReplicas: 40');
    await expect(k.kubectl(['apply', '-f', '-'], bad)).rejects.toMatchObject({ stderr: expect.stringContaining('minReplicas must not exceed maxReplicas') });
  });

  it('when a field is out of bounds or of the wrong type, then the server refuses it', async () => {
    const doc = `apiVersion: clusterchain.io/v1alpha1\nkind: LogicNode\nmetadata: {name: ln-bad, namespace: chain}\nspec: {cluster: cluster-a, bst: {from: 0, to: 2048}, nicGbps: fast}\n`;
    await expect(k.kubectl(['apply', '-f', '-'], doc)).rejects.toMatchObject({ stderr: expect.stringMatching(/spec\.bst\.to[\s\S]*spec\.nicGbps|spec\.nicGbps[\s\S]*spec\.bst\.to/) });
  });

  it('when listed, then the printer columns show; when scaled through the scale subresource, then spec.replicas follows', async () => {
    const table = (await k.kubectl(['get', 'receptionpools', '-n', 'chain'])).stdout;
    expect(table.split('\n')[0]).toMatch(/NAME\s+PHASE\s+REPLICAS\s+READY\s+HANDOFFS\s+AGE/);
    await k.kubectl(['scale', 'receptionpool', 'pool-a', '-n', 'chain', '--replicas', '12']);
    const pool = JSON.parse((await k.kubectl(['get', 'receptionpool', 'pool-a', '-n', 'chain', '-o', 'json'])).stdout) as { spec: { replicas: number } };
    expect(pool.spec.replicas).toBe(12);
  });
});
