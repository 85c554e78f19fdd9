import { AppsV1Api, type V1StatefulSet } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { reconcileLogicNode } from './reconcile/logicNode/reconcile.js';
import { LABEL_COMPONENT } from './resources/labels.js';
import type { Kube } from './runtime/kube.js';
import { WorkQueue } from './runtime/workQueue.js';

export interface OperatorConfig {
  kube: Kube;
  log: Logger;
  logicNodeImage: string;
  now?: () => Date;
}

export interface RunningOperator {
  queueDepth(): number;
  stop(): Promise<void>;
}

const keyOf = (namespace: string | undefined, name: string | undefined) => `${namespace ?? ''}/${name ?? ''}`;

/**
 * The operator's control loop so far: LogicNodes. Informers on LogicNodes and on the
 * StatefulSets it makes (a Pod turning ready changes the StatefulSet's status) feed one work
 * queue keyed by LogicNode; each key is reconciled by reconcileLogicNode.
 */
export async function startOperator(config: OperatorConfig): Promise<RunningOperator> {
  const now = config.now ?? (() => new Date());
  const queue = new WorkQueue(
    (key) => {
      const [namespace, name] = key.split('/') as [string, string];
      return reconcileLogicNode(config.kube, namespace, name, { image: config.logicNodeImage, now });
    },
    { concurrency: 4, baseDelayMs: 200, maxDelayMs: 30_000 },
    (key, err, attempt) => config.log.warn({ key, attempt, err: (err as Error).message }, 'reconcile failed; retrying'),
  );

  const logicNodes = config.kube.informer('logicnodes', (err, retryInMs) => config.log.warn({ err: (err as Error)?.message, retryInMs }, 'LogicNode watch failed; restarting'));
  const enqueue = (o: { metadata?: { namespace?: string; name?: string } }) => queue.add(keyOf(o.metadata?.namespace, o.metadata?.name));
  logicNodes.on('add', enqueue);
  logicNodes.on('update', enqueue);

  const apps = config.kube.config.makeApiClient(AppsV1Api);
  const selector = `${LABEL_COMPONENT}=logic-node`;
  const statefulSets = config.kube.watch<V1StatefulSet>('/apis/apps/v1/statefulsets', () => apps.listStatefulSetForAllNamespaces({ labelSelector: selector }), selector, (err, retryInMs) =>
    config.log.warn({ err: (err as Error)?.message, retryInMs }, 'StatefulSet watch failed; restarting'),
  );
  const toOwner = (s: V1StatefulSet) => {
    const owner = s.metadata?.ownerReferences?.find((r) => r.kind === 'LogicNode');
    if (owner) queue.add(keyOf(s.metadata?.namespace, owner.name));
  };
  statefulSets.on('add', toOwner);
  statefulSets.on('update', toOwner);
  await logicNodes.start();
  await statefulSets.start();
  config.log.info('operator started');
  return {
    queueDepth: () => queue.depth,
    async stop() {
      queue.stop();
      await logicNodes.stop();
      await statefulSets.stop();
    },
  };
}
