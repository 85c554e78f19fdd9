import { CodedError } from '../../protocol/src/errors.js';

/** Why the storage layer refused or failed. Codes are part of the API: never rename one. */
export const StorageErrorCode = {
  /** Another process (or another handle in this one) holds the database's LOCK file. */
  locked: 'DB_LOCKED',
  /** The files on disk are not a valid database (bad CURRENT, MANIFEST, block checksum). */
  corrupted: 'DB_CORRUPTED',
  /** The file system failed (read, write, fsync, mkdir, permissions, disk full). */
  io: 'DB_IO',
  /** The database was opened with `createIfMissing: false` and there is none at the path. */
  notFound: 'DB_NOT_FOUND',
  /** The database could not be opened for a reason none of the codes above names. */
  openFailed: 'DB_OPEN_FAILED',
  /** An operation was called after `close()` (or the database closed under it). */
  closed: 'DB_CLOSED',
  /** A bucket, key, value, range or option is not what the interface accepts. */
  invalidArgument: 'INVALID_ARGUMENT',
  /** The backend failed in a way we do not recognise; `cause` carries its error. */
  backend: 'DB_BACKEND',
} as const;
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

export class StorageError extends CodedError<StorageErrorCode> {}

/** `LEVEL_*` codes of abstract-level backends (both 1.x and 3.x), the ones we map. */
const levelCodeToStorageCode: Readonly<Record<string, StorageErrorCode>> = {
  LEVEL_LOCKED: StorageErrorCode.locked,
  LEVEL_CORRUPTION: StorageErrorCode.corrupted,
  LEVEL_IO_ERROR: StorageErrorCode.io,
  LEVEL_INVALID_KEY: StorageErrorCode.invalidArgument,
  LEVEL_INVALID_VALUE: StorageErrorCode.invalidArgument,
  LEVEL_ENCODING_NOT_SUPPORTED: StorageErrorCode.invalidArgument,
  LEVEL_DATABASE_NOT_OPEN: StorageErrorCode.closed,
  LEVEL_ITERATOR_NOT_OPEN: StorageErrorCode.closed,
  LEVEL_BATCH_NOT_OPEN: StorageErrorCode.closed,
};

/** Node file-system codes that mean the disk or the path, not the database, is at fault. */
const fsErrorCodes = new Set(['EACCES', 'EPERM', 'EEXIST', 'ENOTDIR', 'EISDIR', 'ENOENT', 'ENOSPC', 'EROFS', 'EIO']);

/** Codes that mean this handle cannot go on: the caller should stop the node, not retry. */
const fatalCodes: ReadonlySet<StorageErrorCode> = new Set([StorageErrorCode.corrupted, StorageErrorCode.io]);

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Turn whatever a backend threw into a StorageError. abstract-level wraps the real reason of a
 * failed open in `cause` (LEVEL_DATABASE_NOT_OPEN ← LEVEL_LOCKED), so the deepest code we know
 * wins over the outer "not open".
 */
export function toStorageError(
  err: unknown,
  context: { operation: string; path: string; opening?: boolean },
): StorageError {
  if (err instanceof StorageError) return err;

  let found: StorageErrorCode | undefined;
  let detail = errorMessage(err);
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    const code = errorCode(e);
    const mapped =
      code === undefined
        ? undefined
        : (levelCodeToStorageCode[code] ?? (fsErrorCodes.has(code) ? StorageErrorCode.io : undefined));
    if (mapped !== undefined && (found === undefined || found === StorageErrorCode.closed)) {
      found = mapped;
      detail = errorMessage(e);
    }
    if (/create_if_missing is false/.test(errorMessage(e))) {
      found = StorageErrorCode.notFound;
      detail = errorMessage(e);
    }
    e = (e as { cause?: unknown }).cause;
  }

  let code = found ?? StorageErrorCode.backend;
  // A failed open says "not open" on the outside; without a deeper reason it is an open failure.
  if (context.opening === true && (code === StorageErrorCode.closed || code === StorageErrorCode.backend)) {
    code = StorageErrorCode.openFailed;
  }
  return new StorageError(code, `${context.operation} failed on ${context.path}: ${detail}`, {
    cause: err,
    meta: { operation: context.operation, path: context.path },
    fatal: fatalCodes.has(code),
  });
}
