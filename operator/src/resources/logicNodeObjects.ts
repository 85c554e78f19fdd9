import type { V1PodDisruptionBudget, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { MALLOC_ARENA_MAX } from '../../../services/common/src/nativeMemory.js';
import type { LogicNodeSpec } from '../api/v1alpha1/index.js';
import { LABEL_CLUSTER, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, LABEL_NIC_GBPS, MANAGER, ownerReference, type Owner } from './labels.js';

/** Ports of a logic node container (services/logic bin flags --listen and --http). */
export const LOGIC_GRPC_PORT = 7100;
export const LOGIC_HTTP_PORT = 9100;

export interface LogicNodeInputs {
  name: string;
  namespace: string;
  owner: Owner;
  spec: LogicNodeSpec;
  image: string;
  /** Slot length of the chain space, ms. */
  slotMs: number;
  committeeSize: number;
  /** ConfigMap with genesis.json and roster.json, Secret with the node key (made by the Cluster reconciler). */
  configMap: string;
  keySecret: string;
}

export interface LogicNodeObjects {
  statefulSet: V1StatefulSet;
  service: V1Service;
}

/**
 * What one LogicNode resource becomes (DESIGN §11): a one-replica StatefulSet (a stable name and
 * its own PersistentVolumeClaim for RocksDB), required onto Nodes whose NIC is at least
 * `nicGbps` (label clusterchain.io/nic-gbps, as an integer: the selector's Gt is strict, so
 * "at least n" is Gt n-1), never on a Node that already runs an LN of the same cluster, and a
 * Service for the RNs and clients. Pure: the executor server-side-applies the result.
 */
export function logicNodeObjects(i: LogicNodeInputs): LogicNodeObjects {
  const selector = { [LABEL_NAME]: 'clusterchain', [LABEL_COMPONENT]: 'logic-node', [LABEL_INSTANCE]: i.name };
  const labels = { ...selector, [LABEL_CLUSTER]: i.spec.cluster, [LABEL_MANAGED_BY]: MANAGER };
  const metadata = { name: i.name, namespace: i.namespace, labels, ownerReferences: [ownerReference(i.owner)] };
  const statefulSet: V1StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata,
    spec: {
      serviceName: i.name,
      replicas: 1,
      selector: { matchLabels: selector },
      podManagementPolicy: 'Parallel',
      template: {
        metadata: { labels },
        spec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: LABEL_NIC_GBPS, operator: 'Gt', values: [String(i.spec.nicGbps - 1)] }] }],
              },
            },
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  topologyKey: 'kubernetes.io/hostname',
                  labelSelector: { matchLabels: { [LABEL_COMPONENT]: 'logic-node', [LABEL_CLUSTER]: i.spec.cluster } },
                },
              ],
            },
          },
          containers: [
            {
              name: 'logic-node',
              image: i.image,
              args: [
                'logic', // the node image's entrypoint runs services/logic/src/bin/logicNode.js
                '--data', '/var/lib/clusterchain',
                '--key', '/etc/clusterchain/key/key.json',
                '--genesis', '/etc/clusterchain/config/genesis.json',
                '--roster', '/etc/clusterchain/config/roster.json',
                '--listen', `0.0.0.0:${LOGIC_GRPC_PORT}`,
                '--http', `0.0.0.0:${LOGIC_HTTP_PORT}`,
                '--slot-ms', String(i.slotMs),
                '--committee-size', String(i.committeeSize),
                // The operator key's public half: roster changes it signs are the only ones taken.
                '--admin-pubkey', '$(ADMIN_PUBKEY)',
                '--name', i.name,
              ],
              env: [
                { name: 'ADMIN_PUBKEY', valueFrom: { configMapKeyRef: { name: i.configMap, key: 'admin-pubkey' } } },
                { name: 'MALLOC_ARENA_MAX', value: MALLOC_ARENA_MAX },
              ],
              ports: [
                { name: 'grpc', containerPort: LOGIC_GRPC_PORT },
                { name: 'http', containerPort: LOGIC_HTTP_PORT },
              ],
              readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 6 },
              resources: resourcesOf(i.spec.resources),
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/clusterchain' },
                { name: 'config', mountPath: '/etc/clusterchain/config', readOnly: true },
                { name: 'key', mountPath: '/etc/clusterchain/key', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: i.configMap } },
            { name: 'key', secret: { secretName: i.keySecret, defaultMode: 0o400 } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: selector },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: i.spec.storage.size } },
            ...(i.spec.storage.storageClassName ? { storageClassName: i.spec.storage.storageClassName } : {}),
          },
        },
      ],
    },
  };
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      selector,
      ports: [
        { name: 'grpc', port: LOGIC_GRPC_PORT, targetPort: 'grpc' },
        { name: 'http', port: LOGIC_HTTP_PORT, targetPort: 'http' },
      ],
    },
  };
  return { statefulSet, service };
}

function resourcesOf(r: LogicNodeSpec['resources']): { requests?: Record<string, string>; limits?: Record<string, string> } {
  const defined = (l: Record<string, string | undefined> | undefined) => (l === undefined ? undefined : (Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as Record<string, string>));
  const requests = defined(r.requests);
  const limits = defined(r.limits);
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

/**
 * One budget over all the LNs of a cluster (made by the Cluster reconciler): a Node drain may
 * take at most one of them at a time, so the cluster keeps executing while the others stay up.
 * Per-LN budgets of zero would instead block every drain of a Node that holds an LN.
 */
export function logicNodesDisruptionBudget(cluster: string, namespace: string, owner: Owner): V1PodDisruptionBudget {
  const selector = { [LABEL_COMPONENT]: 'logic-node', [LABEL_CLUSTER]: cluster };
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    // The name is clusterNames.logicNodesBudget (clusterObjects imports this module, so not the other way).
    metadata: { name: `${cluster}-logic-nodes`, namespace, labels: { ...selector, [LABEL_NAME]: 'clusterchain', [LABEL_MANAGED_BY]: MANAGER }, ownerReferences: [ownerReference(owner)] },
    spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
  };
}
