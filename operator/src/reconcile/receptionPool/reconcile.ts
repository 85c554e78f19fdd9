import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { API_VERSION, chainSpaceSpec, clusterSpec, receptionPoolSpec, receptionPoolStatus as receptionPoolStatusSchema, type ChainSpaceSpec, type ReceptionPoolStatus } from '../../api/v1alpha1/index.js';
import type { DosInbox } from '../../dos/dosInbox.js';
import { afterCooldown, onAlerts, type DosState } from '../../dos/dosScaler.js';
import {
  ANNOTATION_DRAIN_REQUESTED,
  ANNOTATION_DRAINED,
  ANNOTATION_ENDPOINT,
  ANNOTATION_PUBKEY,
  ANNOTATION_ROSTER_EPOCH,
  LABEL_POOL,
  LABEL_ROLE,
  slotPod,
  slotPodSelector,
} from '../../resources/receptionPodObjects.js';
import { TEARDOWN_FINALIZER } from '../../resources/finalizers.js';
import type { CustomObject, Kube } from '../../runtime/kube.js';
import { setFinalizer } from '../executor.js';
import { writeStatusIfChanged } from '../writeStatus.js';
import type { ClusterRef, SlotAgent } from './agent.js';
import { LABEL_REPUTATION, type MarketNode } from './market.js';
import { marketNodeOfNode, slotPodOf, type ObservedSlotPod } from './observe.js';
import { planReceptionPool, type PoolAction } from './plan.js';
import { DRAIN_POLL_MS, dosFromAnnotation, nextWakeMs, problemStatus, receptionPoolStatus, type PoolProblem } from './status.js';

/** The DoS episode in progress (operator/src/dos), as JSON: kept on the pool so a new operator leader carries on. */
export const ANNOTATION_DOS = 'clusterchain.io/dos';
/** A Node whose machine left before its window ended loses this much reputation (DESIGN §8). */
export const REPUTATION_PENALTY = 20;
/** Network calls to nodes run this many at once: a pool of 500 slots must not open 500 sockets in one go. */
const AGENT_CONCURRENCY = 16;
/** A Pod that did not tell its identity is asked again after this long. */
export const IDENTITY_RETRY_MS = 5000;
/** Pods are created this many at once. */
const CREATE_CONCURRENCY = 16;

export interface PoolEvents {
  handoff(pool: string, forced: boolean): void;
  reputationLowered(node: string): void;
  slots(pool: string, desired: number, ready: number, unplaced: number): void;
  /** The pool is gone: its series go too, or an alert on them would fire for it forever. */
  forget(pool: string): void;
}

export interface ReceptionPoolReconcilerConfig {
  image: string;
  now: () => Date;
  agent: SlotAgent;
  /** The Nodes as the informer last saw them: node events are many, the pool reads them all. */
  nodes: () => readonly V1Node[];
  dosInbox: DosInbox;
  /** How long an RN gets to confirm its drain before the handoff goes on without it. */
  drainTimeoutMs: number;
  /**
   * When each Pod was last asked for its identity without an answer (kept across reconciles by
   * the caller): a Pod that does not answer is asked again only after IDENTITY_RETRY_MS, or a
   * pool of hundreds of starting Pods would spend every reconcile waiting on their timeouts.
   */
  identityAttempts: Map<string, number>;
  log: Logger;
  events?: PoolEvents;
}

/** When to look at the pool again though no event comes; null: events suffice. */
export type Requeue = number | null;

/**
 * One reconcile of a ReceptionPool (thin shell around planReceptionPool, DESIGN §11): read the
 * pool, its Pods (live, never a cache: the plan must not create a slot twice) and the market
 * Nodes; apply the DoS alerts filed for it; ask the reception nodes what the API server cannot
 * tell (their keys, their drains); plan; apply the actions in order; write the status. Any failed
 * step throws and the queue re-plans from scratch, which is safe because every step is
 * idempotent and the state of each handoff lives on its Pods.
 */
export async function reconcileReceptionPool(kube: Kube, namespace: string, name: string, config: ReceptionPoolReconcilerConfig): Promise<Requeue> {
  const pool = await kube.readCustom('receptionpools', namespace, name);
  if (pool === null) return null;
  const key = `${namespace}/${name}`;
  const now = config.now();
  const prior = receptionPoolStatusSchema.safeParse(pool.status ?? {});
  const priorStatus: ReceptionPoolStatus | undefined = prior.success ? prior.data : undefined;
  const generation = pool.metadata?.generation ?? 0;

  if (pool.metadata?.deletionTimestamp !== undefined) return teardown(kube, pool, config);
  if (!(pool.metadata?.finalizers ?? []).includes(TEARDOWN_FINALIZER)) {
    await setFinalizer(kube, pool, true);
    return 0; // our own patch bumped the resourceVersion: start over from a fresh read
  }

  const parsed = receptionPoolSpec.safeParse(pool.spec);
  if (!parsed.success) return writeProblem(kube, pool, generation, priorStatus, { reason: 'InvalidSpec', message: parsed.error.issues[0]?.message ?? 'invalid' }, now);
  let spec = parsed.data;
  const served = await readServedClusters(kube, namespace, spec.clusters);
  if ('reason' in served) return writeProblem(kube, pool, generation, priorStatus, served, now);

  // DoS (WP 2.3): the alerts filed by the webhook, then the cool-down; one replica change at most.
  // The episode and the replica count it sets are written in ONE patch (an annotation beside
  // spec.replicas): a failure after it cannot make a retry step up twice, and the inbox lets go
  // of the alerts only once that patch is in.
  const alerts = config.dosInbox.peek(key);
  const priorDos = dosFromAnnotation(pool.metadata?.annotations?.[ANNOTATION_DOS]);
  const d = alerts.length > 0 ? onAlerts(priorDos, alerts, spec.replicas, { step: spec.autoscaling.step, max: spec.maxReplicas }, now.getTime()) : afterCooldown(priorDos, spec.replicas, spec.autoscaling.cooldownSeconds, now.getTime());
  const dos: DosState = d.state;
  let current: CustomObject = pool;
  const dosText = JSON.stringify(dos);
  if (d.replicas !== null || dosText !== JSON.stringify(priorDos)) {
    const replicas = d.replicas === null ? spec.replicas : Math.max(spec.minReplicas, d.replicas);
    current = await kube.mergePatch<CustomObject>({ apiVersion: API_VERSION, kind: 'ReceptionPool', metadata: { name, namespace, annotations: { [ANNOTATION_DOS]: dosText } }, spec: { replicas } });
    if (replicas !== spec.replicas) config.log.info({ pool: key, from: spec.replicas, to: replicas, reason: d.reason }, 'DoS scaling');
    spec = { ...spec, replicas };
  }
  if (alerts.length > 0) config.dosInbox.ack(key, alerts);

  const owner = { apiVersion: API_VERSION, kind: 'ReceptionPool', name, uid: pool.metadata?.uid as string };
  const pods = (await kube.list<V1Pod>('v1', 'Pod', namespace, `${LABEL_POOL}=${name}`)).map((p) => ({ raw: p, slot: slotPodOf(p) }));
  const observed = pods.flatMap((p) => (p.slot === null ? [] : [p.slot]));
  const forced = new Set(pods.filter((p) => p.raw.metadata?.annotations?.[ANNOTATION_DRAINED] === 'forced').map((p) => p.raw.metadata?.name as string));
  const newlyForced = await askNodes(kube, namespace, observed, config, now);
  for (const f of newlyForced) forced.add(f);
  const forcedDrains = (priorStatus?.forcedDrains ?? 0) + newlyForced.length;

  const nodes = config.nodes().flatMap((n) => {
    const m = marketNodeOfNode(n);
    return m === null ? [] : [m];
  });
  const plan = planReceptionPool(spec, { nodes, pods: observed }, now.getTime());

  const rosterEpochs = { ...(priorStatus?.rosterEpochs ?? {}) };
  // A Pod may still serve a cluster dropped from spec.clusters, which may be gone: it has no roster to change.
  const exists = new Map<string, boolean>([...served.keys()].map((c) => [c, true]));
  const clusterExists = async (c: string): Promise<boolean> => {
    if (!exists.has(c)) exists.set(c, (await kube.readCustom('clusters', namespace, c)) !== null);
    return exists.get(c) as boolean;
  };
  let handoffs = priorStatus?.handoffs ?? 0;
  const byName = new Map(observed.map((p) => [p.name, p]));
  const nextIndex = nextPodIndex(pods.map((p) => p.raw));
  const creates: Extract<PoolAction, { type: 'createPod' }>[] = [];
  for (const action of plan.actions) {
    switch (action.type) {
      case 'createPod':
        creates.push(action);
        break;
      case 'promotePod':
        await kube.mergePatch({ apiVersion: 'v1', kind: 'Pod', metadata: { name: action.pod, namespace, labels: { [LABEL_ROLE]: 'active' } } });
        break;
      case 'drainPod':
        await requestDrain(kube, namespace, byName.get(action.pod), config, now);
        break;
      case 'replaceInRoster': {
        if (!(await clusterExists(action.cluster))) {
          config.log.info({ pool: key, cluster: action.cluster, removed: action.remove, added: action.add }, 'cluster gone: no roster to change');
          break;
        }
        const epoch = await changeRoster(kube, namespace, { namespace, name: action.cluster }, byName.get(action.remove ?? ''), byName.get(action.add ?? ''), config);
        if (epoch !== null) rosterEpochs[action.cluster] = String(epoch);
        break;
      }
      case 'deletePod': {
        await kube.delete('v1', 'Pod', namespace, action.pod);
        config.identityAttempts.delete(`${namespace}/${action.pod}`);
        config.log.info({ pool: key, pod: action.pod, reason: action.reason }, 'slot pod deleted');
        break;
      }
      case 'lowerReputation':
        await lowerReputation(kube, nodes, action.node);
        config.events?.reputationLowered(action.node);
        break;
    }
  }
  for (const r of plan.relays) {
    handoffs++;
    const confirmed = r.drained && !forced.has(r.from);
    config.events?.handoff(key, !confirmed);
    config.log.info({ pool: key, slot: r.slot, from: r.from, to: r.to, drained: confirmed }, 'slot relayed');
  }
  await inBatches(creates, CREATE_CONCURRENCY, async (c) => {
    const podName = `${name}-${c.slot}-${nextIndex(c.slot)}`;
    const cs = served.get(c.cluster) as ChainSpaceParams; // the plan assigns only clusters of the spec, all read above
    await kube.createIfAbsent(slotPod({ pool: name, namespace, owner, cluster: c.cluster, name: podName, slot: c.slot, role: c.role, node: c.node, image: config.image, batchIntervalMs: cs.batchIntervalMs, committeeSize: cs.committeeSize }));
  });

  const status = receptionPoolStatus({ generation, spec, plan, selector: slotPodSelector(name), handoffs, forcedDrains, rosterEpochs, dos }, priorStatus, now);
  await writeStatusIfChanged(kube, 'receptionpools', current, status);
  config.events?.slots(key, spec.replicas, plan.readyReplicas, plan.unplaced);

  // Beyond the plan's own timers: drains to poll, and Pods that have yet to tell their key.
  const waits = [nextWakeMs(spec, plan, dos, now.getTime())];
  if (plan.actions.length > 0 || observed.some((p) => p.drainRequested && !p.drained && !p.deleting)) waits.push(DRAIN_POLL_MS);
  if (observed.some((p) => p.ready && !p.identified && !p.deleting)) waits.push(IDENTITY_RETRY_MS);
  const due = waits.filter((w): w is number => w !== null);
  return due.length === 0 ? null : Math.min(...due);
}

/**
 * What only the reception nodes can tell: the key of each Ready one not yet known, and whether
 * each one asked to drain has. A drain unconfirmed past the timeout is marked forced (the RN is
 * unreachable or stuck: the handoff must not wait past the window's end). Returns the number of
 * Pods whose drain was forced now. Updates `pods` in place so the plan sees the answers.
 */
async function askNodes(kube: Kube, namespace: string, pods: ObservedSlotPod[], config: ReceptionPoolReconcilerConfig, now: Date): Promise<string[]> {
  const forced: string[] = [];
  const annotate = (pod: string, annotations: Record<string, string>) => kube.mergePatch({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace, annotations } });
  await inBatches(pods, AGENT_CONCURRENCY, async (p) => {
    if (p.deleting || p.ip === undefined) return;
    // Asked of every Pod with an address, Ready or not: an RN is Ready only once in a roster, and
    // it joins one only once it told its key.
    if (!p.identified) {
      const asked = config.identityAttempts.get(`${namespace}/${p.name}`);
      if (asked !== undefined && now.getTime() - asked < IDENTITY_RETRY_MS) return;
      config.identityAttempts.set(`${namespace}/${p.name}`, now.getTime());
      try {
        const id = await config.agent.identity(p.ip);
        await annotate(p.name, { [ANNOTATION_PUBKEY]: id.pubkey, [ANNOTATION_ENDPOINT]: id.endpoint });
        Object.assign(p, { identified: true, pubkey: id.pubkey, endpoint: id.endpoint });
        config.identityAttempts.delete(`${namespace}/${p.name}`);
      } catch (err) {
        config.log.debug({ pod: p.name, err: (err as Error).message }, 'reception node did not tell its identity yet');
      }
    }
  });
  await inBatches(pods, AGENT_CONCURRENCY, async (p) => {
    if (p.deleting || !p.drainRequested || p.drained) return;
    let state: string | null = null;
    if (p.ip !== undefined) {
      try {
        state = await config.agent.drainState(p.ip);
      } catch (err) {
        config.log.debug({ pod: p.name, err: (err as Error).message }, 'drain state unknown');
      }
    }
    if (state === 'drained') {
      await annotate(p.name, { [ANNOTATION_DRAINED]: 'true' });
      p.drained = true;
    } else if (now.getTime() - (p.drainRequestedAtMs ?? now.getTime()) >= config.drainTimeoutMs) {
      config.log.warn({ pod: p.name, state }, 'drain not confirmed in time: going on without it');
      await annotate(p.name, { [ANNOTATION_DRAINED]: 'forced' });
      p.drained = true;
      forced.push(p.name);
    }
  });
  return forced;
}

/** Asks a Pod to drain, signed for the cluster the Pod serves (its own, not its slot's current one). */
async function requestDrain(kube: Kube, namespace: string, pod: ObservedSlotPod | undefined, config: ReceptionPoolReconcilerConfig, now: Date): Promise<void> {
  if (pod === undefined) return;
  const annotations: Record<string, string> = { [ANNOTATION_DRAIN_REQUESTED]: now.toISOString() };
  if (pod.ip === undefined || pod.pubkey === undefined) {
    // It never told its key, so it never joined a roster nor served a committee: nothing to drain.
    annotations[ANNOTATION_DRAINED] = 'true';
  } else {
    try {
      const state = await config.agent.requestDrain({ namespace, name: pod.cluster }, pod.ip, pod.pubkey);
      if (state === 'drained') annotations[ANNOTATION_DRAINED] = 'true';
    } catch (err) {
      // Recorded as asked all the same: the drain timeout starts now, and the poll asks again.
      config.log.warn({ pod: pod.name, err: (err as Error).message }, 'drain request failed');
    }
  }
  await kube.mergePatch({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.name, namespace, annotations } });
}

/** One roster change at the cluster's leader; the admitted Pod records the epoch that admitted it. */
async function changeRoster(kube: Kube, namespace: string, cluster: ClusterRef, remove: ObservedSlotPod | undefined, add: ObservedSlotPod | undefined, config: ReceptionPoolReconcilerConfig): Promise<bigint | null> {
  const removeKeys = remove?.pubkey === undefined ? [] : [remove.pubkey];
  const addMembers = add?.pubkey === undefined || add.endpoint === undefined ? [] : [{ pubkey: add.pubkey, endpoint: add.endpoint }];
  if (removeKeys.length === 0 && addMembers.length === 0) return null;
  const epoch = await config.agent.changeRoster(cluster, removeKeys, addMembers);
  config.log.info({ cluster: `${cluster.namespace}/${cluster.name}`, epoch: String(epoch), removed: remove?.name, added: add?.name }, 'roster epoch published');
  if (add !== undefined && addMembers.length > 0) {
    await kube.mergePatch({ apiVersion: 'v1', kind: 'Pod', metadata: { name: add.name, namespace, annotations: { [ANNOTATION_ROSTER_EPOCH]: String(epoch) } } });
    add.inRoster = true;
  }
  return epoch;
}

async function lowerReputation(kube: Kube, nodes: readonly MarketNode[], node: string): Promise<void> {
  const current = nodes.find((n) => n.name === node)?.reputation;
  if (current === undefined) return;
  await kube.mergePatch({ apiVersion: 'v1', kind: 'Node', metadata: { name: node, labels: { [LABEL_REPUTATION]: String(Math.max(0, current - REPUTATION_PENALTY)) } } });
}

/**
 * Teardown through the finalizer: every member this pool put in a roster leaves it (so the LN
 * stops choosing committees among Pods about to vanish), one change per cluster the members
 * serve, then the Pods go, then the finalizer. A cluster already gone has no roster to leave.
 */
async function teardown(kube: Kube, pool: CustomObject, config: ReceptionPoolReconcilerConfig): Promise<Requeue> {
  const namespace = pool.metadata?.namespace as string;
  const name = pool.metadata?.name as string;
  if (!(pool.metadata?.finalizers ?? []).includes(TEARDOWN_FINALIZER)) return null;
  const pods = (await kube.list<V1Pod>('v1', 'Pod', namespace, `${LABEL_POOL}=${name}`)).flatMap((p) => {
    const s = slotPodOf(p);
    return s === null ? [] : [s];
  });
  const members = pods.filter((p) => p.inRoster && p.pubkey !== undefined && !p.deleting);
  const byCluster = new Map<string, string[]>();
  for (const m of members) byCluster.set(m.cluster, [...(byCluster.get(m.cluster) ?? []), m.pubkey as string]);
  for (const [cluster, keys] of byCluster) {
    if ((await kube.readCustom('clusters', namespace, cluster)) !== null) await config.agent.changeRoster({ namespace, name: cluster }, keys, []);
  }
  for (const p of pods) await kube.delete('v1', 'Pod', namespace, p.name);
  await setFinalizer(kube, pool, false);
  config.events?.forget(`${namespace}/${name}`);
  config.log.info({ pool: `${namespace}/${name}`, pods: pods.length, rosterMembers: members.length }, 'reception pool torn down');
  return null;
}

type ChainSpaceParams = Pick<ChainSpaceSpec, 'batchIntervalMs' | 'committeeSize'>;

/**
 * Each cluster the pool serves and the parameters of its chain space, which its RNs run with
 * (a pool's clusters may belong to different chain spaces); or the first one missing, named.
 */
async function readServedClusters(kube: Kube, namespace: string, clusters: readonly string[]): Promise<Map<string, ChainSpaceParams> | PoolProblem> {
  const params = new Map<string, ChainSpaceParams>();
  const chainSpaces = new Map<string, ChainSpaceParams>();
  for (const name of clusters) {
    if (params.has(name)) continue;
    const cluster = await kube.readCustom('clusters', namespace, name);
    if (cluster === null) return { reason: 'ClusterNotFound', message: `Cluster ${name} does not exist in ${namespace}` };
    const chainSpaceName = clusterSpec.parse(cluster.spec).chainSpace;
    let cs = chainSpaces.get(chainSpaceName);
    if (cs === undefined) {
      const chainSpace = await kube.readCustom('chainspaces', namespace, chainSpaceName);
      if (chainSpace === null) return { reason: 'ChainSpaceNotFound', message: `ChainSpace ${chainSpaceName} of Cluster ${name} does not exist in ${namespace}` };
      cs = chainSpaceSpec.parse(chainSpace.spec);
      chainSpaces.set(chainSpaceName, cs);
    }
    params.set(name, { batchIntervalMs: cs.batchIntervalMs, committeeSize: cs.committeeSize });
  }
  return params;
}

async function writeProblem(kube: Kube, pool: CustomObject, generation: number, prior: ReceptionPoolStatus | undefined, problem: Parameters<typeof problemStatus>[1], now: Date): Promise<Requeue> {
  await writeStatusIfChanged(kube, 'receptionpools', pool, problemStatus(generation, problem, prior, now));
  return 10_000; // the missing Cluster or ChainSpace may come: look again
}

/** Slot Pods are named pool-slot-n with n counting up per slot, so a successor never reuses a name still terminating. */
function nextPodIndex(pods: readonly V1Pod[]): (slot: number) => number {
  const highest = new Map<number, number>();
  for (const p of pods) {
    const m = /-([0-9]+)-([0-9]+)$/.exec(p.metadata?.name ?? '');
    if (m === null) continue;
    const [slot, n] = [Number(m[1]), Number(m[2])];
    highest.set(slot, Math.max(highest.get(slot) ?? 0, n));
  }
  return (slot) => {
    const n = (highest.get(slot) ?? 0) + 1;
    highest.set(slot, n);
    return n;
  };
}

async function inBatches<T>(items: readonly T[], width: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(run));
}

