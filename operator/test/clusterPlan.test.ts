import { GenesisFileSchema } from '../../services/common/src/genesisFile.js';
import { planCluster, type ClusterAction, type ClusterResource, type KeySecretView, type ObservedCluster } from '../src/reconcile/cluster/plan.js';
import type { LogicNodeView } from '../src/reconcile/cluster/status.js';

const T0 = new Date('2026-11-21T12:00:00Z');
const T1 = new Date('2026-11-21T12:05:00Z');
const F = 'clusterchain.io/teardown';
const LEADER = `02${'11'.repeat(32)}`;
const ADMIN = `03${'22'.repeat(32)}`;
const OTHER = `02${'33'.repeat(32)}`;
const CHAIN_GENESIS = JSON.stringify({ chainId: 'devnet', timestampMs: '1790000000000', allocations: [{ address: '9f2c1b7e4d3a5c6b8e0f1a2b3c4d5e6f7a8b9c0d', balance: '1000' }] });

function cluster(over: Partial<ClusterResource> = {}, spec: Record<string, unknown> = {}): ClusterResource {
  return { name: 'c', namespace: 'chain', uid: 'c-uid', generation: 3, deleting: false, finalizers: [F], spec: { chainSpace: 'devnet', receptionPool: 'pool', logicNodes: 2, ...spec }, status: undefined, ...over };
}
const secret = (name: string, publicKey: string | null = OTHER, over: Partial<KeySecretView> = {}): KeySecretView => ({ name, publicKey, owned: true, deleting: false, ...over });
const allKeys = (n = 2) => [secret('c-ln-0-key', LEADER), ...Array.from({ length: n - 1 }, (_, i) => secret(`c-ln-${i + 1}-key`)), secret('c-operator-key', ADMIN)];
const ln = (name: string, over: Partial<LogicNodeView> = {}): LogicNodeView => ({ name, owned: true, deleting: false, ...over });

function observed(over: Partial<ObservedCluster> = {}): ObservedCluster {
  return {
    chainSpace: { spec: { chainId: 'devnet', genesis: {}, committeeSize: 3 } },
    chainGenesis: CHAIN_GENESIS,
    keySecrets: allKeys(),
    logicNodes: [],
    receptionPool: { status: { readyReplicas: 4 } },
    children: [],
    ...over,
  };
}

/** The actions in a form a table can hold: type and the object's kind/name. */
const summary = (actions: readonly ClusterAction[]) =>
  actions.map((a) => {
    switch (a.type) {
      case 'apply':
        return `apply ${a.object.kind} ${a.object.metadata?.name}`;
      case 'delete':
        return `delete ${a.target.kind} ${a.target.name} (${a.propagation})`;
      case 'createKeySecret':
        return `create Secret ${a.name}`;
      default:
        return a.type;
    }
  });

const configOf = (actions: readonly ClusterAction[]) => {
  const a = actions.find((x) => x.type === 'apply' && x.object.kind === 'ConfigMap');
  return a?.type === 'apply' ? (a.object as { data: Record<string, string> }).data : undefined;
};

describe('planning a Cluster', () => {
  it('when it is fresh, then the finalizer comes first, every key Secret is created, the Service and Lease applied, and the config and LogicNodes wait for the keys', () => {
    const plan = planCluster(cluster({ finalizers: [] }), observed({ keySecrets: [] }), T0);
    expect(summary(plan.actions)).toEqual([
      'addFinalizer',
      'create Secret c-ln-0-key',
      'create Secret c-ln-1-key',
      'create Secret c-operator-key',
      'apply Service c-reception',
      'apply Lease c-leader',
      'apply PodDisruptionBudget c-logic-nodes',
    ]);
    expect(plan.status).toMatchObject({ observedGeneration: 3, phase: 'Pending', readyLogicNodes: 0, conditions: [{ type: 'Ready', status: 'False', reason: 'KeysPending' }] });
  });

  it('when its key Secrets exist, then none is created again, and the config publishes their public keys, and the LogicNodes follow it', () => {
    const plan = planCluster(cluster(), observed(), T0);
    expect(summary(plan.actions)).toEqual(['apply Service c-reception', 'apply Lease c-leader',
      'apply PodDisruptionBudget c-logic-nodes', 'apply ConfigMap c-config', 'apply LogicNode c-ln-0', 'apply LogicNode c-ln-1']);
    const data = configOf(plan.actions)!;
    expect(data).toMatchObject({ 'leader-pubkey': LEADER, 'admin-pubkey': ADMIN, 'roster.json': '{"members":[]}', 'logic-address': 'c-ln-0.chain.svc.cluster.local:7100' });
    expect(GenesisFileSchema.parse(JSON.parse(data['genesis.json']!))).toEqual({ ...JSON.parse(CHAIN_GENESIS), leaderPubkey: LEADER });
  });

  it('when a key Secret exists but holds no valid key, then it is not replaced: the cluster is Degraded with InvalidKeySecret', () => {
    const plan = planCluster(cluster(), observed({ keySecrets: [secret('c-ln-0-key', null), secret('c-ln-1-key'), secret('c-operator-key', ADMIN)] }), T0);
    expect(plan.actions.filter((a) => a.type === 'createKeySecret')).toEqual([]);
    expect(configOf(plan.actions)).toBeUndefined();
    expect(plan.status).toMatchObject({ phase: 'Degraded', conditions: [{ reason: 'InvalidKeySecret', message: expect.stringContaining('c-ln-0-key') }] });
  });

  it('when a key Secret a person provided (not owned) is there, then it is used as it is', () => {
    const plan = planCluster(cluster(), observed({ keySecrets: [secret('c-ln-0-key', LEADER), secret('c-ln-1-key'), secret('c-operator-key', ADMIN, { owned: false })] }), T0);
    expect(plan.actions.some((a) => a.type === 'createKeySecret')).toBe(false);
    expect(configOf(plan.actions)?.['admin-pubkey']).toBe(ADMIN);
  });

  it('when a key Secret is being deleted, then it is not created over and the config waits for it', () => {
    const plan = planCluster(cluster(), observed({ keySecrets: [secret('c-ln-0-key', LEADER, { deleting: true }), secret('c-ln-1-key'), secret('c-operator-key', ADMIN)] }), T0);
    expect(summary(plan.actions)).toEqual(['apply Service c-reception', 'apply Lease c-leader', 'apply PodDisruptionBudget c-logic-nodes']);
    expect(plan.status?.conditions?.[0]?.reason).toBe('KeysPending');
  });

  it('when logicNodes drops from 3 to 1, then the owned LogicNodes past it are deleted, and neither a stranger LN nor the key Secrets are', () => {
    const logicNodes = [ln('c-ln-0'), ln('c-ln-1'), ln('c-ln-2', { deleting: true }), ln('c-ln-3', { owned: false }), ln('someone-elses', { owned: false })];
    const plan = planCluster(cluster({}, { logicNodes: 1 }), observed({ logicNodes, keySecrets: allKeys(3) }), T0);
    expect(summary(plan.actions)).toEqual(['apply Service c-reception', 'apply Lease c-leader',
      'apply PodDisruptionBudget c-logic-nodes', 'delete LogicNode c-ln-1 (Background)', 'apply ConfigMap c-config', 'apply LogicNode c-ln-0']);
  });

  it('when logicNodes grows, then the new LNs get keys and resources and the old keys stay', () => {
    const plan = planCluster(cluster({}, { logicNodes: 3 }), observed({ logicNodes: [ln('c-ln-0'), ln('c-ln-1')] }), T0);
    expect(summary(plan.actions)).toEqual([
      'create Secret c-ln-2-key',
      'apply Service c-reception',
      'apply Lease c-leader',
      'apply PodDisruptionBudget c-logic-nodes',
      'apply ConfigMap c-config',
      'apply LogicNode c-ln-0',
      'apply LogicNode c-ln-1',
      'apply LogicNode c-ln-2',
    ]);
  });

  it.each([
    ['an invalid spec', cluster({}, { logicNodes: 0 }), observed(), 'InvalidSpec', []],
    ['a name no Service can carry', cluster({ name: 'c.x' }), observed(), 'InvalidSpec', []],
    ['a missing ChainSpace', cluster(), observed({ chainSpace: null, chainGenesis: null }), 'ChainSpaceNotFound', ['apply Service c-reception', 'apply Lease c-leader', 'apply PodDisruptionBudget c-logic-nodes']],
    ['an invalid ChainSpace', cluster(), observed({ chainSpace: { spec: { chainId: 'BAD' } } }), 'InvalidChainSpace', ['apply Service c-reception', 'apply Lease c-leader', 'apply PodDisruptionBudget c-logic-nodes']],
    ['a missing ReceptionPool', cluster(), observed({ receptionPool: null }), 'ReceptionPoolNotFound', ['apply Service c-reception', 'apply Lease c-leader',
      'apply PodDisruptionBudget c-logic-nodes', 'apply ConfigMap c-config', 'apply LogicNode c-ln-0', 'apply LogicNode c-ln-1']],
  ])('when it has %s, then it is Degraded with that reason and makes only what does not depend on it', (_what, c, o, reason, actions) => {
    const plan = planCluster(c, o, T0);
    expect(summary(plan.actions)).toEqual(actions);
    expect(plan.status).toMatchObject({ phase: 'Degraded', conditions: [{ status: 'False', reason }] });
  });

  it.each([
    ['not written yet', null, /not written yet/],
    ['for another chain', CHAIN_GENESIS.replace('"devnet"', '"other"'), /for chain other/],
    ['not a genesis', '{"chainId":"devnet"}', /does not hold a genesis/],
  ])('when the ChainSpace genesis ConfigMap is %s, then the config and LNs wait (GenesisNotReady), Pending', (_what, chainGenesis, message) => {
    const plan = planCluster(cluster(), observed({ chainGenesis }), T0);
    expect(configOf(plan.actions)).toBeUndefined();
    expect(plan.actions.some((a) => a.type === 'apply' && a.object.kind === 'LogicNode')).toBe(false);
    expect(plan.status).toMatchObject({ phase: 'Pending', conditions: [{ reason: 'GenesisNotReady', message: expect.stringMatching(message) }] });
  });

  describe('status aggregation', () => {
    it.each([
      ['no LN running', [ln('c-ln-0', { phase: 'Pending' }), ln('c-ln-1')], { readyReplicas: 4 }, 0, 'False', 'LogicNodesNotReady'],
      ['one of two LNs running', [ln('c-ln-0', { phase: 'Running', height: '7' }), ln('c-ln-1', { phase: 'Pending', height: '12' })], { readyReplicas: 4 }, 1, 'False', 'LogicNodesNotReady'],
      ['all LNs running but fewer RNs than a committee', [ln('c-ln-0', { phase: 'Running' }), ln('c-ln-1', { phase: 'Running' })], { readyReplicas: 2 }, 2, 'False', 'ReceptionNotReady'],
      ['a pool without status yet', [ln('c-ln-0', { phase: 'Running' }), ln('c-ln-1', { phase: 'Running' })], undefined, 2, 'False', 'ReceptionNotReady'],
      ['all running and a committee of RNs', [ln('c-ln-0', { phase: 'Running' }), ln('c-ln-1', { phase: 'Running' })], { readyReplicas: 3, rosterEpochs: { c: '5', other: '9' } }, 2, 'True', 'ClusterReady'],
    ])('when it has %s, then readyLogicNodes and Ready follow', (_what, logicNodes, poolStatus, readyLogicNodes, status, reason) => {
      const plan = planCluster(cluster(), observed({ logicNodes, receptionPool: { status: poolStatus } }), T0);
      expect(plan.status).toMatchObject({ readyLogicNodes, conditions: [{ type: 'Ready', status, reason, observedGeneration: 3, lastTransitionTime: T0.toISOString() }] });
    });

    it('when the pool reports members and an epoch for this cluster, then they are carried, and the height is the highest LN height', () => {
      const logicNodes = [ln('c-ln-0', { phase: 'Running', height: '9007199254740993' }), ln('c-ln-1', { phase: 'Running', height: '12' }), ln('c-ln-7', { owned: false, height: '99999999999999999999' })];
      const plan = planCluster(cluster(), observed({ logicNodes, receptionPool: { status: { readyReplicas: 8, rosterEpochs: { c: '5' } } } }), T0);
      expect(plan.status).toMatchObject({ phase: 'Ready', readyLogicNodes: 2, receptionMembers: 8, rosterEpoch: '5', height: '9007199254740993' });
    });

    it.each([
      ['its own count in readyByCluster', { readyReplicas: 8, readyByCluster: { c: 3, other: 5 } }, 3],
      ['readyByCluster with no entry for it (the pool does not serve it)', { readyReplicas: 8, readyByCluster: { other: 8 } }, 0],
      ['readyByCluster with a malformed entry for it', { readyReplicas: 8, readyByCluster: { c: -1 } }, undefined],
      ['no readyByCluster (written by an operator from before it)', { readyReplicas: 8 }, 8],
      ['a readyByCluster that is not a map', { readyReplicas: 8, readyByCluster: [3] }, 8],
    ])('when the pool status has %s, then receptionMembers is %s', (_what, status, members) => {
      const plan = planCluster(cluster(), observed({ receptionPool: { status } }), T0);
      if (members === undefined) expect(plan.status).not.toHaveProperty('receptionMembers');
      else expect(plan.status).toMatchObject({ receptionMembers: members });
    });

    it('when the pool has no rosterEpochs, or a malformed one, then rosterEpoch is left out', () => {
      for (const status of [{ readyReplicas: 8 }, { readyReplicas: 8, rosterEpochs: { c: 5 } }, { readyReplicas: 8, rosterEpochs: 'x' }]) {
        expect(planCluster(cluster(), observed({ receptionPool: { status } }), T0).status).not.toHaveProperty('rosterEpoch');
      }
    });

    it('when nothing changed, then the status is the same, transition time included; when Ready is lost, then it is Degraded from now', () => {
      const running = [ln('c-ln-0', { phase: 'Running' }), ln('c-ln-1', { phase: 'Running' })];
      const ready = planCluster(cluster(), observed({ logicNodes: running }), T0);
      expect(planCluster(cluster({ status: ready.status }), observed({ logicNodes: running }), T1).status).toEqual(ready.status);
      const lost = planCluster(cluster({ status: ready.status }), observed({ logicNodes: [running[0]!, ln('c-ln-1', { phase: 'Degraded' })] }), T1);
      expect(lost.status).toMatchObject({ phase: 'Degraded', conditions: [{ status: 'False', reason: 'LogicNodesNotReady', lastTransitionTime: T1.toISOString() }] });
    });
  });

  describe('deletion under the finalizer', () => {
    const children = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'c-config', owned: true, deleting: false },
      { apiVersion: 'v1', kind: 'Service', name: 'c-reception', owned: true, deleting: false },
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: 'c-leader', owned: true, deleting: false },
    ];

    it('when it is deleted, then everything it owns is deleted, LogicNodes in the foreground, what it does not own is kept, and the finalizer stays', () => {
      const plan = planCluster(
        cluster({ deleting: true }),
        observed({ logicNodes: [ln('c-ln-0'), ln('c-ln-5', { owned: false })], keySecrets: [secret('c-ln-0-key'), secret('c-ln-9-key'), secret('c-operator-key', ADMIN, { owned: false })], children }),
        T0,
      );
      expect(summary(plan.actions)).toEqual([
        'delete LogicNode c-ln-0 (Foreground)',
        'delete Secret c-ln-0-key (Background)',
        'delete Secret c-ln-9-key (Background)',
        'delete ConfigMap c-config (Background)',
        'delete Service c-reception (Background)',
        'delete Lease c-leader (Background)',
      ]);
      expect(plan.status).toMatchObject({ conditions: [{ status: 'False', reason: 'Deleting', message: expect.stringContaining('6 owned') }] });
    });

    it('when its LogicNodes are still going, then nothing is asked twice and the finalizer waits', () => {
      const plan = planCluster(cluster({ deleting: true }), observed({ logicNodes: [ln('c-ln-0', { deleting: true })], keySecrets: [] }), T0);
      expect(plan.actions).toEqual([]);
      expect(plan.status?.conditions?.[0]?.reason).toBe('Deleting');
    });

    it('when nothing it owns is left, then the finalizer is removed and no status is written', () => {
      expect(planCluster(cluster({ deleting: true }), observed({ keySecrets: [secret('c-operator-key', ADMIN, { owned: false })] }), T0)).toEqual({ actions: [{ type: 'removeFinalizer' }], status: null });
    });

    it('when its spec is invalid, then the teardown still runs: it needs only what it owns', () => {
      expect(summary(planCluster(cluster({ deleting: true, spec: { nonsense: true } }), observed({ logicNodes: [ln('c-ln-0')], keySecrets: [] }), T0).actions)).toEqual(['delete LogicNode c-ln-0 (Foreground)']);
    });

    it('when it carries no finalizer of ours, then the teardown is not ours to do', () => {
      expect(planCluster(cluster({ deleting: true, finalizers: [] }), observed({ logicNodes: [ln('c-ln-0')], children }), T0)).toEqual({ actions: [], status: null });
    });
  });
});
