import type { ReceptionPoolSpec } from '../../api/v1alpha1/index.js';

/** Label and taint keys of market Nodes (DESIGN §8, §11): what a rented machine's offer says. */
export const MARKET_TAINT = 'clusterchain.io/market';
export const LABEL_REPUTATION = 'clusterchain.io/reputation';
export const LABEL_CORES = 'clusterchain.io/cores';
export const LABEL_MEMORY_MIB = 'clusterchain.io/memory-mib';
export const LABEL_BANDWIDTH_MBPS = 'clusterchain.io/bandwidth-mbps';
export const ANNOTATION_WINDOW_END = 'clusterchain.io/window-end';

/** A market Node as the planner sees it: read from the Node's taint, labels and annotation. */
export interface MarketNode {
  name: string;
  reputation: number;
  cores: number;
  memoryMiB: number;
  bandwidthMbps: number;
  /** When the rented window ends, ms since the epoch. */
  windowEndMs: number;
  /** Alive: Ready and not cordoned. A Pod on a Node that is not has lost its machine. */
  ready: boolean;
  /** Takes new Pods: no taint but the market's keeps the scheduler away (not-ready, unreachable, an admin's). */
  schedulable: boolean;
}

/** Why a Node cannot take a slot now; null when it can. */
export function unsuitability(node: MarketNode, market: ReceptionPoolSpec['market'], nowMs: number): string | null {
  if (!node.ready) return 'NotReady';
  if (!node.schedulable) return 'Tainted';
  if (node.reputation < market.minReputation) return 'LowReputation';
  const hw = market.hardware;
  if (node.cores < hw.minCores || node.memoryMiB < hw.minMemoryMiB || node.bandwidthMbps < hw.minBandwidthMbps) return 'HardwareBelowFloor';
  if (node.windowEndMs - nowMs < market.minRemainingWindowSeconds * 1000) return 'WindowTooShort';
  return null;
}

/**
 * The Node for a new slot Pod among the suitable ones: the least loaded by this pool (spread),
 * then the longest remaining window (fewest handoffs), then the best reputation, then the name
 * (so the plan is deterministic). Null when none is suitable.
 */
export function chooseNode(
  nodes: readonly MarketNode[],
  market: ReceptionPoolSpec['market'],
  load: ReadonlyMap<string, number>,
  nowMs: number,
  exclude: ReadonlySet<string> = new Set(),
): MarketNode | null {
  let best: MarketNode | null = null;
  for (const n of nodes) {
    if (exclude.has(n.name) || unsuitability(n, market, nowMs) !== null) continue;
    if (best === null || better(n, best, load)) best = n;
  }
  return best;
}

function better(a: MarketNode, b: MarketNode, load: ReadonlyMap<string, number>): boolean {
  const la = load.get(a.name) ?? 0;
  const lb = load.get(b.name) ?? 0;
  if (la !== lb) return la < lb;
  if (a.windowEndMs !== b.windowEndMs) return a.windowEndMs > b.windowEndMs;
  if (a.reputation !== b.reputation) return a.reputation > b.reputation;
  return a.name < b.name;
}

/** Reads a market Node from its labels and annotation; null when it is not a (well-formed) market offer. */
export function marketNodeOf(node: { name: string; labels: Record<string, string>; annotations: Record<string, string>; tainted: boolean; ready: boolean; schedulable?: boolean }): MarketNode | null {
  if (!node.tainted) return null;
  const num = (key: string): number | null => {
    const v = node.labels[key];
    return v !== undefined && /^[0-9]+$/.test(v) ? Number(v) : null;
  };
  const reputation = num(LABEL_REPUTATION);
  const cores = num(LABEL_CORES);
  const memoryMiB = num(LABEL_MEMORY_MIB);
  const bandwidthMbps = num(LABEL_BANDWIDTH_MBPS);
  const windowEndMs = Date.parse(node.annotations[ANNOTATION_WINDOW_END] ?? '');
  if (reputation === null || cores === null || memoryMiB === null || bandwidthMbps === null || Number.isNaN(windowEndMs)) return null;
  return { name: node.name, reputation, cores, memoryMiB, bandwidthMbps, windowEndMs, ready: node.ready, schedulable: node.schedulable ?? true };
}
