import { isBucket, MAX_BUCKET_ID, type Bucket } from './buckets.js';
import type { BatchOp, KeyRange } from './databaseController.js';
import { StorageError, StorageErrorCode } from './errors.js';

/** Keys on disk are `[bucket id byte] ‖ key` (see buckets.ts). */

export function assertBucket(bucket: unknown): asserts bucket is Bucket {
  if (!isBucket(bucket)) {
    throw new StorageError(StorageErrorCode.invalidArgument, `not a bucket id: ${String(bucket)}`);
  }
}

export function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    const kind = value === null ? 'null' : typeof value === 'object' ? value.constructor?.name : typeof value;
    throw new StorageError(StorageErrorCode.invalidArgument, `${what} must be a Uint8Array, got ${String(kind)}`);
  }
}

/** `[bucket] ‖ key` as a fresh Buffer (Buffer, not a plain view: the backends take it as is). */
export function bucketKey(bucket: Bucket, key: Uint8Array): Buffer {
  assertBucket(bucket);
  assertBytes(key, 'key');
  const out = Buffer.allocUnsafe(key.length + 1);
  out[0] = bucket;
  out.set(key, 1);
  return out;
}

/**
 * The disk keys of a whole batch, every op validated on the way: this runs before the backend
 * sees any op, so an invalid op anywhere leaves nothing written. Hot path (~200,000 ops per block
 * commit): one pooled `allocUnsafe` per key measured as fast as carving all keys out of one arena.
 */
export function batchKeys(ops: readonly BatchOp[]): Buffer[] {
  const keys = new Array<Buffer>(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (typeof op !== 'object' || op === null) {
      throw new StorageError(StorageErrorCode.invalidArgument, `batch op ${i} is not an object`);
    }
    assertBucket(op.bucket);
    assertBytes(op.key, `batch op ${i} key`);
    if (op.type === 'put') {
      assertBytes(op.value, `batch op ${i} value`);
    } else if (op.type !== 'del') {
      const type = String((op as { type?: unknown }).type);
      throw new StorageError(StorageErrorCode.invalidArgument, `batch op ${i} has unknown type ${type}`);
    }
    const key = Buffer.allocUnsafe(op.key.length + 1);
    key[0] = op.bucket;
    key.set(op.key, 1);
    keys[i] = key;
  }
  return keys;
}

/** The disk-key bounds of `range` inside `bucket`: `gte` inclusive, `lt` exclusive (absent: to the end). */
export function bucketBounds(bucket: Bucket, range: KeyRange = {}): { gte: Buffer; lt?: Buffer } {
  assertBucket(bucket);
  if (range.gte !== undefined) assertBytes(range.gte, 'range.gte');
  if (range.lt !== undefined) assertBytes(range.lt, 'range.lt');
  const gte = range.gte === undefined ? Buffer.from([bucket]) : bucketKey(bucket, range.gte);
  if (range.lt !== undefined) return { gte, lt: bucketKey(bucket, range.lt) };
  // The bucket ends where the next id begins; the last possible id runs to the end of the key space.
  return (bucket as number) === MAX_BUCKET_ID ? { gte } : { gte, lt: Buffer.from([bucket + 1]) };
}

/** A plain Uint8Array over `bytes` minus its first `skip` bytes: no copy, no Buffer semantics. */
export function plainView(bytes: Uint8Array, skip = 0): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + skip, bytes.byteLength - skip);
}
