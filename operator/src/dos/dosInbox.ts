import type { PoolAlert } from './alertmanager.js';

/** More distinct alerts than this for one pool are not a DoS episode but a misconfigured rule: the oldest go. */
const MAX_ALERTS_PER_POOL = 256;

/**
 * Alerts received by the webhook and not yet applied to their pool. The webhook only files them
 * here and wakes the pool; the pool's own reconcile applies them (onAlerts) and persists the
 * episode in its status, so one writer changes a pool's replicas, and an alert is dropped from
 * here only once that write succeeded. Per pool, the latest notification of each alert wins.
 */
export class DosInbox {
  private readonly waiting = new Map<string, Map<string, PoolAlert>>();

  /** Files the alerts; returns the pools (namespace/name) they concern. */
  add(alerts: readonly PoolAlert[]): string[] {
    const keys = new Set<string>();
    for (const a of alerts) {
      const key = `${a.pool.namespace}/${a.pool.name}`;
      let pool = this.waiting.get(key);
      if (pool === undefined) this.waiting.set(key, (pool = new Map()));
      pool.delete(a.fingerprint); // re-inserted last: the Map's order is arrival order
      pool.set(a.fingerprint, a);
      if (pool.size > MAX_ALERTS_PER_POOL) pool.delete(pool.keys().next().value as string);
      keys.add(key);
    }
    return [...keys];
  }

  /** The alerts waiting for a pool, oldest first. */
  peek(key: string): PoolAlert[] {
    return [...(this.waiting.get(key)?.values() ?? [])];
  }

  /** Drops alerts a reconcile has applied and persisted; a newer notification of the same alert that came meanwhile stays. */
  ack(key: string, applied: readonly PoolAlert[]): void {
    const pool = this.waiting.get(key);
    if (pool === undefined) return;
    for (const a of applied) if (pool.get(a.fingerprint) === a) pool.delete(a.fingerprint);
    if (pool.size === 0) this.waiting.delete(key);
  }
}
