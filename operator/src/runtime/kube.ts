import { CustomObjectsApi, KubeConfig, KubernetesObjectApi, PatchStrategy, makeInformer, type Informer, type KubernetesObject, type ListPromise, type ObjectCache } from '@kubernetes/client-node';
import { GROUP, VERSION } from '../api/v1alpha1/index.js';
import { MANAGER } from '../resources/labels.js';

/** An object of ours as read from the API server: spec and status still unchecked JSON. */
export interface CustomObject extends KubernetesObject {
  spec?: unknown;
  status?: Record<string, unknown>;
}

function isNotFound(err: unknown): boolean {
  return (err as { code?: number }).code === 404;
}

/**
 * The operator's few verbs against the API server, so reconcilers read as intent: server-side
 * apply under one field manager (we own exactly the fields we set, and conflicts with other
 * managers are forced only for those), read-or-null, and the status subresource of our kinds.
 */
export class Kube {
  readonly objects: KubernetesObjectApi;
  readonly custom: CustomObjectsApi;

  constructor(readonly config: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(config);
    this.custom = config.makeApiClient(CustomObjectsApi);
  }

  static fromFile(path: string): Kube {
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    return new Kube(kc);
  }

  apply<T extends KubernetesObject>(obj: T): Promise<T> {
    return this.objects.patch(obj, undefined, undefined, MANAGER, true, PatchStrategy.ServerSideApply);
  }

  /** A JSON merge patch (labels, annotations, one spec field): for changes to objects we do not wholly own by apply, or whose immutable fields apply would restate. */
  mergePatch<T extends KubernetesObject>(obj: T): Promise<T> {
    return this.objects.patch(obj, undefined, undefined, MANAGER, undefined, PatchStrategy.MergePatch);
  }

  /** Creates `obj`; one that exists already is left as it is (a Secret with a key must never be regenerated). */
  async createIfAbsent<T extends KubernetesObject>(obj: T): Promise<boolean> {
    try {
      await this.objects.create(obj, undefined, undefined, MANAGER);
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 409) return false;
      throw err;
    }
  }

  /** Deletes an object (its dependents in the background unless told otherwise); one already gone is fine. */
  async delete(apiVersion: string, kind: string, namespace: string, name: string, propagation?: 'Background' | 'Foreground'): Promise<void> {
    try {
      await this.objects.delete({ apiVersion, kind, metadata: { name, namespace } }, undefined, undefined, undefined, undefined, propagation);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** The objects of a kind in a namespace that match a label selector, read from the API server (not a cache). */
  async list<T extends KubernetesObject>(apiVersion: string, kind: string, namespace: string, labelSelector: string): Promise<T[]> {
    const out: T[] = [];
    let continueToken: string | undefined;
    do {
      const page = await this.objects.list<T>(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, labelSelector, 500, continueToken);
      out.push(...page.items);
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken !== undefined);
    return out;
  }

  async read<T extends KubernetesObject>(apiVersion: string, kind: string, namespace: string, name: string): Promise<T | null> {
    try {
      return (await this.objects.read({ apiVersion, kind, metadata: { name, namespace } })) as T;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async readCustom(plural: string, namespace: string, name: string): Promise<CustomObject | null> {
    try {
      return (await this.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name })) as CustomObject;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Writes the status subresource of an object read just before (its resourceVersion guards a lost update: a conflict is retried by the queue). */
  async writeStatus(plural: string, obj: CustomObject, status: Record<string, unknown>): Promise<void> {
    await this.custom.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      namespace: obj.metadata?.namespace as string,
      plural,
      name: obj.metadata?.name as string,
      body: { ...obj, status },
    });
  }

  /** A cluster-wide informer on one of our kinds (see `watch`). */
  informer(plural: string, onError: (err: unknown, retryInMs: number) => void): Informer<CustomObject> & ObjectCache<CustomObject> {
    const list = () => this.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural }) as Promise<{ apiVersion: string; kind: string; metadata: Record<string, string>; items: CustomObject[] }>;
    return this.watch<CustomObject>(`/apis/${GROUP}/${VERSION}/${plural}`, list as never, undefined, onError);
  }

  /**
   * An informer whose watch restarts itself after a failure, with a pause that doubles up to
   * 30 s and resets once it connects: it must outlive API server restarts and dropped watches.
   */
  watch<T extends KubernetesObject>(path: string, list: ListPromise<T>, labelSelector: string | undefined, onError: (err: unknown, retryInMs: number) => void): Informer<T> & ObjectCache<T> {
    const informer = makeInformer<T>(this.config, path, list, labelSelector);
    let pauseMs = 500;
    informer.on('connect', () => (pauseMs = 500));
    informer.on('error', (err: unknown) => {
      onError(err, pauseMs);
      const t = setTimeout(() => void informer.start().catch(() => undefined), pauseMs);
      t.unref();
      pauseMs = Math.min(30_000, pauseMs * 2);
    });
    return informer;
  }
}
