import type { ReceptionPoolSpec } from '../../api/v1alpha1/index.js';
import { chooseNode, type MarketNode } from './market.js';
import { clusterOfSlot } from './slotCluster.js';

/** A Pod of the pool as the planner sees it (labels carry slot and role; annotations the drain). */
export interface SlotPod {
  name: string;
  slot: number;
  /**
   * The cluster it serves, from its label: set when it was made and never changed, so its drain
   * and its roster changes go to that cluster's leader even after `spec.clusters` moved on.
   */
  cluster: string;
  node: string;
  /** `active` serves the slot; a `successor` is being started on another Node for a handoff. */
  role: 'active' | 'successor';
  ready: boolean;
  /** The operator asked it to drain (its admin endpoint answered). */
  drainRequested: boolean;
  /** It handed everything it had buffered to the logic node and stopped taking transactions. */
  drained: boolean;
  /** Already being deleted (deletionTimestamp set): no longer counted. */
  deleting: boolean;
  /** A member of the cluster's current roster epoch. */
  inRoster: boolean;
  /**
   * Its key is known: the RN told it on /identity, which it does once it follows the cluster's
   * roster (synced). Only then can it join a roster. An RN reports Ready only as a roster member,
   * so a new one is judged up by this, not by its readiness.
   */
  identified: boolean;
  /** When the Pod was created (ms): a successor that never syncs is replaced after SUCCESSOR_SYNC_TIMEOUT_MS. */
  createdMs: number;
}

/** Serving, or synced and waiting for its roster epoch: up either way. */
const up = (p: SlotPod) => p.ready || p.identified;

/**
 * A successor that has not synced (told its key) this long after it was created is given up on
 * and another one started, on another Node: its machine may not be what its offer said.
 */
export const SUCCESSOR_SYNC_TIMEOUT_MS = 120_000;

export interface ObservedPool {
  nodes: readonly MarketNode[];
  pods: readonly SlotPod[];
}

export type PoolAction =
  | { type: 'createPod'; slot: number; cluster: string; node: string; role: 'active' | 'successor' }
  | { type: 'promotePod'; pod: string; slot: number }
  | { type: 'drainPod'; pod: string }
  /** Asks `cluster`'s logic node leader to publish a roster epoch with `add` in place of `remove` (both serve that cluster). */
  | { type: 'replaceInRoster'; cluster: string; remove: string | null; add: string | null }
  | { type: 'deletePod'; pod: string; reason: 'NodeLost' | 'WindowEnded' | 'HandoffDone' | 'HandoffCancelled' | 'SuccessorNeverSynced' | 'ScaledDown' | 'Duplicate' }
  | { type: 'lowerReputation'; node: string };

export type HandoffState = 'None' | 'Starting' | 'Draining' | 'Done';

export interface SlotView {
  index: number;
  pod?: string;
  node?: string;
  windowEndMs?: number;
  handoff: HandoffState;
  successorPod?: string;
}

export interface PoolPlan {
  actions: PoolAction[];
  slots: SlotView[];
  readyReplicas: number;
  /**
   * readyReplicas by the cluster each Pod serves: every cluster of the spec (0 when none is
   * ready), and a cluster dropped from it as long as a Pod still serves it.
   */
  readyByCluster: Record<string, number>;
  /** Slots that found no suitable Node this time. */
  unplaced: number;
  /**
   * Relays this plan completes: `drained` when the old node confirmed its drain and was swapped
   * out in one epoch; false when its window ended first and the successor took over as it was.
   */
  relays: { slot: number; from: string; to: string; drained: boolean }[];
}

/**
 * One reconcile of a ReceptionPool (DESIGN §11): a pure function of the spec, what the cluster
 * holds and the time. Every slot below `replicas` gets exactly one active Pod on a suitable
 * market Node; a slot whose Node's window ends within the handoff notice gets a successor on
 * another Node, and only once it has synced is the old Pod drained, swapped out of the roster and
 * deleted, so the slot is never empty. A new Pod serves its slot's cluster (clusterOfSlot); a
 * Pod's drain and roster changes go to the cluster it serves. A successor that never syncs is replaced; if the window
 * ends first, the successor takes the slot as it is. A Node lost before its window ended costs it reputation.
 * Slots at or above `replicas` are drained and removed. The executor applies the actions in order
 * and re-plans after any failure.
 */
export function planReceptionPool(spec: ReceptionPoolSpec, observed: ObservedPool, nowMs: number): PoolPlan {
  const nodes = new Map(observed.nodes.map((n) => [n.name, n]));
  const live = observed.pods.filter((p) => !p.deleting);
  const load = new Map<string, number>();
  for (const p of live) load.set(p.node, (load.get(p.node) ?? 0) + 1);
  const actions: PoolAction[] = [];
  const slots: SlotView[] = [];
  const readyByCluster: Record<string, number> = Object.fromEntries(spec.clusters.map((c) => [c, 0]));
  const countReady = (p: SlotPod) => {
    if (!p.ready) return;
    readyByCluster[p.cluster] = (readyByCluster[p.cluster] ?? 0) + 1;
  };
  let unplaced = 0;
  const relays: PoolPlan['relays'] = [];

  const place = (slot: number, role: 'active' | 'successor', exclude: ReadonlySet<string>): string | null => {
    const node = chooseNode(observed.nodes, spec.market, load, nowMs, exclude);
    if (node === null) {
      unplaced++;
      return null;
    }
    load.set(node.name, (load.get(node.name) ?? 0) + 1);
    actions.push({ type: 'createPod', slot, cluster: clusterOfSlot(spec.clusters, slot), node: node.name, role });
    return node.name;
  };

  const bySlot = new Map<number, SlotPod[]>();
  for (const p of live) bySlot.set(p.slot, [...(bySlot.get(p.slot) ?? []), p]);

  for (let i = 0; i < spec.replicas; i++) {
    const pods = (bySlot.get(i) ?? []).sort((a, b) => (a.name < b.name ? -1 : 1));
    let active = pods.find((p) => p.role === 'active');
    const successor = pods.find((p) => p.role === 'successor');
    for (const extra of pods) if (extra !== active && extra !== successor) actions.push({ type: 'deletePod', pod: extra.name, reason: 'Duplicate' });

    // The active Pod's machine is gone, failing, or its rented window is over: replace it at once,
    // by the successor if there is one. Only a machine that left before its window ended is penalised.
    const host = active ? nodes.get(active.node) : undefined;
    let lost: SlotPod | undefined;
    let windowEnded = false;
    if (active && (host === undefined || !host.ready || nowMs >= host.windowEndMs)) {
      windowEnded = host !== undefined && nowMs >= host.windowEndMs;
      if (host !== undefined && !windowEnded) actions.push({ type: 'lowerReputation', node: host.name });
      lost = active;
      active = undefined;
    }
    if (!active) {
      // The swap: the lost member out, the successor in if it can serve.
      actions.push(...rosterSwap(lost?.inRoster ? lost : undefined, successor?.identified && !successor.inRoster ? successor : undefined));
      if (lost) actions.push({ type: 'deletePod', pod: lost.name, reason: windowEnded ? 'WindowEnded' : 'NodeLost' });
      if (successor) {
        actions.push({ type: 'promotePod', pod: successor.name, slot: i });
        if (lost && windowEnded) relays.push({ slot: i, from: lost.name, to: successor.name, drained: false });
        const end = nodes.get(successor.node)?.windowEndMs;
        slots.push({ index: i, pod: successor.name, node: successor.node, handoff: 'None', ...(end === undefined ? {} : { windowEndMs: end }) });
        countReady(successor);
      } else {
        const node = place(i, 'active', new Set());
        slots.push(node === null ? { index: i, handoff: 'None' } : { index: i, node, handoff: 'None' });
      }
      continue;
    }

    const windowEndMs = (host as MarketNode).windowEndMs;
    const view: SlotView = { index: i, pod: active.name, node: active.node, windowEndMs, handoff: 'None' };
    countReady(active);
    // A new member joins the roster once it can serve (a handoff swaps it in below instead).
    if (active.identified && !active.inRoster) actions.push(...rosterSwap(undefined, active));
    const handoffDue = windowEndMs - nowMs <= spec.market.handoffNoticeSeconds * 1000;
    if (!handoffDue) {
      if (successor) actions.push({ type: 'deletePod', pod: successor.name, reason: 'HandoffCancelled' }); // the window was extended
    } else if (!successor) {
      view.handoff = 'Starting';
      place(i, 'successor', new Set([active.node]));
    } else {
      view.successorPod = successor.name;
      // The old node drains only for a successor that synced (DESIGN §11): until then it serves on.
      if (!successor.identified) {
        view.handoff = 'Starting';
        if (nowMs - successor.createdMs > SUCCESSOR_SYNC_TIMEOUT_MS) actions.push({ type: 'deletePod', pod: successor.name, reason: 'SuccessorNeverSynced' });
      } else if (!active.drainRequested) {
        view.handoff = 'Draining';
        actions.push({ type: 'drainPod', pod: active.name });
      } else if (!active.drained) view.handoff = 'Draining';
      else {
        view.handoff = 'Done';
        actions.push(...rosterSwap(active.inRoster ? active : undefined, successor.inRoster ? undefined : successor));
        actions.push({ type: 'deletePod', pod: active.name, reason: 'HandoffDone' });
        actions.push({ type: 'promotePod', pod: successor.name, slot: i });
        relays.push({ slot: i, from: active.name, to: successor.name, drained: true });
      }
    }
    slots.push(view);
  }

  // Scale-down: slots past `replicas` drain, leave the roster, then go.
  for (const [slot, pods] of [...bySlot].sort(([a], [b]) => a - b)) {
    if (slot < spec.replicas) continue;
    for (const p of pods) {
      if (up(p) && !p.drainRequested) actions.push({ type: 'drainPod', pod: p.name });
      else if (!up(p) || p.drained) {
        if (p.inRoster) actions.push(...rosterSwap(p, undefined));
        actions.push({ type: 'deletePod', pod: p.name, reason: 'ScaledDown' });
      }
    }
  }
  const readyReplicas = Object.values(readyByCluster).reduce((a, b) => a + b, 0);
  return { actions, slots, readyReplicas, readyByCluster, unplaced, relays };
}

/**
 * The roster changes that put `add` in place of `remove`. Both serve one cluster: ONE epoch swaps
 * them, so the roster never holds both nor neither. Each serves its own (`spec.clusters` changed
 * between their births): one change per cluster, as no epoch spans two, the leaver's first; it
 * has drained or its machine is gone, so it has nothing left to serve either way.
 */
function rosterSwap(remove: SlotPod | undefined, add: SlotPod | undefined): PoolAction[] {
  if (remove !== undefined && add !== undefined && remove.cluster !== add.cluster) return [...rosterSwap(remove, undefined), ...rosterSwap(undefined, add)];
  const cluster = remove?.cluster ?? add?.cluster;
  if (cluster === undefined) return [];
  return [{ type: 'replaceInRoster', cluster, remove: remove?.name ?? null, add: add?.name ?? null }];
}
