import type { PoolAlert } from './alertmanager.js';

/**
 * What the operator remembers of one pool's DoS alerts (WP 2.3): which alerts fire, the replica
 * count it scaled up from, and when the last alert resolved. Kept in the pool's status so a
 * restarted or newly elected operator carries on.
 */
export interface DosState {
  firing: string[];
  /** Replicas before the first scale-up of this episode; null when not scaled up. */
  baseline: number | null;
  /** When the last firing alert resolved (ms), for the cool-down. */
  resolvedAtMs: number | null;
}

export const CALM: DosState = { firing: [], baseline: null, resolvedAtMs: null };

export interface DosDecision {
  state: DosState;
  /** The replica count to set, or null to leave it. */
  replicas: number | null;
  reason: 'ScaledUpOnAlert' | 'AtMaximum' | 'ScaledDownAfterCooldown' | 'CoolingDown' | 'Unchanged';
}

/**
 * One webhook call for a pool: every firing notification scales up by `step` within `max`
 * (Alertmanager repeats a firing alert, so a sustained attack keeps stepping up); when the last
 * alert resolves the cool-down starts.
 */
export function onAlerts(state: DosState, alerts: readonly PoolAlert[], replicas: number, policy: { step: number; max: number }, nowMs: number): DosDecision {
  const firing = new Set(state.firing);
  for (const a of alerts) {
    if (a.firing) firing.add(a.fingerprint);
    else firing.delete(a.fingerprint);
  }
  const anyFiring = alerts.some((a) => a.firing);
  if (anyFiring) {
    const next: DosState = { firing: [...firing].sort(), baseline: state.baseline ?? replicas, resolvedAtMs: null };
    const target = Math.min(policy.max, replicas + policy.step);
    return target > replicas ? { state: next, replicas: target, reason: 'ScaledUpOnAlert' } : { state: next, replicas: null, reason: 'AtMaximum' };
  }
  const resolvedAtMs = firing.size === 0 && state.firing.length > 0 ? nowMs : state.resolvedAtMs;
  return { state: { firing: [...firing].sort(), baseline: state.baseline, resolvedAtMs }, replicas: null, reason: 'Unchanged' };
}

/**
 * Run on every reconcile: once no alert has fired for `cooldownSeconds`, the pool goes back down
 * to its replica count from before the episode. It only ever scales down here: a count already
 * at or below that (lowered by hand meanwhile) is left as it is.
 */
export function afterCooldown(state: DosState, replicas: number, cooldownSeconds: number, nowMs: number): DosDecision {
  if (state.baseline === null || state.firing.length > 0 || state.resolvedAtMs === null) return { state, replicas: null, reason: 'Unchanged' };
  if (nowMs - state.resolvedAtMs < cooldownSeconds * 1000) return { state, replicas: null, reason: 'CoolingDown' };
  const target = Math.min(replicas, state.baseline);
  return { state: CALM, replicas: target === replicas ? null : target, reason: 'ScaledDownAfterCooldown' };
}
