import { Worker } from 'node:worker_threads';
import type { Bucket } from './buckets.js';
import type { BatchOp, DatabaseController, KeyRange, WriteOptions } from './databaseController.js';
import { StorageError, StorageErrorCode, type StorageErrorCode as Code } from './errors.js';
import { assertBucket, assertBytes, bucketBounds } from './keys.js';
import { resolveDatabaseOptions } from './levelController.js';
import type { DatabaseOptions } from './options.js';
import { decodePackedBatch, PackedBatchWriter, validatePackedBatch } from './packedBatch.js';
import type { WorkerReply, WorkerRequest } from './workerProtocol.js';

/** Entries per page of `entries()`: large enough that the round trips do not show when loading a million accounts. */
const PAGE_ENTRIES = 8192;

/**
 * The storage thread's script. Compiled code runs next to this file; under ts-jest (which runs
 * the TypeScript sources and cannot start a worker from them) the compiled copy in dist/ is
 * used, which `make test` builds first.
 */
function workerScript(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL(here.replace(/\/services\/storage\/src\/workerDatabase\.ts$/, '/dist/services/storage/src/storageWorker.js'));
  return new URL('./storageWorker.js', here);
}

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(err: StorageError): void;
}

/**
 * DatabaseController whose database lives on its own thread (storageWorker.ts), so that the
 * write of block N runs on the second core while block N+1 executes on this one: on RocksDB a
 * 200,000-op batch holds the thread that writes it for ~0.7 s. Same contract as
 * LevelDatabaseController (it is one, on the other side); writes are packed into one buffer and
 * handed over without a copy.
 */
export class WorkerDatabaseController implements DatabaseController {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** Set when the thread died: every later call fails with it. */
  private died: StorageError | null = null;

  private constructor(
    readonly options: Readonly<DatabaseOptions>,
    private readonly worker: Worker,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) p.reject(new StorageError(reply.error.code as Code, reply.error.message, { fatal: reply.error.fatal }));
      else p.resolve(reply);
    });
    const die = (why: string) => {
      if (this.closing !== null) {
        // The thread ends because we closed it: later calls get DB_CLOSED, not a failure.
        this.closed = true;
        return;
      }
      this.died ??= new StorageError(StorageErrorCode.backend, `storage thread of ${options.path} ${why}`, { fatal: true });
      this.closed = true;
      for (const p of this.pending.values()) p.reject(this.died);
      this.pending.clear();
    };
    worker.on('error', (err) => die(`failed: ${err.message}`));
    worker.on('exit', (code) => die(`exited with code ${code}`));
  }

  /** Starts the storage thread and opens the database there; fails as LevelDatabaseController.create would. */
  static async create(options: Partial<DatabaseOptions> & { path: string }): Promise<WorkerDatabaseController> {
    const resolved = resolveDatabaseOptions(options);
    const worker = new Worker(workerScript(), { workerData: resolved });
    const opened = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', (err) => reject(new StorageError(StorageErrorCode.openFailed, `storage thread failed to start: ${err.message}`, { cause: err })));
    });
    if (opened.error !== undefined) {
      await worker.terminate();
      throw new StorageError(opened.error.code as Code, opened.error.message, { fatal: opened.error.fatal });
    }
    return new WorkerDatabaseController(resolved, worker);
  }

  async get(bucket: Bucket, key: Uint8Array): Promise<Uint8Array | null> {
    assertBucket(bucket);
    assertBytes(key, 'key');
    return (await this.call({ op: 'get', bucket, key }, 'get')).value ?? null;
  }

  async getMany(bucket: Bucket, keys: readonly Uint8Array[]): Promise<(Uint8Array | null)[]> {
    assertBucket(bucket);
    if (!Array.isArray(keys)) throw new StorageError(StorageErrorCode.invalidArgument, 'keys must be an array');
    keys.forEach((k, i) => assertBytes(k, `key ${i}`));
    return (await this.call({ op: 'getMany', bucket, keys: [...keys] }, 'getMany')).values ?? [];
  }

  put(bucket: Bucket, key: Uint8Array, value: Uint8Array, opts?: WriteOptions): Promise<void> {
    return this.batch([{ type: 'put', bucket, key, value }], opts);
  }

  del(bucket: Bucket, key: Uint8Array, opts?: WriteOptions): Promise<void> {
    return this.batch([{ type: 'del', bucket, key }], opts);
  }

  async batch(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void> {
    if (!Array.isArray(ops)) throw new StorageError(StorageErrorCode.invalidArgument, 'ops must be an array');
    const w = new PackedBatchWriter();
    ops.forEach((op, i) => {
      if (typeof op !== 'object' || op === null) throw new StorageError(StorageErrorCode.invalidArgument, `batch op ${i} is not an object`);
      assertBytes(op.key, `batch op ${i} key`);
      if (op.type === 'put') {
        assertBytes(op.value, `batch op ${i} value`);
        w.put(op.bucket, op.key, op.value);
      } else if (op.type === 'del') {
        w.del(op.bucket, op.key);
      } else {
        throw new StorageError(StorageErrorCode.invalidArgument, `batch op ${i} has unknown type ${String((op as { type?: unknown }).type)}`);
      }
    });
    if (ops.length === 0) return this.assertOpen('batch');
    await this.batchPacked(w.finish(), opts);
  }

  /** The buffer is handed to the storage thread without a copy when it starts its ArrayBuffer (it is detached then). */
  async batchPacked(packed: Uint8Array, opts?: WriteOptions): Promise<void> {
    if (!(packed instanceof Uint8Array)) throw new StorageError(StorageErrorCode.invalidArgument, 'packed batch must be a Uint8Array');
    validatePackedBatch(packed); // refuse a malformed batch here, where the caller can see why
    const owned = packed.byteOffset === 0 && !(packed.buffer instanceof SharedArrayBuffer) ? packed : packed.slice();
    const sync = opts?.sync;
    await this.call({ op: 'batch', packed: owned, ...(sync === undefined ? {} : { sync }) }, 'batchPacked', [owned.buffer as ArrayBuffer]);
  }

  entries(bucket: Bucket, range?: KeyRange): AsyncIterable<[Uint8Array, Uint8Array]> {
    this.assertOpen('entries');
    bucketBounds(bucket, range); // validates bucket and bounds now, where the call is made
    const limit = range?.limit;
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw new StorageError(StorageErrorCode.invalidArgument, `range.limit must be a non-negative integer, got ${limit}`);
    }
    return this.iterate(bucket, range);
  }

  private async *iterate(bucket: Bucket, range?: KeyRange): AsyncGenerator<[Uint8Array, Uint8Array]> {
    const { iterator } = await this.call({ op: 'iterOpen', bucket, ...(range === undefined ? {} : { range }) }, 'entries');
    let done = false;
    try {
      while (!done) {
        const reply = await this.call({ op: 'iterNext', iterator: iterator as number, bucket, max: PAGE_ENTRIES }, 'entries');
        done = reply.done === true;
        // Views into a page that belongs to nobody else: safe to keep and to mutate.
        for (const op of decodePackedBatch(reply.page as Uint8Array)) {
          this.assertOpen('entries'); // a page fetched before close is not served after it
          if (op.type === 'put') yield [op.key, op.value];
        }
      }
    } finally {
      if (!done && !this.closed) await this.call({ op: 'iterClose', iterator: iterator as number }, 'entries').catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    if (this.died !== null) return;
    this.closing = (async () => {
      try {
        await this.call({ op: 'close' }, 'close');
      } finally {
        this.closed = true;
        await this.worker.terminate();
      }
    })();
    return this.closing;
  }

  private assertOpen(operation: string): void {
    if (this.died !== null) throw this.died;
    if (this.closed || this.closing !== null) throw new StorageError(StorageErrorCode.closed, `${operation} after close on ${this.options.path}`);
  }

  private call(req: DistributiveOmit<WorkerRequest, 'id'>, operation: string, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (req.op !== 'close') this.assertOpen(operation);
    else if (this.died !== null) return Promise.reject(this.died);
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id }, transfer);
    });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
