import { createRequire } from 'node:module';
import type { DatabaseOptions, StorageBackend } from './options.js';

/**
 * The slice of abstract-level we use, typed structurally so that one controller drives both
 * backends although they sit on different majors: @nxtedition/rocksdb 12 on abstract-level 1.x
 * (callbacks or promises; `get` throws LEVEL_NOT_FOUND), classic-level 3 on abstract-level 3.x
 * (promises only; `get` resolves undefined). Everything below behaves the same on both.
 */
export interface LevelChainedBatch {
  put(key: Uint8Array, value: Uint8Array): unknown;
  del(key: Uint8Array): unknown;
  write(options: { sync: boolean }): Promise<void>;
  close(): Promise<void>;
}

export interface LevelIterator {
  nextv(size: number): Promise<[Uint8Array, Uint8Array][]>;
  close(): Promise<void>;
}

export interface LevelBackend {
  open(options: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
  /** Missing keys come back `undefined` on both majors (unlike `get`). */
  getMany(keys: Uint8Array[]): Promise<(Uint8Array | null | undefined)[]>;
  /**
   * The chained form, on purpose. Measured with 200,000 puts: classic-level's array form is ~5×
   * slower than its chained form (~1.7–2.7 s vs ~0.3–0.5 s); on rocksdb the two are within noise.
   * @nxtedition/rocksdb ignores `sync` in `put`/`del`, so single writes go through a batch too.
   */
  batch(): LevelChainedBatch;
  iterator(options: { gte: Uint8Array; lt?: Uint8Array; limit?: number }): LevelIterator;
}

type LevelConstructor = new (
  location: string,
  options: { keyEncoding: string; valueEncoding: string },
) => LevelBackend;

/**
 * RocksDB's level-compaction recipe in @nxtedition/rocksdb sizes each memtable at a quarter of
 * this budget, so four write buffers make the memtable our `writeBufferSizeBytes`.
 */
const ROCKSDB_MEMTABLES_PER_BUDGET = 4;

/** What each backend wants at open, from our options. */
function openOptions(options: DatabaseOptions): Record<string, unknown> {
  const common = {
    createIfMissing: options.createIfMissing,
    errorIfExists: false,
    cacheSize: options.cacheSizeBytes,
    compression: options.compression,
  };
  if (options.backend === 'classic-level') return { ...common, writeBufferSize: options.writeBufferSizeBytes };
  if (!options.compression) return common;
  // Without `compaction`, @nxtedition/rocksdb turns on ZSTD with dictionary training for every
  // level: each memtable flush and each L0→L1 compaction trained and compressed on the logic
  // node's cores. Its `level` recipe (RocksDB's OptimizeLevelStyleCompaction) leaves L0 and L1
  // plain and compresses from L2 down, where data settles; it is also the binding's only way to
  // size the memtable. It sets a per-level list that overrides `compression`, hence only when on.
  return { ...common, compaction: 'level', memtableMemoryBudget: ROCKSDB_MEMTABLES_PER_BUDGET * options.writeBufferSizeBytes };
}

/**
 * Encodings native to each backend, so nothing is transcoded per key: abstract-level 1 knows
 * only `buffer` (a `view` would be re-wrapped as a Buffer on every op), abstract-level 3 has `view`.
 */
const nativeEncoding: Record<StorageBackend, string> = { rocksdb: 'buffer', 'classic-level': 'view' };

/** Load the backend's module only when it is chosen: the other's native addon is never loaded. */
async function loadConstructor(backend: StorageBackend): Promise<LevelConstructor> {
  if (backend === 'rocksdb') {
    // CommonJS without type declarations: require it, and type the one export we use.
    const require = createRequire(import.meta.url);
    const mod = require('@nxtedition/rocksdb') as { RocksLevel: LevelConstructor };
    return mod.RocksLevel;
  }
  const mod = (await import('classic-level')) as unknown as { ClassicLevel: LevelConstructor };
  return mod.ClassicLevel;
}

/** Construct and open the chosen backend. Throws what the backend throws. */
export async function openBackend(options: DatabaseOptions): Promise<LevelBackend> {
  const Level = await loadConstructor(options.backend);
  const encoding = nativeEncoding[options.backend];
  const db = new Level(options.path, { keyEncoding: encoding, valueEncoding: encoding });
  await db.open(openOptions(options));
  return db;
}
