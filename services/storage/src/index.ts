export { Bucket, MAX_BUCKET_ID, isBucket } from './buckets.js';
export type { BatchOp, DatabaseController, KeyRange, WriteOptions } from './databaseController.js';
export { StorageError, StorageErrorCode } from './errors.js';
export { LevelDatabaseController, resolveDatabaseOptions } from './levelController.js';
export { WorkerDatabaseController } from './workerDatabase.js';
export { PackedBatchWriter, decodePackedBatch } from './packedBatch.js';
export {
  defaultDatabaseOptions,
  MAX_ROCKSDB_CACHE_BYTES,
  storageBackends,
  type DatabaseOptions,
  type StorageBackend,
} from './options.js';
export { benchBatchWrite, type BatchWriteBenchOptions, type BatchWriteBenchResult } from './benchBatchWrite.js';
