import { API_VERSION, chainSpaceSpec, chainSpaceStatus, type ChainSpaceStatus } from '../../api/v1alpha1/index.js';
import { chainSpaceNameProblem, genesisConfigMap } from '../../resources/chainSpaceObjects.js';
import { TEARDOWN_FINALIZER } from '../../resources/finalizers.js';
import { deletingStatus, planTeardown, type ChildAction, type ObservedChild } from '../lifecycle.js';
import { composeGenesis } from './genesis.js';
import { aggregateChainSpaceStatus, type ChainSpaceProblem, type ClusterView } from './status.js';

/** The ChainSpace as read: its spec and status still unchecked JSON. */
export interface ChainSpaceResource {
  name: string;
  namespace: string;
  uid: string;
  generation: number;
  /** metadata.creationTimestamp in ms: the genesis time when the spec sets none. */
  creationTimestampMs: number | null;
  deleting: boolean;
  finalizers: readonly string[];
  spec: unknown;
  status: unknown;
}

export interface ObservedChainSpace {
  /** The `genesisFrom` ConfigMap key's text; null when the ConfigMap or the key is missing; undefined without genesisFrom. */
  genesisSource?: string | null;
  /** The Clusters whose spec.chainSpace names it. */
  clusters: readonly ClusterView[];
  /** Its own children as found (the `<cs>-genesis` ConfigMap): read for the teardown only. */
  children: readonly ObservedChild[];
}

export interface ChainSpacePlan {
  actions: ChildAction[];
  /** The status to write; null once the finalizer goes, as the resource goes with it. */
  status: ChainSpaceStatus | null;
}

/**
 * One reconcile of a ChainSpace (pure: the executor applies the actions in order, then writes the
 * status if it changed). The finalizer first; then the `<cs>-genesis` ConfigMap its Clusters
 * copy. A genesis that is invalid or whose source is missing is not written, and the one already
 * there (if any) stays: the Clusters keep what they had.
 */
export function planChainSpace(cs: ChainSpaceResource, observed: ObservedChainSpace, now: Date): ChainSpacePlan {
  const parsedPrior = chainSpaceStatus.safeParse(cs.status ?? {});
  const prior = parsedPrior.success ? parsedPrior.data : {};
  if (cs.deleting) return teardown(cs, observed, prior, now);

  const actions: ChildAction[] = cs.finalizers.includes(TEARDOWN_FINALIZER) ? [] : [{ type: 'addFinalizer' }];
  const status = (main: number, problem?: ChainSpaceProblem) => aggregateChainSpaceStatus(cs.generation, { clusters: observed.clusters, main, ...(problem ? { problem } : {}) }, prior, now);

  const spec = chainSpaceSpec.safeParse(cs.spec);
  if (!spec.success) return { actions, status: status(1, { reason: 'InvalidSpec', message: spec.error.issues[0]?.message ?? 'invalid' }) };
  const invalidName = chainSpaceNameProblem(cs.name);
  if (invalidName !== null) return { actions, status: status(spec.data.clusters.main, { reason: 'InvalidSpec', message: invalidName }) };
  const composed = composeGenesis(spec.data, cs.creationTimestampMs, observed.genesisSource);
  if ('problem' in composed) return { actions, status: status(spec.data.clusters.main, composed.problem) };
  const owner = { apiVersion: API_VERSION, kind: 'ChainSpace', name: cs.name, uid: cs.uid };
  actions.push({ type: 'apply', object: genesisConfigMap({ chainSpace: cs.name, namespace: cs.namespace, owner, genesis: composed.genesis }) });
  return { actions, status: status(spec.data.clusters.main) };
}

/**
 * What the finalizer guarantees for a ChainSpace: once it is gone, so is its `<cs>-genesis`
 * ConfigMap. Owner-reference GC would delete the ConfigMap too, but later and in the background,
 * and a ChainSpace re-created meanwhile under the same name (another chainId, other allocations)
 * could have its Clusters copy the old genesis. Clusters are not its children (people make them)
 * and are left running on the genesis they copied; they report ChainSpaceNotFound.
 */
function teardown(cs: ChainSpaceResource, observed: ObservedChainSpace, prior: ChainSpaceStatus, now: Date): ChainSpacePlan {
  if (!cs.finalizers.includes(TEARDOWN_FINALIZER)) return { actions: [], status: null }; // not ours to hold up
  const { actions, remaining } = planTeardown(observed.children, () => false);
  return { actions, status: remaining === 0 ? null : deletingStatus(prior, cs.generation, remaining, now) };
}
