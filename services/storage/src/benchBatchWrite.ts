import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Bucket } from './buckets.js';
import type { BatchOp } from './databaseController.js';
import { LevelDatabaseController } from './levelController.js';
import type { StorageBackend } from './options.js';

export interface BatchWriteBenchOptions {
  /** Fsync the WAL at the end of the batch. Default true, as a block commit does. */
  sync?: boolean;
  /** Default 32: a hash-sized key, spread uniformly like addresses. */
  keyBytes?: number;
  /** Default 90: the size of an encoded account. */
  valueBytes?: number;
  /** Parent of the temporary database directory; default os.tmpdir(). */
  parentDir?: string;
}

export interface BatchWriteBenchResult {
  backend: StorageBackend;
  n: number;
  sync: boolean;
  keyBytes: number;
  valueBytes: number;
  /** Wall time of `batch()`: key encoding, building the WriteBatch, the write and the fsync. */
  seconds: number;
  putsPerSecond: number;
  /** Longest stall of the event loop during `batch()`: what the node's sockets felt. */
  maxEventLoopDelayMs: number;
}

/** xorshift32: deterministic filler, fast enough not to matter next to the write. */
function filler(seed: number): (out: Uint8Array) => void {
  let x = seed >>> 0 || 1;
  return (out) => {
    for (let i = 0; i < out.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
  };
}

/**
 * The longest gap between ticks of a 1 ms timer, from now until `stop()`. (monitorEventLoopDelay
 * misses a stall that starts before its first sample, which is exactly the case here.)
 */
function watchEventLoop(): { stop(): Promise<number> } {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 1);
  return {
    async stop() {
      // Let the timer fire once more so that a stall reaching to the end of the batch is counted.
      await new Promise((resolve) => setTimeout(resolve, 5));
      clearInterval(timer);
      return max;
    },
  };
}

/**
 * One block commit's worth of writes: `n` puts of random keys in one batch into a fresh database
 * in a temporary directory, which is removed afterwards. Measures the batch only, not the open.
 */
export async function benchBatchWrite(
  backend: StorageBackend,
  n: number,
  options: BatchWriteBenchOptions = {},
): Promise<BatchWriteBenchResult> {
  const sync = options.sync ?? true;
  const keyBytes = options.keyBytes ?? 32;
  const valueBytes = options.valueBytes ?? 90;
  const fill = filler(0x9e3779b9);
  const ops: BatchOp[] = new Array<BatchOp>(n);
  for (let i = 0; i < n; i++) {
    const key = new Uint8Array(keyBytes);
    const value = new Uint8Array(valueBytes);
    fill(key);
    fill(value);
    ops[i] = { type: 'put', bucket: Bucket.account, key, value };
  }

  const dir = await mkdtemp(join(options.parentDir ?? tmpdir(), `bench-batch-${backend}-`));
  try {
    const db = await LevelDatabaseController.create({ path: dir, backend });
    try {
      const stalls = watchEventLoop();
      const start = process.hrtime.bigint();
      await db.batch(ops, { sync });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const maxEventLoopDelayMs = await stalls.stop();
      return {
        backend,
        n,
        sync,
        keyBytes,
        valueBytes,
        seconds,
        putsPerSecond: n / seconds,
        maxEventLoopDelayMs,
      };
    } finally {
      await db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
