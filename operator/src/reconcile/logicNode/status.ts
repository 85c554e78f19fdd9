import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { Condition, LogicNodeStatus } from '../../api/v1alpha1/index.js';
import { setCondition } from '../conditions.js';

export interface LogicNodeProblem {
  reason: 'InvalidSpec' | 'ClusterNotFound' | 'ChainSpaceNotFound';
  message: string;
}

/** A LogicNode's status from what its StatefulSet and Pod show (pure; the clock is passed in). */
export function logicNodeStatus(
  generation: number,
  observed: { statefulSet: V1StatefulSet | null; pod: V1Pod | null; problem?: LogicNodeProblem },
  prior: { conditions?: Condition[] } | undefined,
  now: Date,
): LogicNodeStatus {
  const { statefulSet, pod, problem } = observed;
  const ready = problem === undefined && (statefulSet?.status?.readyReplicas ?? 0) >= 1;
  const reason = problem?.reason ?? (ready ? 'PodReady' : pod ? 'PodNotReady' : 'NoPodYet');
  const message = problem?.message ?? (ready ? `pod ${pod?.metadata?.name ?? ''} is ready on ${pod?.spec?.nodeName ?? '?'}` : pod ? `pod ${pod.metadata?.name ?? ''} is ${pod.status?.phase ?? 'not ready'}` : 'waiting for the pod to be created');
  const conditions = setCondition(prior?.conditions, { type: 'Ready', status: ready ? 'True' : 'False', reason, message, observedGeneration: generation }, now);
  return {
    observedGeneration: generation,
    conditions,
    phase: problem ? 'Degraded' : ready ? 'Running' : 'Pending',
    ...(pod?.metadata?.name ? { pod: pod.metadata.name } : {}),
    ...(pod?.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
  };
}
