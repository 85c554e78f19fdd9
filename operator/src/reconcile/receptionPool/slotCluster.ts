/**
 * The cluster a pool's slot serves: the slots take the pool's clusters in turn, slot i serving
 * `clusters[i mod n]`. Scaling up appends slots, so a slot that exists keeps its cluster and a new
 * one evens the count out; the same holds after a scale-down. A cluster named twice gets twice the
 * slots.
 *
 * Only a new Pod takes its cluster from here: a running one keeps the cluster on its label until
 * its slot is relayed, so a change to `spec.clusters` moves no member out of a roster at once.
 */
export function clusterOfSlot(clusters: readonly string[], slot: number): string {
  if (clusters.length === 0) throw new RangeError('a pool serves at least one cluster');
  if (!Number.isSafeInteger(slot) || slot < 0) throw new RangeError(`slot ${slot} is not an index`);
  return clusters[slot % clusters.length] as string;
}
