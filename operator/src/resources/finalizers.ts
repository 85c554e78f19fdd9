/**
 * The finalizer the Cluster and ChainSpace reconcilers put on their resource (DESIGN §11: "deletions
 * go through finalizers"). What it guarantees is written beside each teardown plan
 * (reconcile/cluster/plan.ts, reconcile/chainSpace/plan.ts).
 */
export const TEARDOWN_FINALIZER = 'clusterchain.io/teardown';

/**
 * A JSON merge patch that sets the finalizer list to `finalizers` with `finalizer` added or
 * removed, guarded by the resourceVersion it was computed from: finalizers are a list other
 * controllers share, so a concurrent change makes the patch fail with 409 (the queue retries with
 * a fresh read) rather than drop someone else's entry; and a patch of an object that is already
 * gone fails instead of creating it, as an apply could.
 */
export function finalizerPatch(
  target: { apiVersion: string; kind: string; name: string; namespace: string; resourceVersion: string; finalizers: readonly string[] },
  finalizer: string,
  present: boolean,
): { apiVersion: string; kind: string; metadata: { name: string; namespace: string; resourceVersion: string; finalizers: string[] } } {
  const others = target.finalizers.filter((f) => f !== finalizer);
  return {
    apiVersion: target.apiVersion,
    kind: target.kind,
    metadata: { name: target.name, namespace: target.namespace, resourceVersion: target.resourceVersion, finalizers: present ? [...others, finalizer] : others },
  };
}
