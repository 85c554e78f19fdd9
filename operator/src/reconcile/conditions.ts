import type { Condition } from '../api/v1alpha1/index.js';

/**
 * Sets one condition in a list (metav1 semantics): lastTransitionTime moves only when the status
 * changes, so it says since when the condition has held, not when we last looked.
 */
export function setCondition(prior: readonly Condition[] | undefined, next: Omit<Condition, 'lastTransitionTime'>, now: Date): Condition[] {
  const list = [...(prior ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const old = i >= 0 ? list[i] : undefined;
  const lastTransitionTime = old !== undefined && old.status === next.status ? old.lastTransitionTime : now.toISOString();
  const c: Condition = { ...next, lastTransitionTime };
  if (i >= 0) list[i] = c;
  else list.push(c);
  return list;
}
