/* eslint-disable @typescript-eslint/no-explicit-any -- an in-memory API server speaks untyped JSON */

export const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
export const apiError = (code: number, message = `HTTP ${code}`) => Object.assign(new Error(message), { code });

/**
 * The storage of the operator tests' fake API servers: objects by kind/namespace/name, with the
 * uid, creationTimestamp and generation the API server fills in (kept across updates), and a
 * fresh resourceVersion on every write. Each test's fake adds the verbs its reconciler uses.
 */
export class FakeObjectStore {
  readonly store = new Map<string, any>();
  private version = 1;

  constructor(private readonly createdAt: string) {}

  protected id(kind: string, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
  }

  get(kind: string, namespace: string, name: string): any {
    return this.store.get(this.id(kind, namespace, name));
  }

  /** Stores `obj` (taken as is) and returns a copy, as the API server answers a write. */
  put(obj: any): any {
    const m = obj.metadata;
    const old = this.get(obj.kind, m.namespace, m.name);
    m.uid ??= old?.metadata.uid ?? `${obj.kind}-${m.name}-uid`;
    m.creationTimestamp ??= old?.metadata.creationTimestamp ?? this.createdAt;
    m.generation ??= old?.metadata.generation ?? 1;
    m.resourceVersion = String(this.version++);
    this.store.set(this.id(obj.kind, m.namespace, m.name), obj);
    return clone(obj);
  }

  remove(kind: string, namespace: string, name: string): void {
    this.store.delete(this.id(kind, namespace, name));
  }

  ofKind(kind: string): any[] {
    return [...this.store.values()].filter((o) => o.kind === kind);
  }
}
