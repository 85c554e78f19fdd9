import { API_VERSION, chainSpaceSpec, clusterSpec, clusterStatus, type ClusterStatus } from '../../api/v1alpha1/index.js';
import { chainGenesisSchema, type ChainGenesis } from '../../resources/chainSpaceObjects.js';
import { logicNodesDisruptionBudget } from '../../resources/logicNodeObjects.js';
import { clusterConfigMap, clusterNameProblem, clusterNames, leaderLease, logicNodeIndex, logicNodeResource, receptionService } from '../../resources/clusterObjects.js';
import { TEARDOWN_FINALIZER } from '../../resources/finalizers.js';
import { deletingStatus, planTeardown, type ChildAction, type ObservedChild } from '../lifecycle.js';
import { aggregateClusterStatus, type ClusterProblem, type ClusterStatusInputs, type ClusterWait, type LogicNodeView } from './status.js';

/** The Cluster as read: its spec and status still unchecked JSON. */
export interface ClusterResource {
  name: string;
  namespace: string;
  uid: string;
  generation: number;
  deleting: boolean;
  finalizers: readonly string[];
  spec: unknown;
  status: unknown;
}

/**
 * A key Secret as observed: only the public key it holds (null when it holds no valid key file).
 * The planner never sees a secret key.
 */
export interface KeySecretView {
  name: string;
  publicKey: string | null;
  owned: boolean;
  deleting: boolean;
}

export interface ObservedCluster {
  /** The ChainSpace named by spec.chainSpace, or null when it does not exist. */
  chainSpace: { spec: unknown } | null;
  /** `genesis.json` of the ChainSpace's `<cs>-genesis` ConfigMap, or null when it is not there (yet). */
  chainGenesis: string | null;
  /** The cluster's key Secrets that exist (those it wants, and those it owns). */
  keySecrets: readonly KeySecretView[];
  /** LogicNodes that name the cluster or that it owns. */
  logicNodes: readonly LogicNodeView[];
  /** The ReceptionPool named by spec.receptionPool, or null when it does not exist. */
  receptionPool: { status: unknown } | null;
  /** Its other children as found (ConfigMap, Service, Lease): read for the teardown only. */
  children: readonly ObservedChild[];
}

export type ClusterAction =
  | ChildAction
  /**
   * Make a key Secret: the executor generates the key and creates the Secret (never applies it),
   * and an AlreadyExists answer is fine. The action carries no key, so it is safe to log.
   */
  | { type: 'createKeySecret'; name: string };

export interface ClusterPlan {
  actions: ClusterAction[];
  /** The status to write; null once the finalizer goes, as the resource goes with it. */
  status: ClusterStatus | null;
}

/**
 * One reconcile of a Cluster (pure: the executor applies the actions in order, then writes the
 * status if it changed):
 * - the finalizer, before anything else is made;
 * - a key Secret for each LogicNode it asks for and one for the operator's admin key, made only
 *   when absent: an existing one is never overwritten, even when it holds no valid key (that is
 *   reported, InvalidKeySecret, for a person to resolve);
 * - the headless reception Service and the leader Lease;
 * - LogicNodes past spec.logicNodes that it owns are deleted (scale-in; their key Secrets stay, so
 *   scaling out again brings the same keys back);
 * - once the ChainSpace's genesis is there and LN-0's and the operator's keys can be read back,
 *   the `<c>-config` ConfigMap, and then the LogicNodes (their Pods mount that ConfigMap). Public
 *   keys come only from stored Secrets, never from a key this run generated: if another writer won
 *   the race to create a Secret, its key is the one published.
 */
export function planCluster(cluster: ClusterResource, observed: ObservedCluster, now: Date): ClusterPlan {
  const parsedPrior = clusterStatus.safeParse(cluster.status ?? {});
  const prior = parsedPrior.success ? parsedPrior.data : {};
  if (cluster.deleting) return teardown(cluster, observed, prior, now);

  const actions: ClusterAction[] = cluster.finalizers.includes(TEARDOWN_FINALIZER) ? [] : [{ type: 'addFinalizer' }];
  const c = cluster.name;
  const status = (i: ClusterStatusInputs) => aggregateClusterStatus(cluster.generation, i, prior, now);
  const spec = clusterSpec.safeParse(cluster.spec);
  const invalidName = clusterNameProblem(c);
  if (!spec.success || invalidName !== null) {
    const message = spec.success ? (invalidName as string) : (spec.error.issues[0]?.message ?? 'invalid');
    return { actions, status: status({ logicNodes: { wanted: 0, observed: [] }, problem: { reason: 'InvalidSpec', message } }) };
  }
  const n = spec.data.logicNodes;
  const owner = { apiVersion: API_VERSION, kind: 'Cluster', name: c, uid: cluster.uid };
  const problems: ClusterProblem[] = [];
  const waits: ClusterWait[] = [];

  // Keys: created when absent, never replaced.
  const secrets = new Map(observed.keySecrets.map((s) => [s.name, s]));
  const leaderKey = clusterNames.keySecret(clusterNames.logicNode(c, 0));
  const adminKey = clusterNames.operatorKey(c);
  const wantedKeys = [...Array.from({ length: n }, (_, i) => clusterNames.keySecret(clusterNames.logicNode(c, i))), adminKey];
  const missing: string[] = [];
  const malformed: string[] = [];
  for (const name of wantedKeys) {
    const s = secrets.get(name);
    if (s === undefined) {
      actions.push({ type: 'createKeySecret', name });
      missing.push(name);
    } else if (s.deleting) missing.push(name); // made anew once it is gone
    else if (s.publicKey === null) malformed.push(name);
  }
  if (malformed.length > 0) problems.push({ reason: 'InvalidKeySecret', message: `Secret(s) ${malformed.join(', ')} hold no valid key.json; they are never overwritten: delete one to have a new key made` });
  if (missing.length > 0) waits.push({ reason: 'KeysPending', message: `waiting for key Secret(s) ${missing.join(', ')}` });

  actions.push({ type: 'apply', object: receptionService(c, cluster.namespace, owner) });
  actions.push({ type: 'apply', object: leaderLease(c, cluster.namespace, owner) });
  actions.push({ type: 'apply', object: logicNodesDisruptionBudget(c, cluster.namespace, owner) });

  // Scale-in: only LogicNodes this Cluster owns, only those with an index past the spec.
  const wantedLogicNodes: LogicNodeView[] = [];
  for (const ln of observed.logicNodes) {
    const index = logicNodeIndex(c, ln.name);
    if (index !== null && index < n) wantedLogicNodes.push(ln);
    else if (index !== null && ln.owned && !ln.deleting) actions.push({ type: 'delete', target: { apiVersion: API_VERSION, kind: 'LogicNode', name: ln.name }, propagation: 'Background', reason: 'ScaledIn' });
  }

  // The chain space: its committee size, and the genesis the config copies.
  let committeeSize: number | undefined;
  let genesis: ChainGenesis | undefined;
  if (observed.chainSpace === null) problems.push({ reason: 'ChainSpaceNotFound', message: `ChainSpace ${spec.data.chainSpace} does not exist in ${cluster.namespace}` });
  else {
    const cs = chainSpaceSpec.safeParse(observed.chainSpace.spec);
    if (!cs.success) problems.push({ reason: 'InvalidChainSpace', message: `ChainSpace ${spec.data.chainSpace}: ${cs.error.issues[0]?.message ?? 'invalid'}` });
    else {
      committeeSize = cs.data.committeeSize;
      const g = parseChainGenesis(observed.chainGenesis, cs.data.chainId);
      if (typeof g === 'string') waits.push({ reason: 'GenesisNotReady', message: `ChainSpace ${spec.data.chainSpace}: ${g}` });
      else genesis = g;
    }
  }

  const leaderPubkey = secrets.get(leaderKey)?.publicKey;
  const adminPubkey = secrets.get(adminKey)?.publicKey;
  if (genesis !== undefined && leaderPubkey && adminPubkey && !secrets.get(leaderKey)?.deleting && !secrets.get(adminKey)?.deleting) {
    actions.push({ type: 'apply', object: clusterConfigMap({ cluster: c, namespace: cluster.namespace, owner, genesis, leaderPubkey, adminPubkey }) });
    for (let i = 0; i < n; i++) actions.push({ type: 'apply', object: logicNodeResource(c, i, cluster.namespace, owner) });
  }

  let reception: ClusterStatusInputs['reception'];
  if (observed.receptionPool === null) problems.push({ reason: 'ReceptionPoolNotFound', message: `ReceptionPool ${spec.data.receptionPool} does not exist in ${cluster.namespace}` });
  else reception = receptionOf(observed.receptionPool.status, c);

  return {
    actions,
    status: status({
      logicNodes: { wanted: n, observed: wantedLogicNodes },
      ...(reception ? { reception } : {}),
      ...(committeeSize === undefined ? {} : { committeeSize }),
      ...(problems[0] ? { problem: problems[0] } : {}),
      ...(waits[0] ? { waiting: waits[0] } : {}),
    }),
  };
}

/** The chain space's genesis from its ConfigMap text, or why it cannot be used yet. */
function parseChainGenesis(text: string | null, chainId: string): ChainGenesis | string {
  if (text === null) return 'its genesis ConfigMap is not written yet';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'its genesis ConfigMap does not hold JSON';
  }
  const g = chainGenesisSchema.safeParse(raw);
  if (!g.success) return 'its genesis ConfigMap does not hold a genesis';
  if (g.data.chainId !== chainId) return `its genesis ConfigMap is for chain ${g.data.chainId}, not ${chainId} yet`;
  return g.data;
}

/**
 * Ready members and this cluster's roster epoch from a ReceptionPool's status; absent fields stay
 * absent. A pool may serve several clusters: this one's members are its entry in readyByCluster,
 * none when the pool lists no entry for it. A status written by an operator from before
 * readyByCluster (whose pools entered one cluster's roster only) counts readyReplicas, as it did.
 */
function receptionOf(status: unknown, cluster: string): { members?: number; rosterEpoch?: string } {
  const s = (status ?? {}) as { readyReplicas?: unknown; readyByCluster?: unknown; rosterEpochs?: unknown };
  const count = (n: unknown) => (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined);
  const byCluster = s.readyByCluster !== null && typeof s.readyByCluster === 'object' && !Array.isArray(s.readyByCluster) ? (s.readyByCluster as Record<string, unknown>) : undefined;
  const members = byCluster === undefined ? count(s.readyReplicas) : Object.hasOwn(byCluster, cluster) ? count(byCluster[cluster]) : 0;
  const epochs = s.rosterEpochs !== null && typeof s.rosterEpochs === 'object' ? (s.rosterEpochs as Record<string, unknown>) : {};
  const epoch = epochs[cluster];
  const rosterEpoch = typeof epoch === 'string' && /^[0-9]+$/.test(epoch) ? epoch : undefined;
  return { ...(members === undefined ? {} : { members }), ...(rosterEpoch === undefined ? {} : { rosterEpoch }) };
}

/**
 * What the finalizer guarantees for a Cluster: once it is gone, nothing it made is left. Owner-
 * reference GC would get there too, but in the background and later, and a Cluster re-created
 * meanwhile under the same name would find the old key Secrets (and, since a key Secret is never
 * replaced, publish the old leader key) until GC removed them from under its running LNs. So the
 * teardown deletes what it owns itself, the LogicNodes in the foreground (each stays until its
 * StatefulSet is gone), and lets the Cluster go only when none of it is left. What it does not own
 * (a key Secret a person provided) is left in place.
 */
function teardown(cluster: ClusterResource, observed: ObservedCluster, prior: ClusterStatus, now: Date): ClusterPlan {
  if (!cluster.finalizers.includes(TEARDOWN_FINALIZER)) return { actions: [], status: null }; // not ours to hold up
  const children: ObservedChild[] = [
    ...observed.logicNodes.map((ln) => ({ apiVersion: API_VERSION, kind: 'LogicNode', name: ln.name, owned: ln.owned, deleting: ln.deleting })),
    ...observed.keySecrets.map((s) => ({ apiVersion: 'v1', kind: 'Secret', name: s.name, owned: s.owned, deleting: s.deleting })),
    ...observed.children,
  ];
  const { actions, remaining } = planTeardown(children, (c) => c.kind === 'LogicNode');
  return { actions, status: remaining === 0 ? null : deletingStatus(prior, cluster.generation, remaining, now) };
}
