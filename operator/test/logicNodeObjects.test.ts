import { KubeConfig, dumpYaml, loadYaml } from '@kubernetes/client-node';
import { logicNodeSpec } from '../src/api/v1alpha1/index.js';
import { logicNodeObjects, logicNodesDisruptionBudget } from '../src/resources/logicNodeObjects.js';

const owner = { apiVersion: 'clusterchain.io/v1alpha1', kind: 'LogicNode', name: 'ln-0', uid: '0f1e2d3c-0000-4000-8000-000000000001' };
const inputs = (spec: Record<string, unknown> = {}) => ({
  name: 'ln-0',
  namespace: 'chain',
  owner,
  spec: logicNodeSpec.parse({ cluster: 'cluster-a', ...spec }),
  image: 'clusterchain/logic-node:dev',
  slotMs: 3000,
  committeeSize: 7,
  configMap: 'cluster-a-config',
  keySecret: 'ln-0-key',
});

describe('the objects a LogicNode becomes', () => {
  it('when a LogicNode asks for 10GbE, then its Pod may only land on Nodes labelled nic-gbps above 9, never beside another LN of its cluster', () => {
    const pod = logicNodeObjects(inputs()).statefulSet.spec!.template.spec!;
    expect(pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'clusterchain.io/nic-gbps', operator: 'Gt', values: ['9'] }] },
    ]);
    expect(pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/component': 'logic-node', 'clusterchain.io/cluster': 'cluster-a' } } },
    ]);
    expect(logicNodeObjects(inputs({ nicGbps: 25 })).statefulSet.spec!.template.spec!.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchExpressions?.[0]?.values).toEqual(['24']);
  });

  it('when built, then RocksDB gets its own claim of the asked size, the chain parameters reach the process, and the owner collects it all', () => {
    const { statefulSet, service } = logicNodeObjects(inputs({ storage: { size: '50Gi', storageClassName: 'fast' } }));
    expect(statefulSet.spec!.volumeClaimTemplates![0]!.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } }, storageClassName: 'fast' });
    const container = statefulSet.spec!.template.spec!.containers[0]!;
    expect(container.args).toEqual(expect.arrayContaining(['--slot-ms', '3000', '--committee-size', '7', '--data', '/var/lib/clusterchain']));
    expect(container.env).toContainEqual({ name: 'MALLOC_ARENA_MAX', value: '2' });
    expect(container.resources).toEqual({ requests: { cpu: '2', memory: '4Gi' } });
    for (const o of [statefulSet, service]) expect(o.metadata?.ownerReferences).toEqual([{ ...owner, controller: true, blockOwnerDeletion: true }]);
    expect(service.spec?.selector).toEqual(statefulSet.spec?.selector.matchLabels);
  });

  it('when a Node of the cluster is drained, then the budget lets at most one of its LNs go', () => {
    expect(logicNodesDisruptionBudget('cluster-a', 'chain', owner).spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/component': 'logic-node', 'clusterchain.io/cluster': 'cluster-a' } },
    });
  });

  it('when the ESM-only Kubernetes client (1.4) is imported under jest, then it reads a kubeconfig and round-trips the objects through its YAML', () => {
    const kc = new KubeConfig();
    kc.loadFromString(dumpYaml({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }], 'current-context': 'x' }));
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    const { statefulSet } = logicNodeObjects(inputs());
    expect(loadYaml(dumpYaml(statefulSet))).toEqual(JSON.parse(JSON.stringify(statefulSet)));
  });
});
