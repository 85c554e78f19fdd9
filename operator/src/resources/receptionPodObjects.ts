import type { V1Pod } from '@kubernetes/client-node';
import { MALLOC_ARENA_MAX } from '../../../services/common/src/nativeMemory.js';
import { MARKET_TAINT } from '../reconcile/receptionPool/market.js';
import { ADMIN_PUBKEY_KEY, LEADER_PUBKEY_KEY, LOGIC_ADDRESS_KEY, RECEPTION_COMPONENT, RECEPTION_GRPC_PORT, RECEPTION_HTTP_PORT, clusterNames } from './clusterObjects.js';
import { LABEL_CLUSTER, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, MANAGER, ownerReference, type Owner } from './labels.js';

export const LABEL_POOL = 'clusterchain.io/reception-pool';
export const LABEL_SLOT = 'clusterchain.io/slot';
/** `active` serves its slot; a `successor` is starting on another Node for a relay handoff. */
export const LABEL_ROLE = 'clusterchain.io/role';

/**
 * What the operator learned about a slot Pod, kept on the Pod itself so a restarted or newly
 * elected operator picks up every handoff where it stood.
 */
export const ANNOTATION_PUBKEY = 'clusterchain.io/pubkey';
export const ANNOTATION_ENDPOINT = 'clusterchain.io/endpoint';
export const ANNOTATION_DRAIN_REQUESTED = 'clusterchain.io/drain-requested-at';
/** `true` when the RN said it drained; `forced` when it could not say so within the drain timeout. */
export const ANNOTATION_DRAINED = 'clusterchain.io/drained';
/** The roster epoch that admitted it (decimal). */
export const ANNOTATION_ROSTER_EPOCH = 'clusterchain.io/roster-epoch';

export interface SlotPodInput {
  pool: string;
  namespace: string;
  owner: Owner;
  /** The cluster it serves: its LN leader, roster and ConfigMap. */
  cluster: string;
  name: string;
  slot: number;
  role: 'active' | 'successor';
  /** The market Node the operator chose. */
  node: string;
  image: string;
  batchIntervalMs: number;
  committeeSize: number;
}

export function slotPodLabels(pool: string): Record<string, string> {
  return { [LABEL_NAME]: 'clusterchain', [LABEL_COMPONENT]: RECEPTION_COMPONENT, [LABEL_INSTANCE]: pool, [LABEL_POOL]: pool, [LABEL_MANAGED_BY]: MANAGER };
}

/** The label selector of a pool's Pods, as the scale subresource reports it. */
export function slotPodSelector(pool: string): string {
  return Object.entries(slotPodLabels(pool))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/**
 * One abstract-node slot's Pod (WP 1, DESIGN §11). The operator chose its Node, so the Pod is
 * pinned there by a required node affinity on the Node's name (as the DaemonSet controller does:
 * the scheduler still checks that it fits) and tolerates the market taint. A market machine is
 * rented and untrusted: the Pod gets no service-account token, and the RN makes its own key on
 * the machine (`--generate-key`), telling only the public half on /identity. The roster endpoint
 * is the Pod's own address, which the kubelet passes in.
 */
export function slotPod(i: SlotPodInput): V1Pod {
  const configRef = (key: string) => ({ valueFrom: { configMapKeyRef: { name: clusterNames.config(i.cluster), key } } });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: i.name,
      namespace: i.namespace,
      labels: { ...slotPodLabels(i.pool), [LABEL_CLUSTER]: i.cluster, [LABEL_SLOT]: String(i.slot), [LABEL_ROLE]: i.role },
      ownerReferences: [ownerReference(i.owner)],
    },
    spec: {
      // A stable DNS name under the cluster's headless Service (<pod>.<cluster>-reception).
      hostname: i.name,
      subdomain: clusterNames.receptionService(i.cluster),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Always',
      // SIGTERM makes the RN hand what it buffered to the LN first (services/reception bin).
      terminationGracePeriodSeconds: 30,
      tolerations: [{ key: MARKET_TAINT, operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [i.node] }] }] },
        },
      },
      securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'reception-node',
          image: i.image,
          args: [
            'reception', // the node image's entrypoint runs services/reception/src/bin/receptionNode.js
            '--key', '/var/lib/clusterchain/key.json',
            '--generate-key',
            '--logic', '$(LOGIC_ADDRESS)',
            '--leader-pubkey', '$(LEADER_PUBKEY)',
            '--admin-pubkey', '$(ADMIN_PUBKEY)',
            '--listen', `0.0.0.0:${RECEPTION_GRPC_PORT}`,
            '--http', `0.0.0.0:${RECEPTION_HTTP_PORT}`,
            '--advertise', `$(POD_IP):${RECEPTION_GRPC_PORT}`,
            '--batch-ms', String(i.batchIntervalMs),
            '--committee-size', String(i.committeeSize),
            '--name', i.name,
          ],
          env: [
            { name: 'LOGIC_ADDRESS', ...configRef(LOGIC_ADDRESS_KEY) },
            { name: 'LEADER_PUBKEY', ...configRef(LEADER_PUBKEY_KEY) },
            { name: 'ADMIN_PUBKEY', ...configRef(ADMIN_PUBKEY_KEY) },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'MALLOC_ARENA_MAX', value: MALLOC_ARENA_MAX },
          ],
          ports: [
            { name: 'grpc', containerPort: RECEPTION_GRPC_PORT },
            { name: 'http', containerPort: RECEPTION_HTTP_PORT },
          ],
          readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2 },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 6 },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          volumeMounts: [{ name: 'data', mountPath: '/var/lib/clusterchain' }],
        },
      ],
      volumes: [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }],
    },
  };
}
