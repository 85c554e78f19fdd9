import type { V1ConfigMap } from '@kubernetes/client-node';
import { chainSpaceSpec } from '../../api/v1alpha1/index.js';
import { genesisConfigMapName } from '../../resources/chainSpaceObjects.js';
import type { CustomObject, Kube } from '../../runtime/kube.js';
import { creationTimeMs, executeActions, isDeleting, isOwnedBy, listCustom, writeStatusIfChanged, resourceMeta } from '../executor.js';
import type { ObservedChild } from '../lifecycle.js';
import { planChainSpace, type ChainSpaceResource, type ObservedChainSpace } from './plan.js';
import type { ClusterView } from './status.js';

export interface ChainSpaceReconcilerConfig {
  now: () => Date;
}

/**
 * One reconcile of a ChainSpace (thin shell): read it, its `genesisFrom` ConfigMap and the
 * Clusters that name it; plan; carry out the plan (after a teardown delete, read and plan once
 * more, so the finalizer goes in the same run); write the status if it changed.
 */
export async function reconcileChainSpace(kube: Kube, namespace: string, name: string, config: ChainSpaceReconcilerConfig): Promise<void> {
  const cs = await kube.readCustom('chainspaces', namespace, name);
  if (cs === null) return; // gone: nothing of ours holds it any more
  let plan = planChainSpace(resourceOf(cs), await observeChainSpace(kube, cs), config.now());
  let current = await executeActions(kube, cs, plan.actions, none);
  if (plan.actions.some((a) => a.type === 'delete')) {
    // The genesis ConfigMap is gone now, and no event of its would wake us: let the finalizer go at once.
    plan = planChainSpace(resourceOf(current), await observeChainSpace(kube, current), config.now());
    current = await executeActions(kube, current, plan.actions, none);
  }
  if (plan.status !== null) await writeStatusIfChanged(kube, 'chainspaces', current, plan.status);
}

const none = async (): Promise<void> => undefined;

function resourceOf(obj: CustomObject): ChainSpaceResource {
  return { ...resourceMeta(obj), creationTimestampMs: creationTimeMs(obj) };
}

async function observeChainSpace(kube: Kube, cs: CustomObject): Promise<ObservedChainSpace> {
  const { name, namespace, uid, deleting } = resourceOf(cs);
  const clusters: ClusterView[] = (await listCustom(kube, 'clusters', namespace))
    .filter((c) => (c.spec as { chainSpace?: unknown } | undefined)?.chainSpace === name)
    .map((c) => {
      const s = (c.status ?? {}) as { phase?: unknown; height?: unknown };
      return { name: c.metadata?.name as string, ...(typeof s.phase === 'string' ? { phase: s.phase } : {}), ...(typeof s.height === 'string' ? { height: s.height } : {}) };
    });

  if (deleting) {
    const own = await kube.read<V1ConfigMap>('v1', 'ConfigMap', namespace, genesisConfigMapName(name));
    const children: ObservedChild[] = own === null ? [] : [{ apiVersion: 'v1', kind: 'ConfigMap', name: genesisConfigMapName(name), owned: isOwnedBy(own, uid), deleting: isDeleting(own) }];
    return { clusters, children };
  }

  const from = chainSpaceSpec.safeParse(cs.spec).data?.genesis.genesisFrom;
  if (from === undefined) return { clusters, children: [] };
  const source = await kube.read<V1ConfigMap>('v1', 'ConfigMap', namespace, from.configMapName);
  return { clusters, children: [], genesisSource: source?.data?.[from.key] ?? null };
}
