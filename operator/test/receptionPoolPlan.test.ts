import { receptionPoolSpec } from '../src/api/v1alpha1/index.js';
import { chooseNode, marketNodeOf, unsuitability, type MarketNode } from '../src/reconcile/receptionPool/market.js';
import { planReceptionPool, type SlotPod } from '../src/reconcile/receptionPool/plan.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const HOUR = 3_600_000;
const spec = (over: Record<string, unknown> = {}) => receptionPoolSpec.parse({ clusters: ['c'], replicas: 2, minReplicas: 1, ...over });

function node(name: string, over: Partial<MarketNode> = {}): MarketNode {
  return { name, reputation: 60, cores: 4, memoryMiB: 8192, bandwidthMbps: 1000, windowEndMs: NOW + 10 * HOUR, ready: true, schedulable: true, ...over };
}

function pod(name: string, slot: number, nodeName: string, over: Partial<SlotPod> = {}): SlotPod {
  return { name, slot, node: nodeName, role: 'active', ready: true, drainRequested: false, drained: false, deleting: false, inRoster: true, identified: true, createdMs: NOW - 60_000, ...over };
}

describe('choosing a market Node', () => {
  const market = spec().market;

  it.each([
    ['NotReady', { ready: false }],
    ['Tainted', { schedulable: false }],
    ['LowReputation', { reputation: 49 }],
    ['HardwareBelowFloor', { cores: 1 }],
    ['HardwareBelowFloor', { memoryMiB: 1024 }],
    ['WindowTooShort', { windowEndMs: NOW + 59 * 60_000 }],
  ])('when a Node is %s, then it is not suitable', (why, over) => {
    expect(unsuitability(node('n', over as Partial<MarketNode>), market, NOW)).toBe(why);
  });

  it('when several suit, then the least loaded wins, then the longest window, then reputation, then the name', () => {
    const nodes = [node('a', { windowEndMs: NOW + 2 * HOUR }), node('b', { windowEndMs: NOW + 5 * HOUR }), node('c', { windowEndMs: NOW + 5 * HOUR, reputation: 90 })];
    expect(chooseNode(nodes, market, new Map(), NOW)?.name).toBe('c');
    expect(chooseNode(nodes, market, new Map([['c', 1]]), NOW)?.name).toBe('b');
    expect(chooseNode(nodes, market, new Map([['b', 1], ['c', 1]]), NOW)?.name).toBe('a');
    expect(chooseNode(nodes, market, new Map(), NOW, new Set(['a', 'b', 'c']))).toBeNull();
  });

  it('when a Node carries no complete offer (labels, window annotation, market taint), then it is not a market Node', () => {
    const labels = { 'clusterchain.io/reputation': '70', 'clusterchain.io/cores': '4', 'clusterchain.io/memory-mib': '8192', 'clusterchain.io/bandwidth-mbps': '1000' };
    const annotations = { 'clusterchain.io/window-end': '2026-11-21T18:00:00Z' };
    expect(marketNodeOf({ name: 'm', labels, annotations, tainted: true, ready: true })).toEqual({ name: 'm', reputation: 70, cores: 4, memoryMiB: 8192, bandwidthMbps: 1000, windowEndMs: Date.parse('2026-11-21T18:00:00Z'), ready: true, schedulable: true });
    expect(marketNodeOf({ name: 'm', labels, annotations, tainted: false, ready: true })).toBeNull();
    expect(marketNodeOf({ name: 'm', labels: { ...labels, 'clusterchain.io/cores': 'four' }, annotations, tainted: true, ready: true })).toBeNull();
    expect(marketNodeOf({ name: 'm', labels, annotations: {}, tainted: true, ready: true })).toBeNull();
  });
});

describe('planning a ReceptionPool', () => {
  it('when the pool is new, then each slot gets a Pod, spread over distinct suitable Nodes', () => {
    const plan = planReceptionPool(spec({ replicas: 3 }), { nodes: [node('a'), node('b'), node('low', { reputation: 10 }), node('c')], pods: [] }, NOW);
    expect(plan.actions).toEqual([
      { type: 'createPod', slot: 0, node: 'a', role: 'active' },
      { type: 'createPod', slot: 1, node: 'b', role: 'active' },
      { type: 'createPod', slot: 2, node: 'c', role: 'active' },
    ]);
    expect(plan.unplaced).toBe(0);
  });

  it('when no Node suits, then the slot stays unplaced and is counted, and nothing is created', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('short', { windowEndMs: NOW + 10 * 60_000 })], pods: [] }, NOW);
    expect(plan.actions).toEqual([]);
    expect(plan.unplaced).toBe(1);
  });

  it('when every slot is served and no window is near its end, then there is nothing to do', () => {
    const plan = planReceptionPool(spec(), { nodes: [node('a'), node('b')], pods: [pod('p0', 0, 'a'), pod('p1', 1, 'b')] }, NOW);
    expect(plan.actions).toEqual([]);
    expect(plan.readyReplicas).toBe(2);
    expect(plan.slots.map((s) => s.handoff)).toEqual(['None', 'None']);
  });

  it('when a new Pod becomes Ready, then it joins the roster', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('a')], pods: [pod('p0', 0, 'a', { inRoster: false })] }, NOW);
    expect(plan.actions).toEqual([{ type: 'replaceInRoster', remove: null, add: 'p0' }]);
  });

  it('when a new Pod synced, then it joins the roster though not Ready (it is Ready only as a member)', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('a')], pods: [pod('p0', 0, 'a', { inRoster: false, ready: false })] }, NOW);
    expect(plan.actions).toEqual([{ type: 'replaceInRoster', remove: null, add: 'p0' }]);
  });

  it('when a Ready Pod has not told its key yet, then it waits out of the roster', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('a')], pods: [pod('p0', 0, 'a', { inRoster: false, identified: false })] }, NOW);
    expect(plan.actions).toEqual([]);
  });

  describe('a successor that has not synced', () => {
    const nodes = [node('old', { windowEndMs: NOW + 4 * 60_000 }), node('fresh')];
    const unsynced = (over: Partial<SlotPod> = {}) => pod('p0-next', 0, 'fresh', { role: 'successor', inRoster: false, identified: false, ...over });

    it('when it is Ready but has not told its key, then the old node is not asked to drain: it serves on', () => {
      const plan = planReceptionPool(spec({ replicas: 1 }), { nodes, pods: [pod('p0', 0, 'old'), unsynced()] }, NOW);
      expect(plan.actions).toEqual([]);
      expect(plan.slots[0]?.handoff).toBe('Starting');
    });

    it('when it has not synced for two minutes, then it is given up on', () => {
      const plan = planReceptionPool(spec({ replicas: 1 }), { nodes, pods: [pod('p0', 0, 'old'), unsynced({ createdMs: NOW - 121_000 })] }, NOW);
      expect(plan.actions).toEqual([{ type: 'deletePod', pod: 'p0-next', reason: 'SuccessorNeverSynced' }]);
    });

    it('when the window ends first, then the successor takes the slot as it is, the old member leaves the roster, and no one is penalised', () => {
      const ended = [node('old', { windowEndMs: NOW - 1 }), node('fresh')];
      const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: ended, pods: [pod('p0', 0, 'old'), unsynced()] }, NOW);
      expect(plan.actions).toEqual([
        { type: 'replaceInRoster', remove: 'p0', add: null },
        { type: 'deletePod', pod: 'p0', reason: 'WindowEnded' },
        { type: 'promotePod', pod: 'p0-next', slot: 0 },
      ]);
      expect(plan.relays).toEqual([{ slot: 0, from: 'p0', to: 'p0-next', drained: false }]);
    });
  });

  describe('a relay handoff, step by step on a fake clock', () => {
    const ending = node('old', { windowEndMs: NOW + 4 * 60_000 }); // within the 300 s notice
    const nodes = [ending, node('fresh')];
    const s = spec({ replicas: 1 });

    it('when the window ends within the notice, then a successor starts on another Node, and the slot keeps its Pod', () => {
      const plan = planReceptionPool(s, { nodes, pods: [pod('p0', 0, 'old')] }, NOW);
      expect(plan.actions).toEqual([{ type: 'createPod', slot: 0, node: 'fresh', role: 'successor' }]);
      expect(plan.slots[0]).toMatchObject({ pod: 'p0', handoff: 'Starting' });
    });

    it('when the successor is neither Ready nor synced yet, then the old Pod keeps serving undisturbed', () => {
      const plan = planReceptionPool(s, { nodes, pods: [pod('p0', 0, 'old'), pod('p0-next', 0, 'fresh', { role: 'successor', ready: false, inRoster: false, identified: false })] }, NOW);
      expect(plan.actions).toEqual([]);
      expect(plan.slots[0]).toMatchObject({ handoff: 'Starting', successorPod: 'p0-next' });
    });

    it('when the successor synced but is not Ready (an RN is Ready only as a roster member), then the old Pod is asked to drain', () => {
      const plan = planReceptionPool(s, { nodes, pods: [pod('p0', 0, 'old'), pod('p0-next', 0, 'fresh', { role: 'successor', ready: false, inRoster: false })] }, NOW);
      expect(plan.actions).toEqual([{ type: 'drainPod', pod: 'p0' }]);
    });

    it('when the successor is Ready, then the old Pod is asked to drain', () => {
      const plan = planReceptionPool(s, { nodes, pods: [pod('p0', 0, 'old'), pod('p0-next', 0, 'fresh', { role: 'successor', inRoster: false })] }, NOW);
      expect(plan.actions).toEqual([{ type: 'drainPod', pod: 'p0' }]);
      expect(plan.slots[0]?.handoff).toBe('Draining');
    });

    it('when the old Pod has drained, then the roster swaps them in one epoch, the old Pod goes and the successor takes the slot', () => {
      const plan = planReceptionPool(s, { nodes, pods: [pod('p0', 0, 'old', { drainRequested: true, drained: true }), pod('p0-next', 0, 'fresh', { role: 'successor', inRoster: false })] }, NOW);
      expect(plan.actions).toEqual([
        { type: 'replaceInRoster', remove: 'p0', add: 'p0-next' },
        { type: 'deletePod', pod: 'p0', reason: 'HandoffDone' },
        { type: 'promotePod', pod: 'p0-next', slot: 0 },
      ]);
      expect(plan.slots[0]?.handoff).toBe('Done');
      expect(plan.relays).toEqual([{ slot: 0, from: 'p0', to: 'p0-next', drained: true }]);
    });

    it('when the window was extended meanwhile, then the successor is dropped', () => {
      const plan = planReceptionPool(s, { nodes: [node('old'), node('fresh')], pods: [pod('p0', 0, 'old'), pod('p0-next', 0, 'fresh', { role: 'successor', inRoster: false })] }, NOW);
      expect(plan.actions).toEqual([{ type: 'deletePod', pod: 'p0-next', reason: 'HandoffCancelled' }]);
    });
  });

  it('when a Node fails before its window ends, then it loses reputation, the slot is replaced at once and the roster drops the lost member', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('dead', { ready: false }), node('b')], pods: [pod('p0', 0, 'dead')] }, NOW);
    expect(plan.actions).toEqual([
      { type: 'lowerReputation', node: 'dead' },
      { type: 'replaceInRoster', remove: 'p0', add: null },
      { type: 'deletePod', pod: 'p0', reason: 'NodeLost' },
      { type: 'createPod', slot: 0, node: 'b', role: 'active' },
    ]);
  });

  it('when a Node vanishes mid-handoff with a Ready successor, then the successor takes over in one roster change', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('b')], pods: [pod('p0', 0, 'gone'), pod('p0-next', 0, 'b', { role: 'successor', inRoster: false })] }, NOW);
    expect(plan.actions).toEqual([
      { type: 'replaceInRoster', remove: 'p0', add: 'p0-next' },
      { type: 'deletePod', pod: 'p0', reason: 'NodeLost' },
      { type: 'promotePod', pod: 'p0-next', slot: 0 },
    ]);
  });

  it('when replicas drop, then the slots above drain first, then leave the roster and go', () => {
    const nodes = [node('a'), node('b'), node('c')];
    const first = planReceptionPool(spec({ replicas: 1 }), { nodes, pods: [pod('p0', 0, 'a'), pod('p1', 1, 'b')] }, NOW);
    expect(first.actions).toEqual([{ type: 'drainPod', pod: 'p1' }]);
    const later = planReceptionPool(spec({ replicas: 1 }), { nodes, pods: [pod('p0', 0, 'a'), pod('p1', 1, 'b', { drainRequested: true, drained: true })] }, NOW);
    expect(later.actions).toEqual([
      { type: 'replaceInRoster', remove: 'p1', add: null },
      { type: 'deletePod', pod: 'p1', reason: 'ScaledDown' },
    ]);
  });

  it('when two active Pods claim one slot, then the extra one is deleted', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('a'), node('b')], pods: [pod('p0', 0, 'a'), pod('p0-dup', 0, 'b')] }, NOW);
    expect(plan.actions).toEqual([{ type: 'deletePod', pod: 'p0-dup', reason: 'Duplicate' }]);
  });

  it('when Pods are being deleted, then they count for nothing: the slot is refilled', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('a')], pods: [pod('p0', 0, 'a', { deleting: true })] }, NOW);
    expect(plan.actions).toEqual([{ type: 'createPod', slot: 0, node: 'a', role: 'active' }]);
  });
});
