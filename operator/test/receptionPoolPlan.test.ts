import fc from 'fast-check';
import { receptionPoolSpec } from '../src/api/v1alpha1/index.js';
import { chooseNode, marketNodeOf, unsuitability, type MarketNode } from '../src/reconcile/receptionPool/market.js';
import { planReceptionPool, type SlotPod } from '../src/reconcile/receptionPool/plan.js';
import { clusterOfSlot } from '../src/reconcile/receptionPool/slotCluster.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const HOUR = 3_600_000;
const spec = (over: Record<string, unknown> = {}) => receptionPoolSpec.parse({ clusters: ['c'], replicas: 2, minReplicas: 1, ...over });

function node(name: string, over: Partial<MarketNode> = {}): MarketNode {
  return { name, reputation: 60, cores: 4, memoryMiB: 8192, bandwidthMbps: 1000, windowEndMs: NOW + 10 * HOUR, ready: true, schedulable: true, ...over };
}

function pod(name: string, slot: number, nodeName: string, over: Partial<SlotPod> = {}): SlotPod {
  return { name, slot, cluster: 'c', node: nodeName, role: 'active', ready: true, drainRequested: false, drained: false, deleting: false, inRoster: true, identified: true, createdMs: NOW - 60_000, ...over };
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
      { type: 'createPod', slot: 0, cluster: 'c', node: 'a', role: 'active' },
      { type: 'createPod', slot: 1, cluster: 'c', node: 'b', role: 'active' },
      { type: 'createPod', slot: 2, cluster: 'c', node: 'c', role: 'active' },
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
    expect(plan.actions).toEqual([{ type: 'replaceInRoster', cluster: 'c', remove: null, add: 'p0' }]);
  });

  it('when a new Pod synced, then it joins the roster though not Ready (it is Ready only as a member)', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('a')], pods: [pod('p0', 0, 'a', { inRoster: false, ready: false })] }, NOW);
    expect(plan.actions).toEqual([{ type: 'replaceInRoster', cluster: 'c', remove: null, add: 'p0' }]);
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
        { type: 'replaceInRoster', cluster: 'c', remove: 'p0', add: null },
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
      expect(plan.actions).toEqual([{ type: 'createPod', slot: 0, cluster: 'c', node: 'fresh', role: 'successor' }]);
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
        { type: 'replaceInRoster', cluster: 'c', remove: 'p0', add: 'p0-next' },
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
      { type: 'replaceInRoster', cluster: 'c', remove: 'p0', add: null },
      { type: 'deletePod', pod: 'p0', reason: 'NodeLost' },
      { type: 'createPod', slot: 0, cluster: 'c', node: 'b', role: 'active' },
    ]);
  });

  it('when a Node vanishes mid-handoff with a Ready successor, then the successor takes over in one roster change', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('b')], pods: [pod('p0', 0, 'gone'), pod('p0-next', 0, 'b', { role: 'successor', inRoster: false })] }, NOW);
    expect(plan.actions).toEqual([
      { type: 'replaceInRoster', cluster: 'c', remove: 'p0', add: 'p0-next' },
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
      { type: 'replaceInRoster', cluster: 'c', remove: 'p1', add: null },
      { type: 'deletePod', pod: 'p1', reason: 'ScaledDown' },
    ]);
  });

  it('when two active Pods claim one slot, then the extra one is deleted', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('a'), node('b')], pods: [pod('p0', 0, 'a'), pod('p0-dup', 0, 'b')] }, NOW);
    expect(plan.actions).toEqual([{ type: 'deletePod', pod: 'p0-dup', reason: 'Duplicate' }]);
  });

  it('when Pods are being deleted, then they count for nothing: the slot is refilled', () => {
    const plan = planReceptionPool(spec({ replicas: 1 }), { nodes: [node('a')], pods: [pod('p0', 0, 'a', { deleting: true })] }, NOW);
    expect(plan.actions).toEqual([{ type: 'createPod', slot: 0, cluster: 'c', node: 'a', role: 'active' }]);
  });
});

describe('which cluster a slot serves', () => {
  it.each([
    [['a'], [0, 1, 2], ['a', 'a', 'a']],
    [['a', 'b'], [0, 1, 2, 3, 4], ['a', 'b', 'a', 'b', 'a']],
    [['a', 'b', 'c'], [0, 4, 8, 9], ['a', 'b', 'c', 'a']],
    [['a', 'a', 'b'], [0, 1, 2, 3], ['a', 'a', 'b', 'a']],
  ])('when the pool serves %j, then slots %j serve %j: slot i serves clusters[i mod n]', (clusters, slots, expected) => {
    expect(slots.map((i) => clusterOfSlot(clusters, i))).toEqual(expected);
  });

  it('when the pool has any number of slots, then they spread over its clusters within one of each other, the pattern repeating every n slots', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1 }), fc.nat(200), (clusters, replicas) => {
        const counts = clusters.map((c) => Array.from({ length: replicas }, (_, i) => clusterOfSlot(clusters, i)).filter((x) => x === c).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        for (let i = 0; i < replicas; i++) expect(clusterOfSlot(clusters, i)).toBe(clusterOfSlot(clusters, i + clusters.length));
      }),
    );
  });

  it('when asked for no cluster or a slot that is not an index, then it refuses', () => {
    expect(() => clusterOfSlot([], 0)).toThrow(RangeError);
    expect(() => clusterOfSlot(['a'], -1)).toThrow(RangeError);
    expect(() => clusterOfSlot(['a'], 1.5)).toThrow(RangeError);
  });
});

describe('planning a pool that serves several clusters', () => {
  const two = (over: Record<string, unknown> = {}) => spec({ clusters: ['a', 'b'], ...over });

  it('when the pool is new, then its slots take the clusters in turn', () => {
    const plan = planReceptionPool(two({ replicas: 4 }), { nodes: [node('n1'), node('n2'), node('n3'), node('n4')], pods: [] }, NOW);
    expect(plan.actions.map((a) => (a.type === 'createPod' ? [a.slot, a.cluster] : a.type))).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'a'],
      [3, 'b'],
    ]);
  });

  it('when Pods are Ready, then each counts for the cluster on its label, every cluster of the spec is listed, and one dropped from it still counts while a Pod serves it', () => {
    const pods = [pod('p0', 0, 'n1', { cluster: 'a' }), pod('p1', 1, 'n2', { cluster: 'old' }), pod('p2', 2, 'n3', { cluster: 'a', ready: false })];
    const plan = planReceptionPool(spec({ clusters: ['a', 'b'], replicas: 3 }), { nodes: [node('n1'), node('n2'), node('n3')], pods }, NOW);
    expect(plan.readyByCluster).toEqual({ a: 1, b: 0, old: 1 });
    expect(plan.readyReplicas).toBe(2);
  });

  it('when spec.clusters changed, then a running Pod keeps its cluster: nothing moves before its window ends', () => {
    const plan = planReceptionPool(spec({ clusters: ['b'], replicas: 1 }), { nodes: [node('n1')], pods: [pod('p0', 0, 'n1', { cluster: 'a' })] }, NOW);
    expect(plan.actions).toEqual([]);
    expect(plan.readyByCluster).toEqual({ a: 1, b: 0 });
  });

  describe('a relay across a change of spec.clusters from [a] to [b]', () => {
    const s = spec({ clusters: ['b'], replicas: 1 });
    const nodes = [node('old', { windowEndMs: NOW + 4 * 60_000 }), node('fresh')];
    const old = (over: Partial<SlotPod> = {}) => pod('p0', 0, 'old', { cluster: 'a', ...over });
    const successor = (over: Partial<SlotPod> = {}) => pod('p0-next', 0, 'fresh', { cluster: 'b', role: 'successor', inRoster: false, ...over });

    it('when the window nears its end, then the successor is made for the slot’s new cluster', () => {
      expect(planReceptionPool(s, { nodes, pods: [old()] }, NOW).actions).toEqual([{ type: 'createPod', slot: 0, cluster: 'b', node: 'fresh', role: 'successor' }]);
    });

    it('when the old Pod has drained, then it leaves its own cluster’s roster and the successor joins its own, one change each, the leaver first', () => {
      const plan = planReceptionPool(s, { nodes, pods: [old({ drainRequested: true, drained: true }), successor()] }, NOW);
      expect(plan.actions).toEqual([
        { type: 'replaceInRoster', cluster: 'a', remove: 'p0', add: null },
        { type: 'replaceInRoster', cluster: 'b', remove: null, add: 'p0-next' },
        { type: 'deletePod', pod: 'p0', reason: 'HandoffDone' },
        { type: 'promotePod', pod: 'p0-next', slot: 0 },
      ]);
    });

    it('when the window ends before the successor synced, then the old member still leaves its own cluster’s roster, and the successor joins none yet', () => {
      const ended = [node('old', { windowEndMs: NOW - 1 }), node('fresh')];
      const plan = planReceptionPool(s, { nodes: ended, pods: [old(), successor({ identified: false })] }, NOW);
      expect(plan.actions).toEqual([
        { type: 'replaceInRoster', cluster: 'a', remove: 'p0', add: null },
        { type: 'deletePod', pod: 'p0', reason: 'WindowEnded' },
        { type: 'promotePod', pod: 'p0-next', slot: 0 },
      ]);
    });

    it('when the Node is lost with a synced successor, then the two changes go to the two clusters', () => {
      const plan = planReceptionPool(s, { nodes: [node('fresh')], pods: [old(), successor()] }, NOW);
      expect(plan.actions.filter((a) => a.type === 'replaceInRoster')).toEqual([
        { type: 'replaceInRoster', cluster: 'a', remove: 'p0', add: null },
        { type: 'replaceInRoster', cluster: 'b', remove: null, add: 'p0-next' },
      ]);
    });
  });

  it('when a slot above replicas drains, then it leaves the roster of the cluster it serves', () => {
    const plan = planReceptionPool(two({ replicas: 1 }), { nodes: [node('n1'), node('n2')], pods: [pod('p0', 0, 'n1', { cluster: 'a' }), pod('p1', 1, 'n2', { cluster: 'b', drainRequested: true, drained: true })] }, NOW);
    expect(plan.actions).toEqual([
      { type: 'replaceInRoster', cluster: 'b', remove: 'p1', add: null },
      { type: 'deletePod', pod: 'p1', reason: 'ScaledDown' },
    ]);
  });
});
