/**
 * The storage thread: owns the database and serves the WorkerDatabaseController of the main
 * thread (workerDatabase.ts). RocksDB's batch write runs synchronously on the thread that calls
 * it; here that is this thread, so the ledger keeps executing while a block is written.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Bucket } from './buckets.js';
import type { KeyRange } from './databaseController.js';
import { StorageError, StorageErrorCode } from './errors.js';
import { LevelDatabaseController } from './levelController.js';
import type { DatabaseOptions } from './options.js';
import { PackedBatchWriter } from './packedBatch.js';
import type { WorkerReply, WorkerRequest } from './workerProtocol.js';

const port = parentPort;
if (port === null) throw new Error('storageWorker must run as a worker thread');

const iterators = new Map<number, AsyncIterator<[Uint8Array, Uint8Array]>>();
let nextIterator = 1;

function errorReply(id: number, err: unknown): WorkerReply {
  const e = err instanceof StorageError ? err : new StorageError(StorageErrorCode.backend, err instanceof Error ? err.message : String(err));
  return { id, error: { code: e.code, message: e.message, fatal: e.fatal } };
}

async function serve(db: LevelDatabaseController, req: WorkerRequest): Promise<{ reply: WorkerReply; transfer?: ArrayBuffer[] }> {
  switch (req.op) {
    case 'get':
      return { reply: { id: req.id, value: await db.get(req.bucket as Bucket, req.key) } };
    case 'getMany':
      return { reply: { id: req.id, values: await db.getMany(req.bucket as Bucket, req.keys) } };
    case 'batch':
      await db.batchPacked(req.packed, req.sync === undefined ? {} : { sync: req.sync });
      return { reply: { id: req.id } };
    case 'iterOpen': {
      const it = db.entries(req.bucket as Bucket, req.range as KeyRange | undefined)[Symbol.asyncIterator]();
      const handle = nextIterator++;
      iterators.set(handle, it);
      return { reply: { id: req.id, iterator: handle } };
    }
    case 'iterNext': {
      const it = iterators.get(req.iterator);
      if (it === undefined) throw new StorageError(StorageErrorCode.closed, `iterator ${req.iterator} is closed`);
      // A page of entries packed as put records: one transfer, no object per entry in between.
      const page = new PackedBatchWriter(1 << 20);
      let done = false;
      while (page.count < req.max) {
        const step = await it.next();
        if (step.done === true) {
          done = true;
          iterators.delete(req.iterator);
          break;
        }
        page.put(req.bucket as Bucket, step.value[0], step.value[1]);
      }
      const packed = page.finish();
      return { reply: { id: req.id, page: packed, done }, transfer: [packed.buffer as ArrayBuffer] };
    }
    case 'iterClose': {
      const it = iterators.get(req.iterator);
      iterators.delete(req.iterator);
      await it?.return?.();
      return { reply: { id: req.id } };
    }
    case 'close':
      for (const it of iterators.values()) await it.return?.();
      iterators.clear();
      await db.close();
      return { reply: { id: req.id } };
  }
}

const options = workerData as DatabaseOptions;
try {
  const db = await LevelDatabaseController.create(options);
  // Requests are served one at a time, in order: a read after a write sees it, as on one thread.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (req: WorkerRequest) => {
    queue = queue.then(async () => {
      let out: { reply: WorkerReply; transfer?: ArrayBuffer[] };
      try {
        out = await serve(db, req);
      } catch (err) {
        out = { reply: errorReply(req.id, err) };
      }
      port.postMessage(out.reply, out.transfer ?? []);
      if (req.op === 'close') port.close();
    });
  });
  port.postMessage({ id: 0, ready: true } satisfies WorkerReply);
} catch (err) {
  port.postMessage(errorReply(0, err));
  port.close();
}
