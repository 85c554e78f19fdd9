import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { API_VERSION, chainSpaceSpec, clusterSpec, logicNodeSpec, type LogicNodeStatus } from '../../api/v1alpha1/index.js';
import { logicNodeObjects } from '../../resources/logicNodeObjects.js';
import type { Kube } from '../../runtime/kube.js';
import { writeStatusIfChanged } from '../writeStatus.js';
import { logicNodeStatus, type LogicNodeProblem } from './status.js';

export interface LogicNodeReconcilerConfig {
  image: string;
  now: () => Date;
}

/**
 * One reconcile of a LogicNode (thin shell): read it and the Cluster and ChainSpace it names,
 * apply its StatefulSet and Service (logicNodeObjects), and write the status they show. A status
 * equal to the one stored is not written again, so our own write does not wake us forever.
 */
export async function reconcileLogicNode(kube: Kube, namespace: string, name: string, config: LogicNodeReconcilerConfig): Promise<void> {
  const ln = await kube.readCustom('logicnodes', namespace, name);
  // Deleted, or being deleted (a Cluster's foreground teardown waits for its StatefulSet to go:
  // applying it again would keep it): its children go with it through their owner references.
  if (ln === null || ln.metadata?.deletionTimestamp !== undefined) return;
  const generation = ln.metadata?.generation ?? 0;
  const write = (status: LogicNodeStatus) => writeStatusIfChanged(kube, 'logicnodes', ln, status);

  const spec = logicNodeSpec.safeParse(ln.spec);
  if (!spec.success) return write(logicNodeStatus(generation, { statefulSet: null, pod: null, problem: { reason: 'InvalidSpec', message: spec.error.issues[0]?.message ?? 'invalid' } }, ln.status, config.now()));
  const problem = async (p: LogicNodeProblem) => write(logicNodeStatus(generation, { statefulSet: null, pod: null, problem: p }, ln.status, config.now()));
  const cluster = await kube.readCustom('clusters', namespace, spec.data.cluster);
  if (cluster === null) return problem({ reason: 'ClusterNotFound', message: `Cluster ${spec.data.cluster} does not exist in ${namespace}` });
  const chainSpaceName = clusterSpec.parse(cluster.spec).chainSpace;
  const chainSpace = await kube.readCustom('chainspaces', namespace, chainSpaceName);
  if (chainSpace === null) return problem({ reason: 'ChainSpaceNotFound', message: `ChainSpace ${chainSpaceName} does not exist in ${namespace}` });
  const cs = chainSpaceSpec.parse(chainSpace.spec);

  const objects = logicNodeObjects({
    name,
    namespace,
    owner: { apiVersion: API_VERSION, kind: 'LogicNode', name, uid: ln.metadata?.uid as string },
    spec: spec.data,
    image: config.image,
    slotMs: cs.slotMs,
    committeeSize: cs.committeeSize,
    configMap: `${spec.data.cluster}-config`,
    keySecret: `${name}-key`,
  });
  await kube.apply(objects.statefulSet);
  await kube.apply(objects.service);
  const statefulSet = await kube.read<V1StatefulSet>('apps/v1', 'StatefulSet', namespace, name);
  const pod = await kube.read<V1Pod>('v1', 'Pod', namespace, `${name}-0`);
  return write(logicNodeStatus(generation, { statefulSet, pod }, ln.status, config.now()));
}
