/**
 * The operator against a real API server (kwok): a LogicNode becomes a StatefulSet whose Pod may
 * only land on a 10GbE Node, its status follows the Pod, and deleting it takes its children along.
 */
import { join } from 'node:path';
import type { RunningOperator } from '../../../operator/src/operator.js';
import { startInProcessOperator } from './inProcessOperator.js';
import { fakeNode, type KwokCluster, ROOT, startChainControlPlane, until, volume } from './kwokCluster.js';

describe('the operator reconciling LogicNodes on a real API server', () => {
  let k: KwokCluster;
  let operator: RunningOperator;

  beforeAll(async () => {
    k = await startChainControlPlane(`cc-ln-${process.pid}`, [fakeNode('ten-gbe', 10), fakeNode('one-gbe', 1), volume]);
    operator = await startInProcessOperator(k.kubeconfig);
  }, 180_000);

  afterAll(async () => {
    await operator?.stop();
    await k?.delete();
  });

  it('when a LogicNode is applied, then its Pod runs on the 10GbE Node only, and its status says so', async () => {
    await k.kubectl(['apply', '-f', join(ROOT, 'operator/examples/one-cluster.yaml')]);
    const status = await until('the LogicNode to report Running', async () => {
      const ln = JSON.parse((await k.kubectl(['get', 'logicnode', 'cluster-a-ln-0', '-n', 'chain', '-o', 'json'])).stdout) as { status?: { phase?: string; node?: string; conditions?: { type: string; status: string; reason: string }[] } };
      return ln.status?.phase === 'Running' ? ln.status : undefined;
    });
    expect(status.node).toBe('ten-gbe');
    expect(status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True', reason: 'PodReady' }));
    const sts = JSON.parse((await k.kubectl(['get', 'statefulset', 'cluster-a-ln-0', '-n', 'chain', '-o', 'json', '--show-managed-fields'])).stdout) as { metadata: { ownerReferences: { kind: string; controller: boolean }[]; managedFields: { manager: string }[] } };
    expect(sts.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'LogicNode', controller: true })]);
    expect(sts.metadata.managedFields.map((f) => f.manager)).toContain('clusterchain-operator');
  });

  it('when the LogicNode names a Cluster that does not exist, then its status says ClusterNotFound and nothing is made', async () => {
    await k.kubectl(['apply', '-f', '-'], 'apiVersion: clusterchain.io/v1alpha1\nkind: LogicNode\nmetadata: {name: orphan, namespace: chain}\nspec: {cluster: nowhere}\n');
    const reason = await until('the orphan LogicNode to report its problem', async () => {
      const ln = JSON.parse((await k.kubectl(['get', 'logicnode', 'orphan', '-n', 'chain', '-o', 'json'])).stdout) as { status?: { conditions?: { reason: string }[] } };
      return ln.status?.conditions?.[0]?.reason;
    });
    expect(reason).toBe('ClusterNotFound');
    await expect(k.kubectl(['get', 'statefulset', 'orphan', '-n', 'chain'])).rejects.toBeDefined();
  });

  it('when the LogicNode is deleted, then its StatefulSet and Service are collected through their owner reference', async () => {
    const children = ['get', 'statefulset,service', '-n', 'chain', '-l', 'app.kubernetes.io/instance=cluster-a-ln-0', '-o', 'name'];
    expect((await k.kubectl(children)).stdout.trim().split('\n').sort()).toEqual(['service/cluster-a-ln-0', 'statefulset.apps/cluster-a-ln-0']);
    await k.kubectl(['delete', 'logicnode', 'cluster-a-ln-0', '-n', 'chain']);
    await until('the StatefulSet and Service to be collected', async () => {
      const { stdout } = await k.kubectl(children);
      return stdout.trim() === '' ? true : undefined;
    });
  });
});
