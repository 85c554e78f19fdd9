import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { API_VERSION, chainSpaceSpec, clusterSpec, logicNodeSpec, type LogicNodeStatus } from '../../api/v1alpha1/index.js';
import { logicNodeObjects } from '../../resources/logicNodeObjects.js';
import type { CustomObject, Kube } from '../../runtime/kube.js';
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
  if (ln === null) return; // deleted: its children go with it (owner references)
  const generation = ln.metadata?.generation ?? 0;
  const write = (status: LogicNodeStatus) => writeIfChanged(kube, ln, status);

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

async function writeIfChanged(kube: Kube, obj: CustomObject, status: LogicNodeStatus): Promise<void> {
  if (canonical(obj.status ?? {}) === canonical(status)) return;
  await kube.writeStatus('logicnodes', obj, status as Record<string, unknown>);
}

/** JSON with object keys sorted: the API server does not keep our key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
}
