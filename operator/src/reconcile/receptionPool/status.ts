import type { Condition, ReceptionPoolSpec, ReceptionPoolStatus } from '../../api/v1alpha1/index.js';
import { z } from 'zod';
import { CALM, type DosState } from '../../dos/dosScaler.js';
import { setCondition } from '../conditions.js';
import type { PoolPlan } from './plan.js';

export interface PoolProblem {
  reason: 'InvalidSpec' | 'ClusterNotFound' | 'ChainSpaceNotFound';
  message: string;
}

export interface PoolStatusInput {
  generation: number;
  spec: ReceptionPoolSpec;
  plan: PoolPlan;
  selector: string;
  handoffs: number;
  forcedDrains: number;
  rosterEpochs: Record<string, string>;
  dos: DosState;
}

/** A ReceptionPool's status from one plan (pure; the clock is passed in). */
export function receptionPoolStatus(i: PoolStatusInput, prior: { conditions?: Condition[] } | undefined, now: Date): ReceptionPoolStatus {
  const { plan, spec } = i;
  const served = plan.readyReplicas >= spec.replicas && plan.unplaced === 0;
  const reason = served ? 'AllSlotsServed' : plan.unplaced > 0 ? 'NoSuitableNode' : 'SlotsStarting';
  const message = served
    ? `${plan.readyReplicas}/${spec.replicas} slots served`
    : plan.unplaced > 0
      ? `${plan.unplaced} slot(s) found no market Node with reputation ≥ ${spec.market.minReputation}, the hardware floor and ${spec.market.minRemainingWindowSeconds}s of window left`
      : `${plan.readyReplicas}/${spec.replicas} slots ready`;
  return {
    observedGeneration: i.generation,
    conditions: setCondition(prior?.conditions, { type: 'Ready', status: served ? 'True' : 'False', reason, message, observedGeneration: i.generation }, now),
    phase: served ? 'Ready' : plan.unplaced > 0 ? 'Degraded' : 'Scaling',
    replicas: spec.replicas,
    readyReplicas: plan.readyReplicas,
    readyByCluster: plan.readyByCluster,
    selector: i.selector,
    handoffs: i.handoffs,
    forcedDrains: i.forcedDrains,
    rosterEpochs: i.rosterEpochs,
    slots: plan.slots.map((s) => ({
      index: s.index,
      handoff: s.handoff,
      ...(s.pod === undefined ? {} : { pod: s.pod }),
      ...(s.node === undefined ? {} : { node: s.node }),
      ...(s.windowEndMs === undefined ? {} : { windowEnd: new Date(s.windowEndMs).toISOString() }),
      ...(s.successorPod === undefined ? {} : { successorPod: s.successorPod }),
    })),
    ...(dosIsCalm(i.dos) ? {} : { dos: dosToStatus(i.dos) }),
  };
}

export function problemStatus(generation: number, problem: PoolProblem, prior: ReceptionPoolStatus | undefined, now: Date): ReceptionPoolStatus {
  return {
    ...(prior ?? {}),
    observedGeneration: generation,
    conditions: setCondition(prior?.conditions, { type: 'Ready', status: 'False', reason: problem.reason, message: problem.message, observedGeneration: generation }, now),
    phase: 'Degraded',
  };
}

const dosIsCalm = (d: DosState) => d.firing.length === 0 && d.baseline === null && d.resolvedAtMs === null;

function dosToStatus(d: DosState): NonNullable<ReceptionPoolStatus['dos']> {
  return {
    firing: d.firing,
    ...(d.baseline === null ? {} : { baseline: d.baseline }),
    ...(d.resolvedAtMs === null ? {} : { resolvedAt: new Date(d.resolvedAtMs).toISOString() }),
  };
}

const dosAnnotation = z.object({
  firing: z.array(z.string().max(64)).max(256),
  baseline: z.number().int().min(0).max(10_000).nullable(),
  resolvedAtMs: z.number().int().min(0).nullable(),
});

/** The DoS episode from the pool's annotation; calm when there is none or it is garbled (a hand edit must not wedge the pool). */
export function dosFromAnnotation(text: string | undefined): DosState {
  if (text === undefined) return CALM;
  try {
    const parsed = dosAnnotation.safeParse(JSON.parse(text));
    return parsed.success ? { firing: [...parsed.data.firing], baseline: parsed.data.baseline, resolvedAtMs: parsed.data.resolvedAtMs } : CALM;
  } catch {
    return CALM;
  }
}

/** How often a drain in progress is asked about: no Kubernetes event says when it is done. */
export const DRAIN_POLL_MS = 1000;
/** A slot with no suitable Node is retried this often even if no Node changes (windows move with time). */
export const UNPLACED_RETRY_MS = 15_000;

/**
 * When the pool must be looked at again though no event may come (pure): the earliest of a
 * window reaching its handoff notice, a drain to poll, a cool-down ending, an unplaced slot to
 * retry. Null: only events matter.
 */
export function nextWakeMs(spec: ReceptionPoolSpec, plan: PoolPlan, dos: DosState, nowMs: number): number | null {
  const candidates: number[] = [];
  const noticeMs = spec.market.handoffNoticeSeconds * 1000;
  for (const s of plan.slots) {
    if (s.handoff === 'Starting' || s.handoff === 'Draining') candidates.push(DRAIN_POLL_MS);
    else if (s.windowEndMs !== undefined) candidates.push(s.windowEndMs - noticeMs - nowMs);
  }
  if (plan.unplaced > 0) candidates.push(UNPLACED_RETRY_MS);
  if (dos.baseline !== null && dos.firing.length === 0 && dos.resolvedAtMs !== null) candidates.push(dos.resolvedAtMs + spec.autoscaling.cooldownSeconds * 1000 - nowMs);
  if (candidates.length === 0) return null;
  return Math.max(0, Math.min(...candidates));
}
