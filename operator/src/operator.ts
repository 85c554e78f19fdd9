import { AppsV1Api, CoreV1Api, type KubernetesObject, type V1Node, type V1Pod, type V1StatefulSet } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { DosInbox } from './dos/dosInbox.js';
import type { PoolAlert } from './dos/alertmanager.js';
import { reconcileChainSpace } from './reconcile/chainSpace/reconcile.js';
import { reconcileCluster } from './reconcile/cluster/reconcile.js';
import { reconcileLogicNode } from './reconcile/logicNode/reconcile.js';
import type { SlotAgent } from './reconcile/receptionPool/agent.js';
import { marketFingerprint } from './reconcile/receptionPool/observe.js';
import { reconcileReceptionPool, type PoolEvents } from './reconcile/receptionPool/reconcile.js';
import { LABEL_COMPONENT } from './resources/labels.js';
import type { Kube } from './runtime/kube.js';
import { WorkQueue } from './runtime/workQueue.js';

export interface OperatorConfig {
  kube: Kube;
  log: Logger;
  /** The node image; its entrypoint takes `reception` or `logic` first (images/Dockerfile, target node). */
  nodeImage: string;
  agent: SlotAgent;
  /** How long a reception node gets to confirm its drain in a handoff. */
  drainTimeoutMs: number;
  now?: () => Date;
  events?: PoolEvents;
  /** Called after every reconcile, for the metrics. */
  observeReconcile?: (kind: string, outcome: 'ok' | 'error', seconds: number) => void;
}

export interface RunningOperator {
  queueDepth(): number;
  /** Files DoS alerts for their pools and wakes them (the webhook's executor). */
  alerts(alerts: PoolAlert[]): void;
  stop(): Promise<void>;
}

const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
/** Clusters and ChainSpaces are also reconciled this often with no event: someone may have deleted a child we made. */
const RESYNC_MS = 60_000;
const specOf = (o: KubernetesObject) => ((o as { spec?: Record<string, unknown> }).spec ?? {}) as { cluster?: unknown; clusters?: unknown; chainSpace?: unknown };
const split = (key: string) => key.split('/') as [string, string];

/**
 * The operator's control loops: ChainSpaces, Clusters, LogicNodes and ReceptionPools, each kind
 * with its own work queue keyed by object. Informers feed them: on our kinds, on the children we make (a StatefulSet or a
 * slot Pod changing wakes its owner), and on Nodes (a market offer appearing, changing or going
 * wakes every pool; a heartbeat wakes none).
 */
export async function startOperator(config: OperatorConfig): Promise<RunningOperator> {
  const now = config.now ?? (() => new Date());
  const { kube, log } = config;
  const warn = (what: string) => (err: unknown, retryInMs: number) => log.warn({ err: (err as Error)?.message, retryInMs }, `${what} watch failed; restarting`);
  const timed = (kind: string, run: () => Promise<void>) => async () => {
    const started = process.hrtime.bigint();
    try {
      await run();
      config.observeReconcile?.(kind, 'ok', Number(process.hrtime.bigint() - started) / 1e9);
    } catch (err) {
      config.observeReconcile?.(kind, 'error', Number(process.hrtime.bigint() - started) / 1e9);
      throw err;
    }
  };

  const logicNodeQueue = new WorkQueue(
    (key) => timed('LogicNode', () => reconcileLogicNode(kube, ...split(key), { image: config.nodeImage, now }))(),
    { concurrency: 4, baseDelayMs: 200, maxDelayMs: 30_000 },
    (key, err, attempt) => log.warn({ kind: 'LogicNode', key, attempt, err: (err as Error).message }, 'reconcile failed; retrying'),
  );

  const core = kube.config.makeApiClient(CoreV1Api);
  const nodes = kube.watch<V1Node>('/api/v1/nodes', () => core.listNode(), undefined, warn('Node'));
  const dosInbox = new DosInbox();
  const identityAttempts = new Map<string, number>();
  const poolQueue: WorkQueue = new WorkQueue(
    (key) =>
      timed('ReceptionPool', async () => {
        const requeue = await reconcileReceptionPool(kube, ...split(key), {
          image: config.nodeImage,
          now,
          agent: config.agent,
          nodes: () => nodes.list(),
          dosInbox,
          drainTimeoutMs: config.drainTimeoutMs,
          identityAttempts,
          log,
          ...(config.events ? { events: config.events } : {}),
        });
        if (requeue !== null) poolQueue.addAfter(key, requeue);
      })(),
    { concurrency: 4, baseDelayMs: 500, maxDelayMs: 30_000 },
    (key, err, attempt) => log.warn({ kind: 'ReceptionPool', key, attempt, err: (err as Error).message }, 'reconcile failed; retrying'),
  );

  const queueOf = (kind: string, reconcile: (namespace: string, name: string) => Promise<void>) =>
    new WorkQueue((key) => timed(kind, () => reconcile(...split(key)))(), { concurrency: 2, baseDelayMs: 500, maxDelayMs: 30_000 }, (key, err, attempt) =>
      log.warn({ kind, key, attempt, err: (err as Error).message }, 'reconcile failed; retrying'),
    );
  const clusterQueue = queueOf('Cluster', (namespace, name) => reconcileCluster(kube, namespace, name, { now }));
  const chainSpaceQueue = queueOf('ChainSpace', (namespace, name) => reconcileChainSpace(kube, namespace, name, { now }));
  const named = (queue: WorkQueue, o: KubernetesObject, name: unknown) => {
    if (typeof name === 'string') queue.add(`${o.metadata?.namespace ?? ''}/${name}`);
  };

  const clusters = kube.informer('clusters', warn('Cluster'));
  const chainSpaces = kube.informer('chainspaces', warn('ChainSpace'));
  for (const verb of ['add', 'update', 'delete'] as const) {
    clusters.on(verb, (o) => {
      if (verb !== 'delete') clusterQueue.add(keyOf(o));
      named(chainSpaceQueue, o, specOf(o).chainSpace); // its status counts its Clusters
    });
    chainSpaces.on(verb, (o) => {
      if (verb !== 'delete') chainSpaceQueue.add(keyOf(o));
      // Clusters copy the chain space's genesis into their own ConfigMap.
      for (const c of clusters.list(o.metadata?.namespace)) if (specOf(c).chainSpace === o.metadata?.name) clusterQueue.add(keyOf(c));
    });
  }

  const logicNodes = kube.informer('logicnodes', warn('LogicNode'));
  const toLogicNode = (o: KubernetesObject) => logicNodeQueue.add(keyOf(o));
  logicNodes.on('add', toLogicNode);
  logicNodes.on('update', toLogicNode);
  for (const verb of ['add', 'update', 'delete'] as const) logicNodes.on(verb, (o) => named(clusterQueue, o, specOf(o).cluster)); // a Cluster's status and teardown follow its LNs

  const apps = kube.config.makeApiClient(AppsV1Api);
  const lnSelector = `${LABEL_COMPONENT}=logic-node`;
  const statefulSets = kube.watch<V1StatefulSet>('/apis/apps/v1/statefulsets', () => apps.listStatefulSetForAllNamespaces({ labelSelector: lnSelector }), lnSelector, warn('StatefulSet'));
  const toOwner = (kind: string, queue: WorkQueue) => (o: KubernetesObject) => {
    const owner = o.metadata?.ownerReferences?.find((r) => r.kind === kind);
    if (owner) queue.add(`${o.metadata?.namespace ?? ''}/${owner.name}`);
  };
  statefulSets.on('add', toOwner('LogicNode', logicNodeQueue));
  statefulSets.on('update', toOwner('LogicNode', logicNodeQueue));

  const pools = kube.informer('receptionpools', warn('ReceptionPool'));
  const toPool = (o: KubernetesObject) => {
    poolQueue.add(keyOf(o));
    const served = specOf(o).clusters;
    if (Array.isArray(served)) for (const c of served) named(clusterQueue, o, c); // a Cluster reports its pool's members and epoch
  };
  pools.on('add', toPool);
  pools.on('update', toPool);

  const rnSelector = `${LABEL_COMPONENT}=reception-node`;
  const slotPods = kube.watch<V1Pod>('/api/v1/pods', () => core.listPodForAllNamespaces({ labelSelector: rnSelector }), rnSelector, warn('Pod'));
  for (const verb of ['add', 'update', 'delete'] as const) slotPods.on(verb, toOwner('ReceptionPool', poolQueue));

  const seen = new Map<string, string>();
  const allPools = () => {
    for (const p of pools.list()) poolQueue.add(keyOf(p));
  };
  const onNode = (n: V1Node) => {
    const name = n.metadata?.name ?? '';
    const print = marketFingerprint(n);
    if (seen.get(name) === print) return;
    seen.set(name, print);
    allPools();
  };
  nodes.on('add', onNode);
  nodes.on('update', onNode);
  nodes.on('delete', (n) => {
    seen.delete(n.metadata?.name ?? '');
    allPools();
  });

  await nodes.start();
  await clusters.start();
  await chainSpaces.start();
  await logicNodes.start();
  await statefulSets.start();
  await slotPods.start();
  await pools.start();
  const resync = setInterval(() => {
    for (const c of clusters.list()) clusterQueue.add(keyOf(c));
    for (const c of chainSpaces.list()) chainSpaceQueue.add(keyOf(c));
  }, RESYNC_MS);
  resync.unref();
  log.info('operator started');
  return {
    queueDepth: () => logicNodeQueue.depth + poolQueue.depth + clusterQueue.depth + chainSpaceQueue.depth,
    alerts(alerts) {
      for (const key of dosInbox.add(alerts)) poolQueue.add(key);
    },
    async stop() {
      clearInterval(resync);
      for (const q of [logicNodeQueue, poolQueue, clusterQueue, chainSpaceQueue]) q.stop();
      for (const i of [clusters, chainSpaces, logicNodes, statefulSets, pools, slotPods, nodes]) await i.stop();
    },
  };
}
