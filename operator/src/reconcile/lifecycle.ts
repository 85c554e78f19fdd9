import type { KubernetesObject } from '@kubernetes/client-node';
import type { Condition } from '../api/v1alpha1/index.js';
import { setCondition } from './conditions.js';

/**
 * What the Cluster and ChainSpace planners share: the actions on children, the teardown under the
 * finalizer, and how a phase follows from readiness.
 */

/** A child by kind and name, in the namespace of the resource being reconciled. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
}

/** A child as observed: whether this very resource (its uid) owns it, and whether it is already going. */
export interface ObservedChild extends ObjectRef {
  owned: boolean;
  deleting: boolean;
}

export type ChildAction =
  /** Before anything is made: the resource then outlives its children (see the teardown plans). */
  | { type: 'addFinalizer' }
  /** The last step of a teardown: the API server then deletes the resource. */
  | { type: 'removeFinalizer' }
  /** Server-side apply under the operator's field manager (Kube.apply). */
  | { type: 'apply'; object: KubernetesObject }
  /**
   * Foreground: the child stays (with a deletionTimestamp) until its own dependents are gone, so
   * whoever waits for the child to vanish waits for them too.
   */
  | { type: 'delete'; target: ObjectRef; propagation: 'Background' | 'Foreground'; reason: 'ScaledIn' | 'Teardown' };

/**
 * A teardown step: delete each owned child not already going (Foreground where `foreground`
 * says), and remove the finalizer only once no owned child is observed at all, deleting ones
 * included. Children we do not own (a user's Secret, say) are left alone and do not hold it up.
 */
export function planTeardown(children: readonly ObservedChild[], foreground: (c: ObjectRef) => boolean): { actions: ChildAction[]; remaining: number } {
  const owned = children.filter((c) => c.owned);
  const actions: ChildAction[] = owned
    .filter((c) => !c.deleting)
    .map((c) => ({ type: 'delete', target: { apiVersion: c.apiVersion, kind: c.kind, name: c.name }, propagation: foreground(c) ? 'Foreground' : 'Background', reason: 'Teardown' }));
  if (owned.length === 0) actions.push({ type: 'removeFinalizer' });
  return { actions, remaining: owned.length };
}

export type Phase = 'Pending' | 'Ready' | 'Degraded';

/**
 * The phase from readiness: Ready when ready; Degraded on a problem, or when it is not ready
 * after having been Ready or Degraded before; Pending while it has not been ready yet.
 */
export function phaseOf(state: 'ready' | 'waiting' | 'problem', prior: string | undefined): Phase {
  if (state === 'ready') return 'Ready';
  if (state === 'problem') return 'Degraded';
  return prior === 'Ready' || prior === 'Degraded' ? 'Degraded' : 'Pending';
}

/** The status of a resource under teardown: what it showed, with Ready False for reason Deleting. */
export function deletingStatus<S extends { conditions?: Condition[] }>(prior: S, generation: number, remaining: number, now: Date): S & { observedGeneration: number; conditions: Condition[] } {
  const conditions = setCondition(prior.conditions, { type: 'Ready', status: 'False', reason: 'Deleting', message: `waiting for ${remaining} owned object(s) to be deleted`, observedGeneration: generation }, now);
  return { ...prior, observedGeneration: generation, conditions };
}

/** The greatest of some decimal heights (they outgrow int53), ignoring what is not one; undefined for none. */
export function maxHeight(heights: readonly (string | undefined)[]): string | undefined {
  let max: bigint | undefined;
  for (const h of heights) {
    if (h === undefined || !/^[0-9]+$/.test(h)) continue;
    const v = BigInt(h);
    if (max === undefined || v > max) max = v;
  }
  return max?.toString();
}
