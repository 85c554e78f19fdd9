import type { ChainSpaceStatus, Condition } from '../../api/v1alpha1/index.js';
import { setCondition } from '../conditions.js';
import { maxHeight, phaseOf } from '../lifecycle.js';

/** A Cluster that names the ChainSpace, as its status shows it. */
export interface ClusterView {
  name: string;
  phase?: string;
  height?: string;
}

export interface ChainSpaceProblem {
  reason: 'InvalidSpec' | 'GenesisSourceNotFound' | 'InvalidGenesis';
  message: string;
}

/**
 * A ChainSpace's status from its Clusters (pure; the clock is passed in): how many name it, how
 * many are Ready, the highest head any reports. Ready when its genesis is written and at least
 * `main` Clusters (those that produce blocks in turn) are Ready.
 */
export function aggregateChainSpaceStatus(
  generation: number,
  observed: { clusters: readonly ClusterView[]; main: number; problem?: ChainSpaceProblem },
  prior: { conditions?: Condition[]; phase?: string },
  now: Date,
): ChainSpaceStatus {
  const { clusters, main, problem } = observed;
  const readyClusters = clusters.filter((c) => c.phase === 'Ready').length;
  const ready = problem === undefined && readyClusters >= main;
  const reason = problem?.reason ?? (ready ? 'ClustersReady' : clusters.length === 0 ? 'NoClusters' : 'ClustersNotReady');
  const message = problem?.message ?? (clusters.length === 0 ? 'no Cluster names this ChainSpace yet' : `${readyClusters} of ${clusters.length} Cluster(s) ready; ${main} must be to produce blocks`);
  const conditions = setCondition(prior.conditions, { type: 'Ready', status: ready ? 'True' : 'False', reason, message, observedGeneration: generation }, now);
  const height = maxHeight(clusters.map((c) => c.height));
  return {
    observedGeneration: generation,
    conditions,
    phase: phaseOf(problem ? 'problem' : ready ? 'ready' : 'waiting', prior.phase),
    clusters: clusters.length,
    readyClusters,
    ...(height === undefined ? {} : { height }),
  };
}
