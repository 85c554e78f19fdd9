import { setCondition } from '../src/reconcile/conditions.js';
import { logicNodeStatus } from '../src/reconcile/logicNode/status.js';

const T0 = new Date('2026-11-21T12:00:00Z');
const T1 = new Date('2026-11-21T12:05:00Z');
const pod = (ready: boolean) => ({ metadata: { name: 'ln-0-0' }, spec: { nodeName: 'ten-gbe', containers: [] }, status: { phase: ready ? 'Running' : 'Pending' } });
const sts = (ready: number) => ({ spec: { selector: {}, template: {}, serviceName: 'ln-0' }, status: { replicas: 1, readyReplicas: ready } });

describe('a LogicNode status', () => {
  it.each([
    ['no Pod yet', null, null, 'Pending', 'False', 'NoPodYet'],
    ['a Pod not ready', sts(0), pod(false), 'Pending', 'False', 'PodNotReady'],
    ['a ready Pod', sts(1), pod(true), 'Running', 'True', 'PodReady'],
  ])('when there is %s, then phase and Ready follow', (_what, statefulSet, p, phase, status, reason) => {
    const s = logicNodeStatus(3, { statefulSet: statefulSet as never, pod: p as never }, undefined, T0);
    expect(s).toMatchObject({ observedGeneration: 3, phase, conditions: [{ type: 'Ready', status, reason, observedGeneration: 3, lastTransitionTime: T0.toISOString() }] });
  });

  it('when the spec names a missing Cluster, then the node is Degraded with that reason, whatever else is there', () => {
    const s = logicNodeStatus(1, { statefulSet: sts(1) as never, pod: pod(true) as never, problem: { reason: 'ClusterNotFound', message: 'Cluster x does not exist' } }, undefined, T0);
    expect(s).toMatchObject({ phase: 'Degraded', conditions: [{ status: 'False', reason: 'ClusterNotFound' }] });
  });
});

describe('setting a condition', () => {
  it('when its status is unchanged, then lastTransitionTime stays; when it changes, then it moves to now', () => {
    const first = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'NoPodYet', message: '' }, T0);
    const same = setCondition(first, { type: 'Ready', status: 'False', reason: 'PodNotReady', message: 'pending' }, T1);
    expect(same).toEqual([{ type: 'Ready', status: 'False', reason: 'PodNotReady', message: 'pending', lastTransitionTime: T0.toISOString() }]);
    const flipped = setCondition(same, { type: 'Ready', status: 'True', reason: 'PodReady', message: '' }, T1);
    expect(flipped[0]?.lastTransitionTime).toBe(T1.toISOString());
    expect(setCondition(flipped, { type: 'Other', status: 'True', reason: 'X', message: '' }, T1)).toHaveLength(2);
  });
});
