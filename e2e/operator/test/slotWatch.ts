import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, until, type KwokCluster } from './kwokCluster.js';

export interface SlotWatchResult {
  /** Watch events seen (the initial listing included). */
  events: number;
  /** Moments (events) after which some slot had no Ready Pod. */
  emptyMoments: number;
  /** Slot-seconds without a Ready Pod: each empty slot counted for as long as it stayed empty. */
  emptySlotSeconds: number;
}

/**
 * Follows every change to a pool's Pods through a `kubectl --watch` (not sampling: a handoff on
 * kwok takes well under a second) and measures when some slot below `replicas` had no Ready Pod.
 * Counting starts once every slot is served (the listing arrives one Pod at a time).
 */
export async function watchSlots(k: KwokCluster, namespace: string, pool: string, replicas: number): Promise<() => Promise<SlotWatchResult>> {
  const template = '{.type} {.object.metadata.name} {.object.metadata.labels.clusterchain\\.io/slot} {.object.status.conditions[?(@.type=="Ready")].status} {.object.metadata.deletionTimestamp}{"\\n"}';
  const child = spawn(join(ROOT, '.tools/bin/kubectl'), ['--kubeconfig', k.kubeconfig, 'get', 'pods', '-n', namespace, '-l', `clusterchain.io/reception-pool=${pool}`, '--watch', '--output-watch-events', '-o', `jsonpath=${template}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const readyBySlot = new Map<string, string>(); // pod -> slot, while Ready and not deleting
  const result: SlotWatchResult = { events: 0, emptyMoments: 0, emptySlotSeconds: 0 };
  let armed = false;
  let missing = 0;
  let since = 0;
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const [type, name, slot, ready, deleting] = buffered.slice(0, nl).split(' ');
      buffered = buffered.slice(nl + 1);
      if (name === undefined || slot === undefined) continue;
      if (type !== 'DELETED' && ready === 'True' && !deleting) readyBySlot.set(name, slot);
      else readyBySlot.delete(name);
      result.events++;
      const t = performance.now();
      if (armed) result.emptySlotSeconds += (missing * (t - since)) / 1000;
      const served = new Set(readyBySlot.values());
      missing = 0;
      for (let i = 0; i < replicas; i++) if (!served.has(String(i))) missing++;
      since = t;
      if (missing === 0) armed = true;
      else if (armed) result.emptyMoments++;
    }
  });
  await until('the watch to list the pool with every slot served', async () => (armed ? true : undefined), 120_000);
  return async () => {
    if (armed) result.emptySlotSeconds += (missing * (performance.now() - since)) / 1000;
    child.kill();
    return result;
  };
}
