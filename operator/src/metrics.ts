import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PoolEvents } from './reconcile/receptionPool/reconcile.js';

/**
 * The operator's metrics (CONVENTIONS 6): prefix `clusterchain_operator_`. Pools are labelled by
 * namespace/name, which an operator's user reads dashboards by; label values never carry keys.
 */
export function createOperatorMetrics(registry: Registry) {
  const registers = [registry];
  const metrics = {
    reconciles: new Counter({ name: 'clusterchain_operator_reconciles_total', help: 'Reconciles run, by kind and outcome (ok, error)', labelNames: ['kind', 'outcome'] as const, registers }),
    reconcileSeconds: new Histogram({
      name: 'clusterchain_operator_reconcile_duration_seconds',
      help: 'Time one reconcile took, by kind',
      labelNames: ['kind'] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    queueDepth: new Gauge({ name: 'clusterchain_operator_queue_depth', help: 'Objects waiting for or in a reconcile', registers }),
    leader: new Gauge({ name: 'clusterchain_operator_leader', help: '1 while this replica holds the Lease and reconciles', registers }),
    handoffs: new Counter({ name: 'clusterchain_operator_handoffs_total', help: 'Relay handoffs completed, by pool and whether the old node confirmed its drain (forced=false) or not', labelNames: ['pool', 'forced'] as const, registers }),
    reputationLowered: new Counter({ name: 'clusterchain_operator_reputation_lowered_total', help: 'Market Nodes whose reputation was lowered for leaving before their window ended', registers }),
    poolSlots: new Gauge({ name: 'clusterchain_operator_pool_slots', help: 'Slots of a reception pool, by state (desired, ready, unplaced)', labelNames: ['pool', 'state'] as const, registers }),
    alerts: new Counter({ name: 'clusterchain_operator_webhook_alerts_total', help: 'Pool alerts received on the Alertmanager webhook, by status (firing, resolved)', labelNames: ['status'] as const, registers }),
  };
  return metrics;
}
export type OperatorMetrics = ReturnType<typeof createOperatorMetrics>;

export function poolEventsOf(m: OperatorMetrics): PoolEvents {
  return {
    handoff: (pool, forced) => m.handoffs.inc({ pool, forced: String(forced) }),
    reputationLowered: () => m.reputationLowered.inc(),
    slots: (pool, desired, ready, unplaced) => {
      m.poolSlots.set({ pool, state: 'desired' }, desired);
      m.poolSlots.set({ pool, state: 'ready' }, ready);
      m.poolSlots.set({ pool, state: 'unplaced' }, unplaced);
    },
    forget: (pool) => {
      for (const state of ['desired', 'ready', 'unplaced']) m.poolSlots.remove({ pool, state });
      for (const forced of ['true', 'false']) m.handoffs.remove({ pool, forced });
    },
  };
}
