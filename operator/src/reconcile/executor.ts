import type { KubernetesObject } from '@kubernetes/client-node';
import { CodedError } from '../../../services/protocol/src/errors.js';
import { GROUP, VERSION } from '../api/v1alpha1/index.js';
import { TEARDOWN_FINALIZER, finalizerPatch } from '../resources/finalizers.js';
import type { CustomObject, Kube } from '../runtime/kube.js';
import type { ChildAction } from './lifecycle.js';

/**
 * The shell's half of plan-then-apply for the Cluster and ChainSpace reconcilers: reads the API
 * server answers as the planners expect them, and carries out their actions in order.
 */

export const ReconcileErrorCode = {
  /** A key Secret could not be created (other than because it already exists). */
  keySecretCreateFailed: 'KEY_SECRET_CREATE_FAILED',
} as const;
export type ReconcileErrorCode = (typeof ReconcileErrorCode)[keyof typeof ReconcileErrorCode];
export class ReconcileError extends CodedError<ReconcileErrorCode> {}

export function httpCodeOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Whether `obj` has an owner reference to the object with this uid. */
export function isOwnedBy(obj: KubernetesObject, uid: string): boolean {
  return (obj.metadata?.ownerReferences ?? []).some((r) => r.uid === uid);
}

export function isDeleting(obj: KubernetesObject): boolean {
  return obj.metadata?.deletionTimestamp !== undefined && obj.metadata.deletionTimestamp !== null;
}

/** metadata.creationTimestamp in ms: a string in custom objects read as JSON, a Date in typed ones. */
export function creationTimeMs(obj: KubernetesObject): number | null {
  const t = obj.metadata?.creationTimestamp as unknown;
  const ms = t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? ms : null;
}

/** The items of a namespaced list of one of our kinds. */
export async function listCustom(kube: Kube, plural: string, namespace: string): Promise<CustomObject[]> {
  const list = (await kube.custom.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural })) as { items?: CustomObject[] };
  return list.items ?? [];
}

function isChildAction(a: { type: string }): a is ChildAction {
  return a.type === 'addFinalizer' || a.type === 'removeFinalizer' || a.type === 'apply' || a.type === 'delete';
}

/**
 * Carries out the actions in order on behalf of `obj` (the Cluster or ChainSpace read at the
 * start), handing those that are not ChildActions to `other`. Returns the resource as it stands
 * after a finalizer change (its resourceVersion moved), for the status write that follows. A
 * failure stops the run: the queue retries it, and the next plan starts from what was done.
 */
export async function executeActions<A extends { type: string }>(kube: Kube, obj: CustomObject, actions: readonly (ChildAction | A)[], other: (a: A) => Promise<void>): Promise<CustomObject> {
  let current = obj;
  const namespace = obj.metadata?.namespace as string;
  for (const a of actions) {
    if (!isChildAction(a)) {
      await other(a as A);
      continue;
    }
    switch (a.type) {
      case 'addFinalizer':
      case 'removeFinalizer':
        current = await setFinalizer(kube, current, a.type === 'addFinalizer');
        break;
      case 'apply':
        await kube.apply(a.object);
        break;
      case 'delete':
        await kube.delete(a.target.apiVersion, a.target.kind, namespace, a.target.name, a.propagation);
        break;
    }
  }
  return current;
}

/**
 * Adds or removes our finalizer with a JSON merge patch guarded by the resourceVersion we read
 * (finalizerPatch says why not an apply here). Every reconciler of ours uses this one.
 */
export async function setFinalizer(kube: Kube, obj: CustomObject, present: boolean): Promise<CustomObject> {
  const m = obj.metadata ?? {};
  const patch = finalizerPatch(
    { apiVersion: obj.apiVersion as string, kind: obj.kind as string, name: m.name as string, namespace: m.namespace as string, resourceVersion: m.resourceVersion as string, finalizers: m.finalizers ?? [] },
    TEARDOWN_FINALIZER,
    present,
  );
  return kube.mergePatch<CustomObject>(patch);
}

/** What the Cluster and ChainSpace planners read of their own resource, beside its spec and status. */
export function resourceMeta(obj: CustomObject): { name: string; namespace: string; uid: string; generation: number; deleting: boolean; finalizers: readonly string[]; spec: unknown; status: unknown } {
  const m = obj.metadata ?? {};
  return {
    name: m.name as string,
    namespace: m.namespace as string,
    uid: m.uid as string,
    generation: m.generation ?? 0,
    deleting: isDeleting(obj),
    finalizers: m.finalizers ?? [],
    spec: obj.spec,
    status: obj.status,
  };
}

export { writeStatusIfChanged } from './writeStatus.js';
