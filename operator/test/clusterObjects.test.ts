import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GenesisFileSchema, readGenesisFile } from '../../services/common/src/genesisFile.js';
import { readKeyFile } from '../../services/common/src/keyFile.js';
import { readRosterFile } from '../../services/common/src/rosterFile.js';
import { toHex } from '../../services/protocol/src/bytes.js';
import { publicKeyOf } from '../../services/protocol/src/keys.js';
import { encodeChainGenesis, genesisConfigMap, chainGenesisSchema, chainSpaceNameProblem } from '../src/resources/chainSpaceObjects.js';
import {
  FIRST_ROSTER,
  clusterConfigMap,
  clusterNameProblem,
  clusterNames,
  keySecret,
  leaderLease,
  logicAddress,
  logicNodeIndex,
  logicNodeResource,
  receptionSelector,
  receptionService,
} from '../src/resources/clusterObjects.js';
import { encodeKeyFile, publicKeyOfKeyFile, publicKeyOfSecretData } from '../src/resources/keys.js';
import { LOGIC_GRPC_PORT } from '../src/resources/logicNodeObjects.js';

const owner = { apiVersion: 'clusterchain.io/v1alpha1', kind: 'Cluster', name: 'cluster-a', uid: '0f1e2d3c-0000-4000-8000-00000000000c' };
const ownerRefs = [{ ...owner, controller: true, blockOwnerDeletion: true }];
const key = (byte: number) => new Uint8Array(32).fill(byte);
const genesis = { chainId: 'devnet', timestampMs: '1790000000000', allocations: [{ address: '9f2c1b7e4d3a5c6b8e0f1a2b3c4d5e6f7a8b9c0d', balance: '1000' }] };

describe('the objects a Cluster makes', () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'cluster-objects-'))));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('when a key Secret is built, then it is immutable, owned, labelled for the cluster, and its key.json is a key file that services/common reads back', async () => {
    const secret = keySecret({ name: 'cluster-a-ln-0-key', namespace: 'chain', cluster: 'cluster-a', owner }, key(7));
    expect(secret).toMatchObject({ immutable: true, type: 'Opaque', metadata: { name: 'cluster-a-ln-0-key', namespace: 'chain', ownerReferences: ownerRefs, labels: { 'clusterchain.io/cluster': 'cluster-a', 'app.kubernetes.io/component': 'node-key' } } });
    const text = Buffer.from(secret.data!['key.json']!, 'base64').toString('utf8');
    await writeFile(join(dir, 'key.json'), text);
    expect(await readKeyFile(join(dir, 'key.json'))).toEqual(key(7));
    expect(publicKeyOfSecretData(secret.data)).toBe(toHex(publicKeyOf(key(7))));
  });

  it.each([
    ['no key.json', undefined],
    ['not hex', { 'key.json': Buffer.from('not a key\n').toString('base64') }],
    ['zero, which is no secp256k1 scalar', { 'key.json': Buffer.from(`${'00'.repeat(32)}\n`).toString('base64') }],
  ])('when a Secret holds %s, then it yields no public key (and no error that could carry it)', (_what, data) => {
    expect(publicKeyOfSecretData(data)).toBeNull();
  });

  it('when a key is not a valid secret key, then encoding it refuses without naming it', () => {
    expect(() => encodeKeyFile(new Uint8Array(32))).toThrow(/scalar/);
    expect(publicKeyOfKeyFile(` ${toHex(key(9))}\n`)).toBe(toHex(publicKeyOf(key(9))));
  });

  it('when the config is built, then genesis.json is a genesis file with the leader key, roster.json an empty first epoch, and the LN leader is reachable at its Service', async () => {
    const leaderPubkey = toHex(publicKeyOf(key(1)));
    const adminPubkey = toHex(publicKeyOf(key(2)));
    const cm = clusterConfigMap({ cluster: 'cluster-a', namespace: 'chain', owner, genesis, leaderPubkey, adminPubkey });
    expect(cm.metadata).toMatchObject({ name: 'cluster-a-config', namespace: 'chain', ownerReferences: ownerRefs });
    const data = cm.data!;
    expect(Object.keys(data).sort()).toEqual(['admin-pubkey', 'genesis.json', 'leader-pubkey', 'logic-address', 'roster.json']);
    expect(GenesisFileSchema.parse(JSON.parse(data['genesis.json']!))).toEqual({ ...genesis, leaderPubkey });
    await writeFile(join(dir, 'genesis.json'), data['genesis.json']!);
    expect((await readGenesisFile(join(dir, 'genesis.json'))).timestamp).toBe(1790000000000n);
    await writeFile(join(dir, 'roster.json'), data['roster.json']!);
    expect(await readRosterFile(join(dir, 'roster.json'))).toEqual([]);
    expect(data['roster.json']).toBe(FIRST_ROSTER);
    expect(data).toMatchObject({ 'leader-pubkey': leaderPubkey, 'admin-pubkey': adminPubkey, 'logic-address': `cluster-a-ln-0.chain.svc.cluster.local:${LOGIC_GRPC_PORT}` });
    expect(logicAddress('c', 'ns')).toBe('c-ln-0.ns.svc.cluster.local:7100');
  });

  it('when the reception Service is built, then it is headless, publishes not-ready addresses and selects the cluster reception Pods on grpc 7200 and http 9200', () => {
    const svc = receptionService('cluster-a', 'chain', owner);
    expect(svc.metadata).toMatchObject({ name: 'cluster-a-reception', ownerReferences: ownerRefs });
    expect(svc.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true, selector: receptionSelector('cluster-a') });
    expect(svc.spec!.ports!.map((p) => [p.name, p.port])).toEqual([['grpc', 7200], ['http', 9200]]);
    expect(receptionSelector('cluster-a')).toEqual({ 'app.kubernetes.io/name': 'clusterchain', 'app.kubernetes.io/component': 'reception-node', 'clusterchain.io/cluster': 'cluster-a' });
  });

  it('when the leader Lease and a LogicNode are built, then LN-0 holds the Lease and the LogicNode sets only spec.cluster', () => {
    expect(leaderLease('cluster-a', 'chain', owner)).toMatchObject({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'cluster-a-leader', ownerReferences: ownerRefs }, spec: { holderIdentity: 'cluster-a-ln-0' } });
    const ln = logicNodeResource('cluster-a', 2, 'chain', owner);
    expect(ln).toMatchObject({ apiVersion: 'clusterchain.io/v1alpha1', kind: 'LogicNode', metadata: { name: 'cluster-a-ln-2', namespace: 'chain', ownerReferences: ownerRefs }, spec: { cluster: 'cluster-a' } });
    expect(Object.keys(ln.spec)).toEqual(['cluster']);
  });

  it('when names are derived, then the LN key Secret is `<LogicNode>-key`, the name reconcileLogicNode mounts', () => {
    expect([clusterNames.config('c'), clusterNames.receptionService('c'), clusterNames.leaderLease('c'), clusterNames.operatorKey('c'), clusterNames.keySecret(clusterNames.logicNode('c', 3))]).toEqual([
      'c-config',
      'c-reception',
      'c-leader',
      'c-operator-key',
      'c-ln-3-key',
    ]);
  });

  it.each([
    ['cluster-a-ln-0', 0],
    ['cluster-a-ln-12', 12],
    ['cluster-a-ln-01', null],
    ['cluster-a-ln-', null],
    ['cluster-a-ln-1-ln-0', null],
    ['cluster-b-ln-0', null],
    ['cluster-a-ln-0-key', null],
  ])('when a LogicNode is named %s, then its index in cluster-a is %s', (name, index) => {
    expect(logicNodeIndex('cluster-a', name)).toBe(index);
  });

  it.each([
    ['cluster-a', null],
    ['a'.repeat(50), null],
    ['a'.repeat(51), /longer than 50/],
    ['cluster.a', /DNS-1035/],
    ['1cluster', /DNS-1035/],
  ])('when a Cluster is named %s, then its name problem is %s', (name, problem) => {
    const p = clusterNameProblem(name);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toMatch(problem);
  });
});

describe('the objects a ChainSpace makes', () => {
  it('when its genesis ConfigMap is built, then it holds the genesis without a leader key, in a fixed key order, owned by the ChainSpace', () => {
    const csOwner = { ...owner, kind: 'ChainSpace', name: 'devnet' };
    const cm = genesisConfigMap({ chainSpace: 'devnet', namespace: 'chain', owner: csOwner, genesis });
    expect(cm.metadata).toMatchObject({ name: 'devnet-genesis', namespace: 'chain', labels: { 'clusterchain.io/chain-space': 'devnet' }, ownerReferences: [{ ...csOwner, controller: true, blockOwnerDeletion: true }] });
    expect(cm.data!['genesis.json']).toBe('{"chainId":"devnet","timestampMs":"1790000000000","allocations":[{"address":"9f2c1b7e4d3a5c6b8e0f1a2b3c4d5e6f7a8b9c0d","balance":"1000"}]}');
    expect(chainGenesisSchema.parse(JSON.parse(cm.data!['genesis.json']!))).toEqual(genesis);
    expect(encodeChainGenesis({ allocations: [], timestampMs: '1', chainId: 'x' })).toBe('{"chainId":"x","timestampMs":"1","allocations":[]}');
    expect(chainSpaceNameProblem('a'.repeat(63))).toBeNull();
    expect(chainSpaceNameProblem('a'.repeat(64))).toMatch(/63/);
  });
});
