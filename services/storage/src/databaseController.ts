import type { Bucket } from './buckets.js';

/** Options of one write. */
export interface WriteOptions {
  /**
   * Fsync the write-ahead log before the promise resolves, so the write survives a power cut.
   * Defaults to the database's `sync` option. A block commit passes `true`.
   */
  sync?: boolean;
}

/** One operation of an atomic batch. */
export type BatchOp =
  | { type: 'put'; bucket: Bucket; key: Uint8Array; value: Uint8Array }
  | { type: 'del'; bucket: Bucket; key: Uint8Array };

/** A key range inside one bucket: `gte <= key < lt`, at most `limit` entries, ascending. */
export interface KeyRange {
  gte?: Uint8Array;
  lt?: Uint8Array;
  /** Non-negative integer; absent means no limit. */
  limit?: number;
}

/**
 * The node's database, as the rest of the code sees it: byte keys and values in buckets.
 * Keys within a bucket are ordered byte-wise (shorter first on a common prefix).
 * Every failure is a StorageError with a code; after `close()` every call fails with DB_CLOSED.
 * Values and keys handed out are fresh copies: safe to keep and to mutate.
 */
export interface DatabaseController {
  /** The value under `key`, or null when there is none. */
  get(bucket: Bucket, key: Uint8Array): Promise<Uint8Array | null>;
  /** One lookup for many keys; the result is in the order of `keys`, null where absent. */
  getMany(bucket: Bucket, keys: readonly Uint8Array[]): Promise<(Uint8Array | null)[]>;
  put(bucket: Bucket, key: Uint8Array, value: Uint8Array, opts?: WriteOptions): Promise<void>;
  /** Deleting an absent key is not an error. */
  del(bucket: Bucket, key: Uint8Array, opts?: WriteOptions): Promise<void>;
  /**
   * All-or-nothing: every op lands or none does (one WriteBatch). Ops apply in order, so a later
   * op on the same key wins. An invalid op anywhere rejects the whole batch before anything is
   * written (INVALID_ARGUMENT).
   */
  batch(ops: readonly BatchOp[], opts?: WriteOptions): Promise<void>;
  /**
   * `batch` of the operations packed in one buffer (packedBatch.ts): the same all-or-nothing
   * write, with a malformed buffer refused whole. The buffer must not change until it resolves
   * (a controller on another thread may take it over: the caller should not reuse it).
   */
  batchPacked(packed: Uint8Array, opts?: WriteOptions): Promise<void>;
  /**
   * Ascending iteration over one bucket, optionally within `[gte, lt)` and up to `limit` entries.
   * Keys are yielded without the bucket prefix. Breaking out of the loop releases the iterator.
   */
  entries(bucket: Bucket, range?: KeyRange): AsyncIterable<[Uint8Array, Uint8Array]>;
  /** Idempotent: closing a closed database resolves. */
  close(): Promise<void>;
}
