/**
 * Environment for the node processes we start ourselves (the devnet's, the ledger benchmark's).
 *
 * glibc gives each thread that allocates its own malloc arena, up to 8 per core. A logic node
 * has many such threads: the storage thread, RocksDB's flush and compaction threads, libuv's
 * pool. Memory freed into one arena is not reused by another, and mostly not returned to the
 * system. In the ledger benchmark (1M accounts, blocks of 100,000) four ~64 MB arenas showed in
 * /proc/PID/smaps, and MALLOC_ARENA_MAX=2 lowered peak RSS by ~130 MB (1,270 -> ~1,140 MB) at
 * the same throughput. A value the operator already set is kept. The images (images/Dockerfile)
 * and the operator's Pods (operator/src/resources) set the same.
 */
export const MALLOC_ARENA_MAX = '2';

export function nodeProcessEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, MALLOC_ARENA_MAX: env['MALLOC_ARENA_MAX'] ?? MALLOC_ARENA_MAX };
}
