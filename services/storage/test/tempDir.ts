import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageBackend } from '../src/options.js';

/** Both backends, for describe.each: every behaviour must hold on each. */
export const backends: StorageBackend[] = ['rocksdb', 'classic-level'];

export function makeTempDir(prefix = 'clusterchain-storage-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

export const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Collect an async iterable of entries into an array. */
export async function collect(it: AsyncIterable<[Uint8Array, Uint8Array]>): Promise<[Uint8Array, Uint8Array][]> {
  const out: [Uint8Array, Uint8Array][] = [];
  for await (const entry of it) out.push(entry);
  return out;
}
