import type { V1Node, V1Pod } from '@kubernetes/client-node';
import {
  ANNOTATION_DRAIN_REQUESTED,
  ANNOTATION_DRAINED,
  ANNOTATION_ENDPOINT,
  ANNOTATION_PUBKEY,
  ANNOTATION_ROSTER_EPOCH,
  LABEL_ROLE,
  LABEL_SLOT,
} from '../../resources/receptionPodObjects.js';
import { LABEL_CLUSTER } from '../../resources/labels.js';
import { MARKET_TAINT, marketNodeOf, type MarketNode } from './market.js';
import { creationTimeMs } from '../executor.js';
import type { SlotPod } from './plan.js';

/** A slot Pod with what the executor needs beyond the plan: where to reach it and what it told. */
export interface ObservedSlotPod extends SlotPod {
  ip: string | undefined;
  pubkey: string | undefined;
  endpoint: string | undefined;
  drainRequestedAtMs: number | undefined;
}

const PUBKEY_HEX = /^0[23][0-9a-f]{64}$/;

/**
 * Reads a Pod of the pool; null for one that is not a slot Pod (labels missing or garbled: the
 * operator never made it, so it neither counts nor gets deleted by the plan).
 */
export function slotPodOf(pod: V1Pod): ObservedSlotPod | null {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  const slotLabel = labels[LABEL_SLOT] ?? '';
  const role = labels[LABEL_ROLE];
  const cluster = labels[LABEL_CLUSTER] ?? '';
  const name = pod.metadata?.name;
  const node = podNode(pod);
  if (!/^[0-9]{1,5}$/.test(slotLabel) || (role !== 'active' && role !== 'successor') || cluster === '' || name === undefined || node === undefined) return null;
  const pubkey = annotations[ANNOTATION_PUBKEY];
  const requested = Date.parse(annotations[ANNOTATION_DRAIN_REQUESTED] ?? '');
  const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  return {
    name,
    slot: Number(slotLabel),
    cluster,
    node,
    role,
    ready,
    drainRequested: !Number.isNaN(requested),
    drained: annotations[ANNOTATION_DRAINED] === 'true' || annotations[ANNOTATION_DRAINED] === 'forced',
    deleting: pod.metadata?.deletionTimestamp !== undefined,
    inRoster: /^[0-9]+$/.test(annotations[ANNOTATION_ROSTER_EPOCH] ?? ''),
    identified: pubkey !== undefined && PUBKEY_HEX.test(pubkey),
    createdMs: creationTimeMs(pod) ?? 0,
    ip: pod.status?.podIP,
    pubkey: pubkey !== undefined && PUBKEY_HEX.test(pubkey) ? pubkey : undefined,
    endpoint: annotations[ANNOTATION_ENDPOINT],
    drainRequestedAtMs: Number.isNaN(requested) ? undefined : requested,
  };
}

/** The Node a slot Pod is bound to, or the one its affinity pins it to while it is still pending. */
function podNode(pod: V1Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms[0]?.matchFields?.find((f) => f.key === 'metadata.name')?.values?.[0];
}

/** A Kubernetes Node as a market offer (DESIGN §8), or null when it is not one. */
export function marketNodeOfNode(node: V1Node): MarketNode | null {
  const name = node.metadata?.name;
  if (name === undefined) return null;
  return marketNodeOf({
    name,
    labels: node.metadata?.labels ?? {},
    annotations: node.metadata?.annotations ?? {},
    tainted: node.spec?.taints?.some((t) => t.key === MARKET_TAINT && t.value === 'true' && t.effect === 'NoSchedule') ?? false,
    ready: (node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false) && node.spec?.unschedulable !== true,
    // A Node fresh from the market carries node.kubernetes.io/not-ready for a few seconds after
    // it turns Ready: choosing it then would leave the Pod in the scheduler's backoff.
    schedulable: !(node.spec?.taints ?? []).some((t) => t.key !== MARKET_TAINT && (t.effect === 'NoSchedule' || t.effect === 'NoExecute')),
  });
}

/** What makes a Node matter to the pools: a change in anything else (heartbeats) wakes nobody. */
export function marketFingerprint(node: V1Node): string {
  const m = marketNodeOfNode(node);
  return m === null ? '' : `${m.reputation}|${m.cores}|${m.memoryMiB}|${m.bandwidthMbps}|${m.windowEndMs}|${m.ready}|${m.schedulable}`;
}
