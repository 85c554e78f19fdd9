import type { V1ConfigMap, V1Pod, V1Secret } from '@kubernetes/client-node';
import { fromHex } from '../../../services/protocol/src/bytes.js';
import { signDrainRequest } from '../../../services/protocol/src/reception/admin.js';
import { drainState, receptionIdentity, requestDrain } from '../../../services/rpc/src/admin.js';
import type { ClusterRef, DrainState, ReceptionIdentity, RosterMemberRef, SlotAgent } from '../reconcile/receptionPool/agent.js';
import { LOGIC_GRPC_PORT } from '../resources/logicNodeObjects.js';
import { LEADER_PUBKEY_KEY, RECEPTION_HTTP_PORT, clusterNames } from '../resources/clusterObjects.js';
import type { Kube } from '../runtime/kube.js';

/** An answer from a node that is not what the protocol says: typed, so the log says which. */
export class AgentError extends Error {
  constructor(
    readonly code: 'REFUSED_ADDRESS' | 'NOT_SYNCED' | 'NO_OPERATOR_KEY' | 'NO_LEADER',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AgentError';
  }
}


export interface NetworkAgentOptions {
  /** Each call to a node gives up after this long: a market machine may vanish at any moment. */
  timeoutMs: number;
  /**
   * Addresses the agent may call; others are refused (code REFUSED_ADDRESS) before any packet
   * leaves. Unset: any. Tests on a simulated cluster keep every call on loopback with it.
   */
  allowAddress?: (ip: string) => boolean;
  /** The roster change, by whatever carries it to the cluster's LN leader (gRPC in production). */
  changeRoster: (leader: { address: string; pubkey: Uint8Array }, operatorKey: Uint8Array, remove: readonly Uint8Array[], add: readonly RosterMemberRef[]) => Promise<bigint>;
}

/**
 * The SlotAgent over the network, as the operator runs in a cluster: a reception node's ops HTTP
 * port at its Pod's address, and the LN leader's gRPC port at its Pod's address. Requests that
 * change something are signed with the cluster's operator key (Secret `<cluster>-operator-key`,
 * made once by the Cluster reconciler), which the nodes know by its public half; the key is read
 * when needed and never logged.
 */
export class NetworkAgent implements SlotAgent {
  constructor(
    private readonly kube: Kube,
    private readonly options: NetworkAgentOptions,
  ) {}

  async identity(ip: string): Promise<ReceptionIdentity> {
    const answer = await receptionIdentity(this.opsUrl(ip), this.options.timeoutMs);
    // Not synced yet: it has not heard a roster from its LN, so it could not serve in one.
    if (answer.rosterEpoch === undefined) throw new AgentError('NOT_SYNCED', `reception node ${ip} follows no roster yet`);
    return { pubkey: answer.pubkey, endpoint: answer.endpoint };
  }

  async drainState(ip: string): Promise<DrainState> {
    return (await drainState(this.opsUrl(ip), this.options.timeoutMs)).state;
  }

  async requestDrain(cluster: ClusterRef, ip: string, pubkey: string): Promise<DrainState> {
    const issuedAtMs = Date.now();
    const signature = signDrainRequest({ node: fromHex(pubkey), issuedAtMs }, await this.operatorKey(cluster));
    return (await requestDrain(this.opsUrl(ip), issuedAtMs, signature, this.options.timeoutMs)).state;
  }

  async changeRoster(cluster: ClusterRef, remove: readonly string[], add: readonly RosterMemberRef[]): Promise<bigint> {
    const key = await this.operatorKey(cluster);
    const leader = await this.leader(cluster);
    return this.options.changeRoster(leader, key, remove.map(fromHex), add);
  }

  /** The LN leader (the cluster's first logic node) at its Pod's address, and the key RNs know it by. */
  private async leader(cluster: ClusterRef): Promise<{ address: string; pubkey: Uint8Array }> {
    const pod = await this.kube.read<V1Pod>('v1', 'Pod', cluster.namespace, `${cluster.name}-ln-0-0`);
    const ip = pod?.status?.podIP;
    if (ip === undefined) throw new AgentError('NO_LEADER', `the logic node leader of ${cluster.namespace}/${cluster.name} has no address yet`);
    const config = await this.kube.read<V1ConfigMap>('v1', 'ConfigMap', cluster.namespace, clusterNames.config(cluster.name));
    const hex = config?.data?.[LEADER_PUBKEY_KEY];
    if (hex === undefined || !/^0[23][0-9a-fA-F]{64}$/.test(hex)) throw new AgentError('NO_LEADER', `ConfigMap ${cluster.name}-config has no ${LEADER_PUBKEY_KEY}`);
    this.check(ip);
    return { address: `${hostOf(ip)}:${LOGIC_GRPC_PORT}`, pubkey: fromHex(hex) };
  }

  private async operatorKey(cluster: ClusterRef): Promise<Uint8Array> {
    const secret = await this.kube.read<V1Secret>('v1', 'Secret', cluster.namespace, clusterNames.operatorKey(cluster.name));
    const data = secret?.data?.['key.json'];
    if (data === undefined) throw new AgentError('NO_OPERATOR_KEY', `Secret ${cluster.name}-operator-key has no key.json`);
    const hex = Buffer.from(data, 'base64').toString('utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new AgentError('NO_OPERATOR_KEY', `Secret ${cluster.name}-operator-key does not hold a key in hex`);
    return fromHex(hex);
  }

  private check(ip: string): void {
    if (this.options.allowAddress && !this.options.allowAddress(ip)) throw new AgentError('REFUSED_ADDRESS', `${ip} is not an address this agent may call`);
  }

  private opsUrl(ip: string): string {
    this.check(ip);
    return `http://${hostOf(ip)}:${RECEPTION_HTTP_PORT}`;
  }
}

const hostOf = (ip: string) => (ip.includes(':') ? `[${ip}]` : ip);
