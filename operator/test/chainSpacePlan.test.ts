import { chainSpaceSpec } from '../src/api/v1alpha1/index.js';
import { composeGenesis } from '../src/reconcile/chainSpace/genesis.js';
import { planChainSpace, type ChainSpaceResource, type ObservedChainSpace } from '../src/reconcile/chainSpace/plan.js';

const T0 = new Date('2026-11-21T12:00:00Z');
const T1 = new Date('2026-11-21T12:05:00Z');
const CREATED = Date.parse('2026-11-20T08:00:00Z');
const ADDR_A = '9f2c1b7e4d3a5c6b8e0f1a2b3c4d5e6f7a8b9c0d';
const ADDR_B = '00000000000000000000000000000000000000bb';
const F = 'clusterchain.io/teardown';

const spec = (over: Record<string, unknown> = {}, genesis: Record<string, unknown> = {}) => ({ chainId: 'devnet', genesis: { allocations: [{ address: ADDR_A, balance: '1000' }], ...genesis }, ...over });

function chainSpace(over: Partial<ChainSpaceResource> = {}): ChainSpaceResource {
  return { name: 'devnet', namespace: 'chain', uid: 'cs-uid', generation: 2, creationTimestampMs: CREATED, deleting: false, finalizers: [F], spec: spec(), status: undefined, ...over };
}
const observed = (over: Partial<ObservedChainSpace> = {}): ObservedChainSpace => ({ clusters: [], children: [], ...over });
const fileText = (over: Record<string, unknown> = {}) => JSON.stringify({ chainId: 'devnet', timestampMs: '1790000000000', allocations: [{ address: `0x${ADDR_B.toUpperCase()}`, balance: '5' }], ...over });

/** The genesis a plan writes, parsed back. */
function writtenGenesis(plan: ReturnType<typeof planChainSpace>): unknown {
  const apply = plan.actions.find((a) => a.type === 'apply');
  if (apply?.type !== 'apply') return undefined;
  return JSON.parse((apply.object as { data: Record<string, string> }).data['genesis.json']!);
}

describe('composing a chain space genesis', () => {
  it('when the spec sets no timestamp, then the ChainSpace creation time is the genesis time, so it never moves between reconciles', () => {
    expect(composeGenesis(chainSpaceSpec.parse(spec()), CREATED, undefined)).toEqual({ genesis: { chainId: 'devnet', timestampMs: String(CREATED), allocations: [{ address: ADDR_A, balance: '1000' }] } });
    expect(composeGenesis(chainSpaceSpec.parse(spec({}, { timestampMs: 42 })), CREATED, undefined)).toMatchObject({ genesis: { timestampMs: '42' } });
  });

  it('when genesisFrom holds a valid genesis file, then its allocations join the spec ones, normalized, and its timestamp is used', () => {
    const s = chainSpaceSpec.parse(spec({}, { genesisFrom: { configMapName: 'big', key: 'g.json' } }));
    expect(composeGenesis(s, CREATED, fileText())).toEqual({
      genesis: { chainId: 'devnet', timestampMs: '1790000000000', allocations: [{ address: ADDR_A, balance: '1000' }, { address: ADDR_B, balance: '5' }] },
    });
    // a leaderPubkey in the file is allowed (each cluster sets its own)
    expect(composeGenesis(s, CREATED, fileText({ leaderPubkey: `02${'ab'.repeat(32)}` }))).toHaveProperty('genesis');
  });

  it.each([
    ['the ConfigMap or key is missing', null, 'GenesisSourceNotFound', /ConfigMap big key g.json does not exist/],
    ['not JSON', '{"chainId":', 'InvalidGenesis', /is not JSON/],
    ['a bad balance', fileText({ allocations: [{ address: ADDR_B, balance: '-1' }] }), 'InvalidGenesis', /allocations\.0\.balance/],
    ['no timestamp', JSON.stringify({ chainId: 'devnet', allocations: [] }), 'InvalidGenesis', /timestampMs/],
    ['a malformed leaderPubkey', fileText({ leaderPubkey: 'zz' }), 'InvalidGenesis', /leaderPubkey/],
    ['another chain', fileText({ chainId: 'mainnet' }), 'InvalidGenesis', /for chain mainnet/],
    ['an address the spec allocates too', fileText({ allocations: [{ address: `0x${ADDR_A}`, balance: '1' }] }), 'InvalidGenesis', /allocated more than once/],
  ])('when genesisFrom holds %s, then no genesis is made and the reason says why', (_what, text, reason, message) => {
    const s = chainSpaceSpec.parse(spec({}, { genesisFrom: { configMapName: 'big', key: 'g.json' } }));
    const r = composeGenesis(s, CREATED, text);
    expect(r).toEqual({ problem: { reason, message: expect.stringMatching(message) } });
  });

  it('when the spec and the file set different timestamps, then the genesis is refused rather than one silently chosen', () => {
    const s = chainSpaceSpec.parse(spec({}, { timestampMs: 1, genesisFrom: { configMapName: 'big', key: 'g.json' } }));
    expect(composeGenesis(s, CREATED, fileText())).toMatchObject({ problem: { reason: 'InvalidGenesis', message: expect.stringMatching(/timestampMs/) } });
  });

  it('when the genesis outgrows a ConfigMap, then it is refused', () => {
    const allocations = Array.from({ length: 20_000 }, (_, i) => ({ address: i.toString(16).padStart(40, '0'), balance: '1'.repeat(30) }));
    const s = chainSpaceSpec.parse(spec({}, { allocations: [], genesisFrom: { configMapName: 'big', key: 'g.json' } }));
    expect(composeGenesis(s, CREATED, fileText({ allocations }))).toMatchObject({ problem: { reason: 'InvalidGenesis', message: expect.stringMatching(/more than a ConfigMap holds/) } });
  });
});

describe('planning a ChainSpace', () => {
  it('when it is new, then the finalizer comes first and the genesis ConfigMap is applied, owned by it', () => {
    const plan = planChainSpace(chainSpace({ finalizers: [] }), observed(), T0);
    expect(plan.actions.map((a) => a.type)).toEqual(['addFinalizer', 'apply']);
    const apply = plan.actions[1] as unknown as { object: { metadata: Record<string, unknown> } };
    expect(apply.object.metadata).toMatchObject({ name: 'devnet-genesis', namespace: 'chain', ownerReferences: [{ kind: 'ChainSpace', name: 'devnet', uid: 'cs-uid', controller: true }] });
    expect(writtenGenesis(plan)).toEqual({ chainId: 'devnet', timestampMs: String(CREATED), allocations: [{ address: ADDR_A, balance: '1000' }] });
    expect(plan.status).toMatchObject({ observedGeneration: 2, phase: 'Pending', clusters: 0, readyClusters: 0, conditions: [{ type: 'Ready', status: 'False', reason: 'NoClusters' }] });
  });

  it('when planned twice over the same world, then the same actions and the same status come out (nothing to write the second time)', () => {
    const first = planChainSpace(chainSpace(), observed(), T0);
    const second = planChainSpace(chainSpace({ status: first.status }), observed(), T1);
    expect(second).toEqual(first);
  });

  it.each([
    ['an invalid spec', { spec: { chainId: 'Not_Valid', genesis: {} } }, undefined, 'InvalidSpec'],
    ['a name too long for a label', { name: 'x'.repeat(64) }, undefined, 'InvalidSpec'],
    ['a missing genesisFrom ConfigMap', { spec: spec({}, { genesisFrom: { configMapName: 'big', key: 'g.json' } }) }, null, 'GenesisSourceNotFound'],
    ['an invalid genesisFrom', { spec: spec({}, { genesisFrom: { configMapName: 'big', key: 'g.json' } }) }, 'nope', 'InvalidGenesis'],
  ])('when it has %s, then it is Degraded with that reason and no genesis is written', (_what, over, genesisSource, reason) => {
    const plan = planChainSpace(chainSpace(over as Partial<ChainSpaceResource>), observed(genesisSource === undefined ? {} : { genesisSource }), T0);
    expect(plan.actions).toEqual([]);
    expect(plan.status).toMatchObject({ phase: 'Degraded', conditions: [{ status: 'False', reason }] });
  });

  it('when genesisFrom holds a valid genesis, then the merged genesis is written', () => {
    const plan = planChainSpace(chainSpace({ spec: spec({}, { genesisFrom: { configMapName: 'big', key: 'g.json' } }) }), observed({ genesisSource: fileText() }), T0);
    expect(writtenGenesis(plan)).toEqual({ chainId: 'devnet', timestampMs: '1790000000000', allocations: [{ address: ADDR_A, balance: '1000' }, { address: ADDR_B, balance: '5' }] });
  });

  it.each([
    ['no Cluster ready of two', [{ name: 'a', phase: 'Pending' }, { name: 'b' }], 1, 'Pending', 'False', 'ClustersNotReady', undefined],
    ['one of two ready, one main wanted', [{ name: 'a', phase: 'Ready', height: '10' }, { name: 'b', phase: 'Degraded', height: '9' }], 1, 'Ready', 'True', 'ClustersReady', '10'],
    ['one of two ready, two main wanted', [{ name: 'a', phase: 'Ready', height: '18446744073709551617' }, { name: 'b', phase: 'Pending' }], 2, 'Pending', 'False', 'ClustersNotReady', '18446744073709551617'],
  ])('when its Clusters show %s, then counts, phase, Ready and the highest height follow', (_what, clusters, main, phase, status, reason, height) => {
    const plan = planChainSpace(chainSpace({ spec: spec({ clusters: { main, standby: 1 } }) }), observed({ clusters }), T0);
    expect(plan.status).toMatchObject({ clusters: clusters.length, readyClusters: clusters.filter((c) => c.phase === 'Ready').length, phase, conditions: [{ status, reason }] });
    expect(plan.status?.height).toBe(height);
  });

  it('when it was Ready and its Clusters stop being ready, then it is Degraded, and the transition time moves', () => {
    const ready = planChainSpace(chainSpace(), observed({ clusters: [{ name: 'a', phase: 'Ready' }] }), T0);
    const lost = planChainSpace(chainSpace({ status: ready.status }), observed({ clusters: [{ name: 'a', phase: 'Degraded' }] }), T1);
    expect(lost.status).toMatchObject({ phase: 'Degraded', conditions: [{ status: 'False', reason: 'ClustersNotReady', lastTransitionTime: T1.toISOString() }] });
  });

  describe('deletion under the finalizer', () => {
    const genesisChild = (over = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: 'devnet-genesis', owned: true, deleting: false, ...over });

    it('when it is deleted with its genesis ConfigMap still there, then the ConfigMap is deleted and the finalizer stays', () => {
      const plan = planChainSpace(chainSpace({ deleting: true }), observed({ children: [genesisChild()], clusters: [{ name: 'a', phase: 'Ready' }] }), T0);
      expect(plan.actions).toEqual([{ type: 'delete', target: { apiVersion: 'v1', kind: 'ConfigMap', name: 'devnet-genesis' }, propagation: 'Background', reason: 'Teardown' }]);
      expect(plan.status).toMatchObject({ conditions: [{ status: 'False', reason: 'Deleting' }] });
    });

    it('when the ConfigMap is already going, then nothing more is asked and the finalizer waits', () => {
      expect(planChainSpace(chainSpace({ deleting: true }), observed({ children: [genesisChild({ deleting: true })] }), T0).actions).toEqual([]);
    });

    it('when nothing it owns is left, then the finalizer is removed and no status is written', () => {
      expect(planChainSpace(chainSpace({ deleting: true }), observed({ children: [genesisChild({ owned: false })] }), T0)).toEqual({ actions: [{ type: 'removeFinalizer' }], status: null });
    });

    it('when it carries no finalizer of ours, then the teardown is not ours to do', () => {
      expect(planChainSpace(chainSpace({ deleting: true, finalizers: ['other/finalizer'] }), observed({ children: [genesisChild()] }), T0)).toEqual({ actions: [], status: null });
    });
  });
});
