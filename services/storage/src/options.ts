/**
 * Options of a node's database, each default with the reason for it.
 * Both backends are drop-ins for each other: switching is a change of `backend` only.
 */

/** Which abstract-level store holds the files. Both are LSM trees with a write-ahead log. */
export type StorageBackend = 'rocksdb' | 'classic-level';

export const storageBackends: readonly StorageBackend[] = ['rocksdb', 'classic-level'];

export interface DatabaseOptions {
  /** Directory of the database; created (with parents) when missing and `createIfMissing`. */
  path: string;
  backend: StorageBackend;
  createIfMissing: boolean;
  /**
   * Block cache for reads, in bytes. Applies to both backends (RocksDB caps it at 4 GiB − 1).
   */
  cacheSizeBytes: number;
  /**
   * Memtable size before a flush to an L0 file, in bytes. On rocksdb it is set through the binding's
   * level-compaction recipe, which only `compression` turns on: uncompressed, RocksDB's own 64 MiB
   * default applies (see backends.ts). That recipe flushes two memtables at a time and lets up to
   * six exist while flushes lag, so plan for 2–3× this in memory, 6× at worst (384 MiB at the
   * default; a logic node requests 4 GiB).
   */
  writeBufferSizeBytes: number;
  /** Compress table files (RocksDB: ZSTD from L2 down, L0 and L1 plain; LevelDB: Snappy). */
  compression: boolean;
  /**
   * Default for `{ sync }` on writes that do not say: fsync the write-ahead log before resolving.
   * Both backends honour it (one fdatasync per write, checked with strace).
   */
  sync: boolean;
}

export const defaultDatabaseOptions: Readonly<Omit<DatabaseOptions, 'path'>> = {
  // RocksDB, the engine the design names for logic-node state (DESIGN §5): flush and compaction
  // run on several threads and tables are ZSTD-compressed, where LevelDB compacts on one thread.
  // Not for single-batch speed: on one 200,000-put batch into an empty database classic-level
  // measured faster (services/storage/README.md). classic-level stays a drop-in.
  backend: 'rocksdb',
  // A fresh node creates its database; an operator who wants "fail if absent" says so.
  createIfMissing: true,
  // 128 MiB: the hot accounts' data, index and filter blocks of a logic node fit; the backends'
  // 8 MiB default is sized for an embedded app and makes account reads go to disk.
  cacheSizeBytes: 128 * 1024 * 1024,
  // 64 MiB, RocksDB's default: one block commit (~200,000 × ~125 B ≈ 25 MiB of memtable) fits
  // in one memtable, where LevelDB's 4 MiB default forces several flushes per commit.
  writeBufferSizeBytes: 64 * 1024 * 1024,
  // On: account values compress well. RocksDB compresses from L2 down only, so flushes and the
  // busiest compactions (L0→L1) spend no CPU on it.
  compression: true,
  // Off: only a block commit must survive a power cut, and it asks for `{ sync: true }` itself;
  // everything else is rebuilt from the last committed block.
  sync: false,
};

/** Largest cacheSizeBytes RocksDB accepts: the binding reads it as a uint32. */
export const MAX_ROCKSDB_CACHE_BYTES = 0xffff_ffff;
