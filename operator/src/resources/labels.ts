/** Labels on everything the operator makes, so it can find, own and select them. */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_CLUSTER = 'clusterchain.io/cluster';
export const LABEL_NIC_GBPS = 'clusterchain.io/nic-gbps';
export const MANAGER = 'clusterchain-operator';

/** The owner reference a child carries, so deleting the parent collects it. */
export interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export function ownerReference(owner: Owner): { apiVersion: string; kind: string; name: string; uid: string; controller: boolean; blockOwnerDeletion: boolean } {
  return { ...owner, controller: true, blockOwnerDeletion: true };
}
