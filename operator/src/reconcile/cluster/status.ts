import type { ClusterStatus, Condition } from '../../api/v1alpha1/index.js';
import { setCondition } from '../conditions.js';
import { maxHeight, phaseOf } from '../lifecycle.js';

/** A LogicNode of the cluster as observed: whether the Cluster owns it, and what its status says. */
export interface LogicNodeView {
  name: string;
  owned: boolean;
  deleting: boolean;
  phase?: string;
  height?: string;
}

/** What keeps the cluster from working until someone changes something. */
export interface ClusterProblem {
  reason: 'InvalidSpec' | 'ChainSpaceNotFound' | 'InvalidChainSpace' | 'InvalidKeySecret' | 'ReceptionPoolNotFound';
  message: string;
}

/** What the cluster waits for, which comes by itself. */
export interface ClusterWait {
  reason: 'GenesisNotReady' | 'KeysPending';
  message: string;
}

export interface ClusterStatusInputs {
  /** How many LogicNodes the spec asks for, and those of them that exist. */
  logicNodes: { wanted: number; observed: readonly LogicNodeView[] };
  /** From the ReceptionPool: its ready slots, and the roster epoch it recorded for this cluster. */
  reception?: { members?: number; rosterEpoch?: string };
  /** The ChainSpace's committee size: fewer reception members cannot draw a committee. */
  committeeSize?: number;
  problem?: ClusterProblem;
  waiting?: ClusterWait;
}

/**
 * A Cluster's status from its children (pure; the clock is passed in). Ready when every LogicNode
 * it asks for runs and the reception pool has at least a committee's worth of ready members;
 * the condition's reason says the first thing that is missing.
 */
export function aggregateClusterStatus(generation: number, i: ClusterStatusInputs, prior: { conditions?: Condition[]; phase?: string }, now: Date): ClusterStatus {
  const readyLogicNodes = i.logicNodes.observed.filter((ln) => ln.phase === 'Running').length;
  const members = i.reception?.members;
  const lnReady = readyLogicNodes >= i.logicNodes.wanted;
  const rnReady = members !== undefined && members >= (i.committeeSize ?? 1);
  const blocker = i.problem ?? i.waiting;
  const ready = blocker === undefined && lnReady && rnReady;
  let reason: string;
  let message: string;
  if (blocker) ({ reason, message } = blocker);
  else if (!lnReady) [reason, message] = ['LogicNodesNotReady', `${readyLogicNodes} of ${i.logicNodes.wanted} logic node(s) running`];
  else if (!rnReady) [reason, message] = ['ReceptionNotReady', `${members ?? 0} reception member(s) ready; a committee needs ${i.committeeSize ?? 1}`];
  else [reason, message] = ['ClusterReady', `${readyLogicNodes} logic node(s) running, ${members ?? 0} reception member(s) ready`];
  const conditions = setCondition(prior.conditions, { type: 'Ready', status: ready ? 'True' : 'False', reason, message, observedGeneration: generation }, now);
  const height = maxHeight(i.logicNodes.observed.map((ln) => ln.height));
  return {
    observedGeneration: generation,
    conditions,
    phase: phaseOf(i.problem ? 'problem' : ready ? 'ready' : 'waiting', prior.phase),
    readyLogicNodes,
    ...(members === undefined ? {} : { receptionMembers: members }),
    ...(i.reception?.rosterEpoch === undefined ? {} : { rosterEpoch: i.reception.rosterEpoch }),
    ...(height === undefined ? {} : { height }),
  };
}
