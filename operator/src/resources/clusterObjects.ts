import type { KubernetesObject, V1ConfigMap, V1Lease, V1Secret, V1Service } from '@kubernetes/client-node';
import type { GenesisFile } from '../../../services/common/src/genesisFile.js';
import { API_VERSION } from '../api/v1alpha1/index.js';
import { GENESIS_KEY, type ChainGenesis } from './chainSpaceObjects.js';
import { KEY_FILE_KEY, encodeKeyFile } from './keys.js';
import { LABEL_CLUSTER, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, MANAGER, ownerReference, type Owner } from './labels.js';
import { LOGIC_GRPC_PORT } from './logicNodeObjects.js';

/** Ports of a reception node container (services/reception bin flags --listen and --http). */
export const RECEPTION_GRPC_PORT = 7200;
export const RECEPTION_HTTP_PORT = 9200;

/** The component label of reception Pods, which the cluster's headless Service selects. */
export const RECEPTION_COMPONENT = 'reception-node';
/** The component label of the key Secrets (LN keys and the operator's admin key). */
export const KEY_COMPONENT = 'node-key';

/** Keys of the cluster's ConfigMap besides genesis.json. */
export const ROSTER_KEY = 'roster.json';
export const LEADER_PUBKEY_KEY = 'leader-pubkey';
export const ADMIN_PUBKEY_KEY = 'admin-pubkey';
export const LOGIC_ADDRESS_KEY = 'logic-address';

/**
 * The first roster epoch of a fresh cluster (services/common rosterFile.ts): no member yet. The
 * ReceptionPool adds RNs through the LN leader's admin API as its slots turn Ready; later epochs
 * live in the LN, never in this ConfigMap.
 */
export const FIRST_ROSTER = JSON.stringify({ members: [] });

/**
 * Names of what a Cluster `<c>` makes. The LN key Secret is `<LogicNode name>-key`, the name
 * reconcileLogicNode mounts; the ConfigMap `<c>-config` is the one it mounts too.
 */
export const clusterNames = {
  config: (cluster: string) => `${cluster}-config`,
  receptionService: (cluster: string) => `${cluster}-reception`,
  leaderLease: (cluster: string) => `${cluster}-leader`,
  logicNodesBudget: (cluster: string) => `${cluster}-logic-nodes`,
  operatorKey: (cluster: string) => `${cluster}-operator-key`,
  logicNode: (cluster: string, index: number) => `${cluster}-ln-${index}`,
  keySecret: (logicNode: string) => `${logicNode}-key`,
};

/**
 * The longest suffix of a name made from a Cluster's (`<c>-operator-key`); each such name is also
 * a label value (app.kubernetes.io/instance), and label values, like Service names, stop at 63.
 */
const LONGEST_SUFFIX = '-operator-key'.length;

/**
 * Why a Cluster's name cannot make its children, or null: a Service name is a DNS-1035 label
 * (lowercase letter first, letters, digits and '-'), which object names need not be, and every
 * derived name must fit 63 characters.
 */
export function clusterNameProblem(cluster: string): string | null {
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(cluster)) return `Cluster name ${cluster} must be a DNS-1035 label (its Services are named after it)`;
  if (cluster.length + LONGEST_SUFFIX > 63) return `Cluster name ${cluster} is longer than ${63 - LONGEST_SUFFIX} characters (${clusterNames.operatorKey(cluster)} would exceed 63)`;
  return null;
}

/** The index of LogicNode `name` in cluster `cluster` (`<c>-ln-<i>`, i without leading zeros), or null. */
export function logicNodeIndex(cluster: string, name: string): number | null {
  const prefix = `${cluster}-ln-`;
  if (!name.startsWith(prefix)) return null;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]{0,5})$/.test(rest) ? Number(rest) : null;
}

/** Where RNs and the operator reach the cluster's LN leader (LN-0's Service, logicNodeObjects.ts). */
export function logicAddress(cluster: string, namespace: string): string {
  return `${clusterNames.logicNode(cluster, 0)}.${namespace}.svc.cluster.local:${LOGIC_GRPC_PORT}`;
}

/** The labels a reception Pod of `cluster` carries (set by the ReceptionPool's Pod builder). */
export function receptionSelector(cluster: string): Record<string, string> {
  return { [LABEL_NAME]: 'clusterchain', [LABEL_COMPONENT]: RECEPTION_COMPONENT, [LABEL_CLUSTER]: cluster };
}

function metadataOf(name: string, namespace: string, cluster: string, component: string, owner: Owner) {
  return {
    name,
    namespace,
    labels: { [LABEL_NAME]: 'clusterchain', [LABEL_COMPONENT]: component, [LABEL_INSTANCE]: name, [LABEL_CLUSTER]: cluster, [LABEL_MANAGED_BY]: MANAGER },
    ownerReferences: [ownerReference(owner)],
  };
}

/** The genesis file an LN of the cluster reads: the chain space's genesis with the cluster's leader key. */
export function clusterGenesis(genesis: ChainGenesis, leaderPubkey: string): GenesisFile {
  return { chainId: genesis.chainId, timestampMs: genesis.timestampMs, leaderPubkey, allocations: genesis.allocations.map((a) => ({ address: a.address, balance: a.balance })) };
}

export interface ClusterConfigInputs {
  cluster: string;
  namespace: string;
  owner: Owner;
  genesis: ChainGenesis;
  /** Hex compressed public keys of `<c>-ln-0`'s key and of `<c>-operator-key`. */
  leaderPubkey: string;
  adminPubkey: string;
}

/**
 * The cluster's ConfigMap `<c>-config`: what every LN mounts (genesis.json, roster.json) and what
 * RNs and tools need to find and trust the leader (leader-pubkey, admin-pubkey, logic-address).
 * Only public keys: the secret keys stay in their Secrets.
 */
export function clusterConfigMap(i: ClusterConfigInputs): V1ConfigMap {
  const name = clusterNames.config(i.cluster);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadataOf(name, i.namespace, i.cluster, 'cluster-config', i.owner),
    data: {
      [GENESIS_KEY]: JSON.stringify(clusterGenesis(i.genesis, i.leaderPubkey)),
      [ROSTER_KEY]: FIRST_ROSTER,
      [LEADER_PUBKEY_KEY]: i.leaderPubkey,
      [ADMIN_PUBKEY_KEY]: i.adminPubkey,
      [LOGIC_ADDRESS_KEY]: logicAddress(i.cluster, i.namespace),
    },
  };
}

/**
 * The headless Service `<c>-reception` over the cluster's reception Pods: a slot Pod with
 * `subdomain: <c>-reception` and a `hostname` gets the stable name
 * `<hostname>.<c>-reception.<ns>.svc`. Not-ready addresses are published: a handoff successor
 * must be reachable by name while it syncs, before it turns Ready.
 */
export function receptionService(cluster: string, namespace: string, owner: Owner): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadataOf(clusterNames.receptionService(cluster), namespace, cluster, RECEPTION_COMPONENT, owner),
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: receptionSelector(cluster),
      ports: [
        { name: 'grpc', port: RECEPTION_GRPC_PORT, targetPort: RECEPTION_GRPC_PORT },
        { name: 'http', port: RECEPTION_HTTP_PORT, targetPort: RECEPTION_HTTP_PORT },
      ],
    },
  };
}

/**
 * The Lease `<c>-leader` recording which LN leads the cluster's roster (the one whose key signs
 * roster epochs). A record for now, with no election: always `<c>-ln-0`, no renewal.
 */
export function leaderLease(cluster: string, namespace: string, owner: Owner): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: metadataOf(clusterNames.leaderLease(cluster), namespace, cluster, 'leader-lease', owner),
    spec: { holderIdentity: clusterNames.logicNode(cluster, 0) },
  };
}

export interface LogicNodeResource extends KubernetesObject {
  spec: { cluster: string };
}

/**
 * The LogicNode `<c>-ln-<i>` a Cluster asks for. Only `spec.cluster` is ours: the other fields
 * take their schema defaults, and a user who tunes them (storage, resources) is not overridden,
 * since server-side apply makes us own only what we set.
 */
export function logicNodeResource(cluster: string, index: number, namespace: string, owner: Owner): LogicNodeResource {
  const name = clusterNames.logicNode(cluster, index);
  return {
    apiVersion: API_VERSION,
    kind: 'LogicNode',
    metadata: metadataOf(name, namespace, cluster, 'logic-node', owner),
    spec: { cluster },
  };
}

export interface KeySecretInputs {
  name: string;
  namespace: string;
  cluster: string;
  owner: Owner;
}

/**
 * A key Secret (`key.json` in the key file format of services/common keyFile.ts). Immutable: the
 * API server refuses any change to its data, so a key, once made, is never overwritten; the
 * executor creates it (never applies it) and only when it is absent.
 */
export function keySecret(i: KeySecretInputs, secretKey: Uint8Array): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadataOf(i.name, i.namespace, i.cluster, KEY_COMPONENT, i.owner),
    type: 'Opaque',
    immutable: true,
    data: { [KEY_FILE_KEY]: Buffer.from(encodeKeyFile(secretKey), 'utf8').toString('base64') },
  };
}
