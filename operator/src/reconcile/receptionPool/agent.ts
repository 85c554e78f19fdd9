/**
 * What the ReceptionPool reconciler needs from the chain's own nodes, beyond the Kubernetes API
 * (DESIGN §11): a reception node's identity and drain endpoints, and the cluster leader's roster
 * change. An interface, so the reconciler reads as the handoff protocol and the network details
 * (operator/src/agents) stay in one place.
 */
export interface ReceptionIdentity {
  /** The RN's public key, compressed, lowercase hex. */
  pubkey: string;
  /** Where committees reach it (host:port). */
  endpoint: string;
}

export type DrainState = 'serving' | 'draining' | 'drained';

export interface RosterMemberRef {
  pubkey: string;
  endpoint: string;
}

export interface SlotAgent {
  /** Asks the RN at `ip` who it is. */
  identity(ip: string): Promise<ReceptionIdentity>;
  /** Asks the RN at `ip` (whose key is `pubkey`) to drain: it stops taking transactions and hands what it buffered to the LN. */
  requestDrain(cluster: ClusterRef, ip: string, pubkey: string): Promise<DrainState>;
  drainState(ip: string): Promise<DrainState>;
  /** Asks the cluster's LN leader for one new roster epoch without `remove` and with `add`; resolves to the epoch now current. */
  changeRoster(cluster: ClusterRef, remove: readonly string[], add: readonly RosterMemberRef[]): Promise<bigint>;
}

export interface ClusterRef {
  namespace: string;
  name: string;
}
