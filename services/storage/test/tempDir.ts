import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseController } from '../src/databaseController.js';
import { LevelDatabaseController } from '../src/levelController.js';
import type { DatabaseOptions, StorageBackend } from '../src/options.js';
import { WorkerDatabaseController } from '../src/workerDatabase.js';

/** Both backends, for describe.each: every behaviour must hold on each. */
export const backends: StorageBackend[] = ['rocksdb', 'classic-level'];

/** Each controller on each backend: the one on the caller's thread and the one on a storage thread. */
export const controllers = (['same thread', 'storage thread'] as const).flatMap((where) => backends.map((backend) => [where, backend] as const));
export type ControllerKind = (typeof controllers)[number][0];

export function openController(where: ControllerKind, options: Partial<DatabaseOptions> & { path: string }): Promise<DatabaseController> {
  return where === 'same thread' ? LevelDatabaseController.create(options) : WorkerDatabaseController.create(options);
}

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
