import type { CustomObject, Kube } from '../runtime/kube.js';

/**
 * Writes a status unless it equals the one stored: our own write would otherwise wake our own
 * informer and the object would be reconciled forever.
 */
export async function writeStatusIfChanged(kube: Kube, plural: string, obj: CustomObject, status: object): Promise<void> {
  if (canonical(obj.status ?? {}) === canonical(status)) return;
  await kube.writeStatus(plural, obj, status as Record<string, unknown>);
}

/** JSON with object keys sorted: the API server does not keep our key order. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));
}
