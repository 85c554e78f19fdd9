import type { KubernetesObject, V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { generatePrivateKey } from '../../../../services/protocol/src/keys.js';
import { API_VERSION, clusterSpec } from '../../api/v1alpha1/index.js';
import { GENESIS_KEY, genesisConfigMapName } from '../../resources/chainSpaceObjects.js';
import { KEY_COMPONENT, clusterNameProblem, clusterNames, keySecret } from '../../resources/clusterObjects.js';
import { publicKeyOfSecretData } from '../../resources/keys.js';
import { LABEL_CLUSTER, LABEL_COMPONENT, MANAGER } from '../../resources/labels.js';
import type { CustomObject, Kube } from '../../runtime/kube.js';
import { ReconcileError, ReconcileErrorCode, executeActions, httpCodeOf, isDeleting, isOwnedBy, listCustom, writeStatusIfChanged, resourceMeta } from '../executor.js';
import type { ObservedChild } from '../lifecycle.js';
import { planCluster, type ClusterAction, type ClusterResource, type ObservedCluster } from './plan.js';
import type { LogicNodeView } from './status.js';

export interface ClusterReconcilerConfig {
  now: () => Date;
  /** Where new secret keys come from (services/protocol generatePrivateKey unless a test passes its own). */
  generateKey?: () => Uint8Array;
}

/**
 * One reconcile of a Cluster (thin shell): read it and what it depends on, plan, carry out the
 * plan, write the status if it changed. When the plan creates key Secrets, they are made first
 * and everything is read and planned again, so the ConfigMap publishes the public keys of the
 * Secrets as stored, whoever created them; after teardown deletes, it is read and planned again
 * too, so the finalizer goes in the same run once nothing is left. No key material is logged or
 * put in an error.
 */
export async function reconcileCluster(kube: Kube, namespace: string, name: string, config: ClusterReconcilerConfig): Promise<void> {
  const read = await kube.readCustom('clusters', namespace, name);
  if (read === null) return; // gone: nothing of ours holds it any more
  let current: CustomObject = read;
  const generateKey = config.generateKey ?? generatePrivateKey;
  const createKey = (a: Extract<ClusterAction, { type: 'createKeySecret' }>) => createKeySecret(kube, current, a.name, generateKey);

  let plan = planCluster(resourceOf(current), await observeCluster(kube, current), config.now());
  if (plan.actions.some((a) => a.type === 'createKeySecret')) {
    current = await executeActions(kube, current, plan.actions.filter((a) => a.type === 'addFinalizer' || a.type === 'createKeySecret'), createKey);
    plan = planCluster(resourceOf(current), await observeCluster(kube, current), config.now());
  }
  current = await executeActions(kube, current, plan.actions, createKey);
  if (plan.actions.some((a) => a.type === 'delete' && a.reason === 'Teardown')) {
    // Children without finalizers are gone now, and no event of theirs would wake us: see at once
    // whether the finalizer can go. LogicNodes deleted in the foreground wake us when they vanish.
    plan = planCluster(resourceOf(current), await observeCluster(kube, current), config.now());
    current = await executeActions(kube, current, plan.actions, createKey);
  }
  if (plan.status !== null) await writeStatusIfChanged(kube, 'clusters', current, plan.status);
}

function resourceOf(obj: CustomObject): ClusterResource {
  return resourceMeta(obj);
}

/**
 * What the Cluster planner needs: the ChainSpace and its genesis, the key Secrets (as public keys
 * only), the LogicNodes that name the Cluster or that it owns, its ReceptionPool, and during a
 * teardown the other children it may own.
 */
async function observeCluster(kube: Kube, cluster: CustomObject): Promise<ObservedCluster> {
  const { name, namespace, uid } = resourceOf(cluster);
  const spec = clusterSpec.safeParse(cluster.spec);
  const deleting = isDeleting(cluster);

  const logicNodes: LogicNodeView[] = (await listCustom(kube, 'logicnodes', namespace))
    .filter((ln) => isOwnedBy(ln, uid) || (ln.spec as { cluster?: unknown } | undefined)?.cluster === name)
    .map((ln) => {
      const s = (ln.status ?? {}) as { phase?: unknown; height?: unknown };
      return {
        name: ln.metadata?.name as string,
        owned: isOwnedBy(ln, uid),
        deleting: isDeleting(ln),
        ...(typeof s.phase === 'string' ? { phase: s.phase } : {}),
        ...(typeof s.height === 'string' ? { height: s.height } : {}),
      };
    });

  // Ours carry the labels; a Secret a person provided under a wanted name is found by name.
  const selector = `${LABEL_CLUSTER}=${name},${LABEL_COMPONENT}=${KEY_COMPONENT}`;
  const secrets = new Map<string, V1Secret>();
  const nameUsable = clusterNameProblem(name) === null; // else it is no label value, and nothing was made under it
  if (nameUsable) for (const s of (await kube.objects.list<V1Secret>('v1', 'Secret', namespace, undefined, undefined, undefined, undefined, selector)).items) secrets.set(s.metadata?.name as string, s);
  if (spec.success && nameUsable && !deleting) {
    const wanted = [...Array.from({ length: spec.data.logicNodes }, (_, i) => clusterNames.keySecret(clusterNames.logicNode(name, i))), clusterNames.operatorKey(name)];
    for (const w of wanted) {
      if (secrets.has(w)) continue;
      const s = await kube.read<V1Secret>('v1', 'Secret', namespace, w);
      if (s !== null) secrets.set(w, s);
    }
  }
  const keySecrets = [...secrets.values()].map((s) => ({ name: s.metadata?.name as string, publicKey: publicKeyOfSecretData(s.data), owned: isOwnedBy(s, uid), deleting: isDeleting(s) }));

  const nothingElse = { chainSpace: null, chainGenesis: null, keySecrets, logicNodes, receptionPool: null };
  if (deleting) return { ...nothingElse, children: await otherChildren(kube, name, namespace, uid) };
  if (!spec.success) return { ...nothingElse, children: [] };

  const chainSpace = await kube.readCustom('chainspaces', namespace, spec.data.chainSpace);
  const genesis = chainSpace === null ? null : await kube.read<V1ConfigMap>('v1', 'ConfigMap', namespace, genesisConfigMapName(spec.data.chainSpace));
  const pool = await kube.readCustom('receptionpools', namespace, spec.data.receptionPool);
  return {
    chainSpace: chainSpace === null ? null : { spec: chainSpace.spec },
    chainGenesis: genesis?.data?.[GENESIS_KEY] ?? null,
    keySecrets,
    logicNodes,
    receptionPool: pool === null ? null : { status: pool.status },
    children: [],
  };
}

/** The Cluster's ConfigMap, Service, Lease and disruption budget as found, for the teardown. */
async function otherChildren(kube: Kube, cluster: string, namespace: string, uid: string): Promise<ObservedChild[]> {
  const children: ObservedChild[] = [];
  for (const [apiVersion, kind, name] of [
    ['v1', 'ConfigMap', clusterNames.config(cluster)],
    ['v1', 'Service', clusterNames.receptionService(cluster)],
    ['coordination.k8s.io/v1', 'Lease', clusterNames.leaderLease(cluster)],
    ['policy/v1', 'PodDisruptionBudget', clusterNames.logicNodesBudget(cluster)],
  ] as const) {
    const o = await kube.read<KubernetesObject>(apiVersion, kind, namespace, name);
    if (o !== null) children.push({ apiVersion, kind, name, owned: isOwnedBy(o, uid), deleting: isDeleting(o) });
  }
  return children;
}

/**
 * Generates a key and creates its Secret, owned by the Cluster. Create, never apply: an existing
 * Secret is never touched, and AlreadyExists (someone made it first) is fine, theirs stands. The
 * error on failure names the Secret and the HTTP code only: the client's error carries the
 * exchange, which is kept out of logs.
 */
async function createKeySecret(kube: Kube, cluster: CustomObject, name: string, generateKey: () => Uint8Array): Promise<void> {
  const { name: clusterName, namespace, uid } = resourceOf(cluster);
  const secret = keySecret({ name, namespace, cluster: clusterName, owner: { apiVersion: API_VERSION, kind: 'Cluster', name: clusterName, uid } }, generateKey());
  try {
    await kube.objects.create(secret, undefined, undefined, MANAGER);
  } catch (err) {
    const code = httpCodeOf(err);
    if (code === 409) return;
    throw new ReconcileError(ReconcileErrorCode.keySecretCreateFailed, `creating key Secret ${namespace}/${name} failed (HTTP ${code ?? 'no answer'})`, { meta: { secret: name } });
  }
}
