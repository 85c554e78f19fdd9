import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { openBackend, type LevelBackend, type LevelChainedBatch } from './backends.js';
import type { Bucket } from './buckets.js';
import type { BatchOp, DatabaseController, KeyRange, WriteOptions } from './databaseController.js';
import { StorageError, StorageErrorCode, toStorageError } from './errors.js';
import { batchKeys, bucketBounds, bucketKey, plainView } from './keys.js';
import { forEachDiskRecord, validatePackedBatch } from './packedBatch.js';
import {
  defaultDatabaseOptions,
  MAX_ROCKSDB_CACHE_BYTES,
  storageBackends,
  type DatabaseOptions,
} from './options.js';

/** Entries fetched from the backend per round trip while iterating. */
const ITERATOR_CHUNK = 1000;

function invalidOption(message: string): StorageError {
  return new StorageError(StorageErrorCode.invalidArgument, `invalid database option: ${message}`);
}

function isPositiveInteger(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

/** Defaults filled in and every option checked, before anything touches the disk. */
export function resolveDatabaseOptions(options: Partial<DatabaseOptions> & { path: string }): DatabaseOptions {
  const resolved: DatabaseOptions = { ...defaultDatabaseOptions, ...stripUndefined(options), path: options.path };
  if (typeof resolved.path !== 'string' || resolved.path === '') throw invalidOption('path must be a non-empty string');
  if (!storageBackends.includes(resolved.backend)) {
    throw invalidOption(`backend must be one of ${storageBackends.join(', ')}, got ${String(resolved.backend)}`);
  }
  if (!isPositiveInteger(resolved.cacheSizeBytes)) throw invalidOption('cacheSizeBytes must be a positive integer');
  if (resolved.backend === 'rocksdb' && resolved.cacheSizeBytes > MAX_ROCKSDB_CACHE_BYTES) {
    throw invalidOption(`cacheSizeBytes must be at most ${MAX_ROCKSDB_CACHE_BYTES} on rocksdb`);
  }
  if (!isPositiveInteger(resolved.writeBufferSizeBytes)) {
    throw invalidOption('writeBufferSizeBytes must be a positive integer');
  }
  for (const flag of ['createIfMissing', 'compression', 'sync'] as const) {
    if (typeof resolved[flag] !== 'boolean') throw invalidOption(`${flag} must be a boolean`);
  }
  return resolved;
}

/**
 * Both engines create the directory (and a LOCK file) before they notice that there is no
 * database in it; checking CURRENT first leaves the disk as it was when we refuse.
 */
async function assertDatabaseExists(path: string): Promise<void> {
  try {
    await access(join(path, 'CURRENT'));
  } catch (err) {
    throw new StorageError(StorageErrorCode.notFound, `no database at ${path} and createIfMissing is false`, {
      cause: err,
      meta: { operation: 'open', path },
    });
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * DatabaseController over an abstract-level store: RocksDB through @nxtedition/rocksdb (default)
 * or LevelDB through classic-level, chosen by `options.backend` alone.
 *
 * On rocksdb, `batch` runs the RocksDB write on the JavaScript thread (the binding's
 * `batch_write` is synchronous): a 200,000-op commit blocks the event loop for its whole duration.
 * classic-level writes on the libuv thread pool.
 */
export class LevelDatabaseController implements DatabaseController {
  readonly options: Readonly<DatabaseOptions>;
  private readonly db: LevelBackend;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(options: DatabaseOptions, dependencies: { db: LevelBackend }) {
    this.options = options;
    this.db = dependencies.db;
  }

  /** Open (and create, unless told not to) the database at `options.path`. */
  static async create(options: Partial<DatabaseOptions> & { path: string }): Promise<LevelDatabaseController> {
    const resolved = resolveDatabaseOptions(options);
    if (!resolved.createIfMissing) await assertDatabaseExists(resolved.path);
    let db: LevelBackend;
    try {
      db = await openBackend(resolved);
    } catch (err) {
      throw toStorageError(err, { operation: 'open', path: resolved.path, opening: true });
    }
    return new LevelDatabaseController(resolved, { db });
  }

  async get(bucket: Bucket, key: Uint8Array): Promise<Uint8Array | null> {
    const [value] = await this.getMany(bucket, [key]);
    return value ?? null;
  }

  async getMany(bucket: Bucket, keys: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    this.assertOpen('getMany');
    if (!Array.isArray(keys)) throw new StorageError(StorageErrorCode.invalidArgument, 'keys must be an array');
    const diskKeys = keys.map((key) => bucketKey(bucket, key));
    let values: (Uint8Array | null | undefined)[];
    try {
      values = await this.db.getMany(diskKeys);
    } catch (err) {
      throw this.wrap(err, 'getMany');
    }
    // Both backends copy each value out of the store into its own allocation.
    return values.map((v) => (v === undefined || v === null ? null : plainView(v)));
  }

  async put(bucket: Bucket, key: Uint8Array, value: Uint8Array, opts?: WriteOptions): Promise<void> {
    await this.batch([{ type: 'put', bucket, key, value }], opts);
  }

  async del(bucket: Bucket, key: Uint8Array, opts?: WriteOptions): Promise<void> {
    await this.batch([{ type: 'del', bucket, key }], opts);
  }

  async batch(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void> {
    this.assertOpen('batch');
    if (!Array.isArray(ops)) throw new StorageError(StorageErrorCode.invalidArgument, 'ops must be an array');
    const sync = this.syncOf(opts);
    // Every op is validated here, before the backend sees any: an invalid op writes nothing.
    const keys = batchKeys(ops);
    if (ops.length === 0) return;

    await this.writeChained((batch) => {
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i] as BatchOp;
        if (op.type === 'put') batch.put(keys[i] as Buffer, op.value);
        else batch.del(keys[i] as Buffer);
      }
    }, sync);
  }

  /**
   * Writes the records straight from the packed bytes (forEachDiskRecord): a block commit is
   * ~200,000 records, and an op object plus a copied key each were most of the storage thread's
   * garbage. Validated whole first, so a malformed batch writes nothing.
   */
  async batchPacked(packed: Uint8Array, opts?: WriteOptions): Promise<void> {
    this.assertOpen('batchPacked');
    if (!(packed instanceof Uint8Array)) throw new StorageError(StorageErrorCode.invalidArgument, 'packed batch must be a Uint8Array');
    const sync = this.syncOf(opts);
    if (validatePackedBatch(packed) === 0) return;
    await this.writeChained(
      (batch) => forEachDiskRecord(packed, (key, value) => batch.put(key, value), (key) => batch.del(key)),
      sync,
    );
  }

  /** One chained batch, filled then written; nothing lands if filling fails (a chained batch lands only on write()). */
  private async writeChained(fill: (batch: LevelChainedBatch) => void, sync: boolean): Promise<void> {
    let batch: LevelChainedBatch;
    try {
      batch = this.db.batch();
    } catch (err) {
      throw this.wrap(err, 'batch');
    }
    try {
      fill(batch);
    } catch (err) {
      await batch.close().catch(() => undefined);
      throw this.wrap(err, 'batch');
    }
    try {
      await batch.write({ sync });
    } catch (err) {
      throw this.wrap(err, 'batch');
    }
  }

  entries(bucket: Bucket, range?: KeyRange): AsyncIterable<[Uint8Array, Uint8Array]> {
    // Checked now, not at the first next(): a bad call fails where it is made.
    this.assertOpen('entries');
    const bounds = bucketBounds(bucket, range);
    const limit = range?.limit;
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw new StorageError(StorageErrorCode.invalidArgument, `range.limit must be a non-negative integer, got ${limit}`);
    }
    return this.iterate(bounds, limit);
  }

  async close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closed = true;
    this.closing = this.db.close().catch((err: unknown) => {
      throw this.wrap(err, 'close');
    });
    return this.closing;
  }

  private async *iterate(
    bounds: { gte: Uint8Array; lt?: Uint8Array },
    limit: number | undefined,
  ): AsyncGenerator<[Uint8Array, Uint8Array]> {
    if (limit === 0) return;
    this.assertOpen('entries');
    let iterator;
    try {
      iterator = this.db.iterator(limit === undefined ? bounds : { ...bounds, limit });
    } catch (err) {
      throw this.wrap(err, 'entries');
    }
    try {
      while (true) {
        let chunk: [Uint8Array, Uint8Array][];
        try {
          chunk = await iterator.nextv(ITERATOR_CHUNK);
        } catch (err) {
          throw this.wrap(err, 'entries');
        }
        if (chunk.length === 0) return;
        for (const [key, value] of chunk) {
          // Both backends hand out a fresh copy per key and value; strip the bucket byte.
          yield [plainView(key, 1), plainView(value)];
        }
      }
    } finally {
      await iterator.close().catch(() => undefined);
    }
  }

  private syncOf(opts: WriteOptions | undefined): boolean {
    const sync = opts?.sync ?? this.options.sync;
    if (typeof sync !== 'boolean') throw new StorageError(StorageErrorCode.invalidArgument, 'sync must be a boolean');
    return sync;
  }

  private assertOpen(operation: string): void {
    if (this.closed) {
      throw new StorageError(StorageErrorCode.closed, `${operation} called after close on ${this.options.path}`, {
        meta: { operation, path: this.options.path },
      });
    }
  }

  private wrap(err: unknown, operation: string): StorageError {
    // The backend reports a close that raced this call as "not open": say closed, with its error as cause.
    if (this.closed && !(err instanceof StorageError)) {
      return new StorageError(StorageErrorCode.closed, `${operation} interrupted by close on ${this.options.path}`, {
        cause: err,
        meta: { operation, path: this.options.path },
      });
    }
    return toStorageError(err, { operation, path: this.options.path });
  }
}
