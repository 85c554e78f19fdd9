import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { receptionPoolSpec } from '../src/api/v1alpha1/index.js';
import { CALM } from '../src/dos/dosScaler.js';
import { marketFingerprint, marketNodeOfNode, slotPodOf } from '../src/reconcile/receptionPool/observe.js';
import type { PoolPlan } from '../src/reconcile/receptionPool/plan.js';
import { DRAIN_POLL_MS, UNPLACED_RETRY_MS, dosFromAnnotation, nextWakeMs, receptionPoolStatus } from '../src/reconcile/receptionPool/status.js';
import { slotPod } from '../src/resources/receptionPodObjects.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const KEY = '02' + 'ab'.repeat(32);
const spec = receptionPoolSpec.parse({ clusters: ['c'], replicas: 2, minReplicas: 1, autoscaling: { step: 2, cooldownSeconds: 60 } });

const built = () =>
  slotPod({ pool: 'p', namespace: 'ns', owner: { apiVersion: 'clusterchain.io/v1alpha1', kind: 'ReceptionPool', name: 'p', uid: 'u' }, cluster: 'c', name: 'p-0-1', slot: 0, role: 'successor', node: 'm1', image: 'rn:1', batchIntervalMs: 300, committeeSize: 7 });

describe('the slot Pod the operator builds', () => {
  it('when built, then it is pinned to the chosen Node, tolerates the market taint, gets no API token and makes its own key', () => {
    const pod = built();
    expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['m1'] }] }]);
    expect(pod.spec?.tolerations).toEqual([{ key: 'clusterchain.io/market', operator: 'Equal', value: 'true', effect: 'NoSchedule' }]);
    expect(pod.spec?.automountServiceAccountToken).toBe(false);
    const args = pod.spec?.containers[0]?.args ?? [];
    expect(args).toEqual(expect.arrayContaining(['--generate-key', '--advertise', '$(POD_IP):7200', '--admin-pubkey', '$(ADMIN_PUBKEY)']));
    const env = new Map(pod.spec?.containers[0]?.env?.map((e) => [e.name, e]));
    // Every $(VAR) in the arguments is defined, or Kubernetes would pass it through literally.
    for (const ref of args.join(' ').match(/\$\(([A-Z_]+)\)/g) ?? []) expect(env.has(ref.slice(2, -1))).toBe(true);
    expect(env.get('LEADER_PUBKEY')?.valueFrom?.configMapKeyRef).toEqual({ name: 'c-config', key: 'leader-pubkey' });
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'ReceptionPool', name: 'p', controller: true });
  });
});

describe('a slot Pod as the planner sees it', () => {
  it('when the operator built it and nothing happened yet, then it is a pending, unidentified successor pinned to its Node', () => {
    expect(slotPodOf(built())).toMatchObject({ name: 'p-0-1', slot: 0, cluster: 'c', role: 'successor', node: 'm1', ready: false, identified: false, inRoster: false, drainRequested: false, drained: false, deleting: false });
  });

  it('when it runs, told its key, joined a roster and was asked to drain, then all of that is read back from the Pod', () => {
    const pod: V1Pod = built();
    pod.spec = { ...pod.spec!, nodeName: 'm1' };
    pod.metadata!.annotations = { 'clusterchain.io/pubkey': KEY, 'clusterchain.io/endpoint': '10.0.0.5:7200', 'clusterchain.io/roster-epoch': '7', 'clusterchain.io/drain-requested-at': '2026-11-21T11:59:00Z', 'clusterchain.io/drained': 'forced' };
    pod.status = { podIP: '10.0.0.5', conditions: [{ type: 'Ready', status: 'True' }] };
    expect(slotPodOf(pod)).toMatchObject({ ready: true, identified: true, pubkey: KEY, inRoster: true, drainRequested: true, drained: true, drainRequestedAtMs: NOW - 60_000, ip: '10.0.0.5' });
  });

  it.each([
    ['a slot label that is not a number', { 'clusterchain.io/slot': 'x' }],
    ['an unknown role', { 'clusterchain.io/role': 'boss' }],
    ['no cluster it serves', { 'clusterchain.io/cluster': '' }],
  ])('when a Pod has %s, then it is not a slot Pod (never counted, never deleted by the plan)', (_what, labels) => {
    const pod = built();
    pod.metadata!.labels = { ...pod.metadata!.labels, ...labels };
    expect(slotPodOf(pod)).toBeNull();
  });

  it('when its key annotation is not a compressed public key, then it is not identified', () => {
    const pod = built();
    pod.metadata!.annotations = { 'clusterchain.io/pubkey': '04' + 'ab'.repeat(64) };
    expect(slotPodOf(pod)?.identified).toBe(false);
  });
});

describe('a Kubernetes Node as a market offer', () => {
  const node = (over: { taint?: boolean; unschedulable?: boolean; ready?: string } = {}): V1Node => ({
    metadata: {
      name: 'm1',
      labels: { 'clusterchain.io/reputation': '70', 'clusterchain.io/cores': '4', 'clusterchain.io/memory-mib': '8192', 'clusterchain.io/bandwidth-mbps': '1000' },
      annotations: { 'clusterchain.io/window-end': '2026-11-21T18:00:00Z' },
    },
    spec: { unschedulable: over.unschedulable ?? false, taints: over.taint === false ? [] : [{ key: 'clusterchain.io/market', value: 'true', effect: 'NoSchedule' }] },
    status: { conditions: [{ type: 'Ready', status: over.ready ?? 'True' }] },
  });

  it('when it is tainted, labelled and annotated, then it is an offer, ready unless cordoned or NotReady', () => {
    expect(marketNodeOfNode(node())).toEqual({ name: 'm1', reputation: 70, cores: 4, memoryMiB: 8192, bandwidthMbps: 1000, windowEndMs: Date.parse('2026-11-21T18:00:00Z'), ready: true, schedulable: true });
    expect(marketNodeOfNode(node({ unschedulable: true }))?.ready).toBe(false);
    expect(marketNodeOfNode(node({ ready: 'Unknown' }))?.ready).toBe(false);
    expect(marketNodeOfNode(node({ taint: false }))).toBeNull();
    const fresh = node();
    fresh.spec!.taints!.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
    expect(marketNodeOfNode(fresh)).toMatchObject({ ready: true, schedulable: false });
  });

  it('when only its heartbeat changes, then its fingerprint does not (no pool wakes); when its offer changes, it does', () => {
    const a = node();
    const b = node();
    b.status!.conditions!.push({ type: 'MemoryPressure', status: 'False', lastHeartbeatTime: new Date() });
    expect(marketFingerprint(b)).toBe(marketFingerprint(a));
    b.metadata!.labels!['clusterchain.io/reputation'] = '50';
    expect(marketFingerprint(b)).not.toBe(marketFingerprint(a));
  });
});

describe('when to look at a pool again', () => {
  const plan = (over: Partial<PoolPlan> = {}): PoolPlan => ({ actions: [], slots: [], readyReplicas: 0, readyByCluster: {}, unplaced: 0, relays: [], ...over });

  it('when a window reaches its notice later, then at that moment', () => {
    const p = plan({ slots: [{ index: 0, handoff: 'None', windowEndMs: NOW + 3_600_000 }, { index: 1, handoff: 'None', windowEndMs: NOW + 7_200_000 }] });
    expect(nextWakeMs(spec, p, CALM, NOW)).toBe(3_600_000 - spec.market.handoffNoticeSeconds * 1000);
  });

  it('when a handoff is under way, then soon: no event says when a drain is done', () => {
    expect(nextWakeMs(spec, plan({ slots: [{ index: 0, handoff: 'Draining', windowEndMs: NOW + 60_000 }] }), CALM, NOW)).toBe(DRAIN_POLL_MS);
  });

  it('when a slot found no Node, then it is retried; when a cool-down runs, at its end; when nothing waits, never', () => {
    expect(nextWakeMs(spec, plan({ unplaced: 1 }), CALM, NOW)).toBe(UNPLACED_RETRY_MS);
    expect(nextWakeMs(spec, plan(), { firing: [], baseline: 2, resolvedAtMs: NOW - 20_000 }, NOW)).toBe(40_000);
    expect(nextWakeMs(spec, plan(), CALM, NOW)).toBeNull();
  });
});

describe('the DoS episode kept on the pool', () => {
  it('when the annotation is absent, garbled or out of bounds, then the pool is calm', () => {
    expect(dosFromAnnotation(undefined)).toEqual(CALM);
    expect(dosFromAnnotation('{not json')).toEqual(CALM);
    expect(dosFromAnnotation(JSON.stringify({ firing: [], baseline: -1, resolvedAtMs: null }))).toEqual(CALM);
  });

  it('when it holds an episode, then it is read back as written', () => {
    const episode = { firing: ['f1'], baseline: 3, resolvedAtMs: null };
    expect(dosFromAnnotation(JSON.stringify(episode))).toEqual(episode);
  });
});

describe('the pool status', () => {
  it('when every slot is served, then Ready; when some found no Node, then Degraded with the reason', () => {
    const base = { generation: 3, spec, selector: 's', handoffs: 1, forcedDrains: 0, rosterEpochs: { c: '4' }, dos: CALM };
    const now = new Date(NOW);
    const ok = receptionPoolStatus({ ...base, plan: { actions: [], slots: [{ index: 0, handoff: 'None', pod: 'p-0-1', node: 'm1', windowEndMs: NOW }], readyReplicas: 2, readyByCluster: { c: 2 }, unplaced: 0, relays: [] } }, undefined, now);
    expect(ok).toMatchObject({ phase: 'Ready', replicas: 2, readyReplicas: 2, readyByCluster: { c: 2 }, observedGeneration: 3, slots: [{ index: 0, pod: 'p-0-1', node: 'm1', windowEnd: '2026-11-21T12:00:00.000Z', handoff: 'None' }] });
    expect(ok.dos).toBeUndefined();
    const bad = receptionPoolStatus({ ...base, plan: { actions: [], slots: [], readyReplicas: 1, readyByCluster: { c: 1 }, unplaced: 1, relays: [] } }, ok, new Date(NOW + 1000));
    expect(bad.phase).toBe('Degraded');
    expect(bad.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'NoSuitableNode', lastTransitionTime: '2026-11-21T12:00:01.000Z' });
  });
});
