import { isBucket, type Bucket } from './buckets.js';
import type { BatchOp } from './databaseController.js';
import { StorageError, StorageErrorCode } from './errors.js';

/**
 * A write batch as one byte buffer: what crosses to the storage thread in a single transfer,
 * with no object per operation on the way. A block commit is ~200,000 puts; as BatchOp objects
 * they were a tenth of the ledger's garbage.
 *
 * Records, back to back:
 *   kind u8 (1 put, 2 del) | key length u16 LE | value length u32 LE (0 for del) | bucket u8 | key | value
 * The bucket byte sits right before the key because a disk key is `bucket ‖ key`
 * (buckets.ts): the storage thread hands the backend a view of those bytes, with no copy.
 */
const PUT = 1;
const DEL = 2;
const HEADER = 8;
export const MAX_PACKED_KEY_BYTES = 0xffff;

export class PackedBatchWriter {
  private buf: Uint8Array;
  private view: DataView;
  private end = 0;
  private count_ = 0;
  /** Where the record being written by beginPut starts. */
  private open = -1;

  constructor(initialBytes = 1 << 16) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  get count(): number {
    return this.count_;
  }

  /** The buffer being written. Replaced when it grows: read it after beginPut. */
  get bytes(): Uint8Array {
    return this.buf;
  }

  put(bucket: Bucket, key: Uint8Array, value: Uint8Array): this {
    const at = this.beginPut(bucket, key.length, value.length);
    this.buf.set(key, at);
    this.buf.set(value, at + key.length);
    this.endPut(at + key.length + value.length);
    return this;
  }

  del(bucket: Bucket, key: Uint8Array): this {
    this.record(DEL, bucket, key.length, 0);
    this.buf.set(key, this.end);
    this.end += key.length;
    this.count_++;
    return this;
  }

  /**
   * Starts a put whose key (exactly `keyLength` bytes) and value (at most `maxValueLength`) the
   * caller writes in place into `bytes`: key at the returned offset, value right after it; then
   * `endPut(end of the value)`. No copy, no intermediate array.
   */
  beginPut(bucket: Bucket, keyLength: number, maxValueLength: number): number {
    if (this.open !== -1) throw new StorageError(StorageErrorCode.invalidArgument, 'beginPut while another put is open');
    this.open = this.end;
    this.record(PUT, bucket, keyLength, maxValueLength);
    return this.end;
  }

  endPut(valueEnd: number): void {
    const start = this.open;
    if (start === -1) throw new StorageError(StorageErrorCode.invalidArgument, 'endPut without beginPut');
    const keyLength = this.view.getUint16(start + 1, true);
    const valueStart = start + HEADER + keyLength;
    const maxValue = this.view.getUint32(start + 3, true);
    if (valueEnd < valueStart || valueEnd - valueStart > maxValue) {
      throw new StorageError(StorageErrorCode.invalidArgument, `put value of ${valueEnd - valueStart} bytes, reserved ${maxValue}`);
    }
    this.view.setUint32(start + 3, valueEnd - valueStart, true);
    this.end = valueEnd;
    this.open = -1;
    this.count_++;
  }

  /** The packed batch (a view of the writer's buffer: do not write after). */
  finish(): Uint8Array {
    if (this.open !== -1) throw new StorageError(StorageErrorCode.invalidArgument, 'finish while a put is open');
    return this.buf.subarray(0, this.end);
  }

  private record(kind: number, bucket: Bucket, keyLength: number, valueLength: number): void {
    if (!isBucket(bucket)) throw new StorageError(StorageErrorCode.invalidArgument, `not a bucket id: ${String(bucket)}`);
    if (!Number.isInteger(keyLength) || keyLength < 0 || keyLength > MAX_PACKED_KEY_BYTES) {
      throw new StorageError(StorageErrorCode.invalidArgument, `key of ${keyLength} bytes (at most ${MAX_PACKED_KEY_BYTES})`);
    }
    if (!Number.isInteger(valueLength) || valueLength < 0 || valueLength > 0xffffffff) {
      throw new StorageError(StorageErrorCode.invalidArgument, `value of ${valueLength} bytes`);
    }
    this.ensure(HEADER + keyLength + valueLength);
    const o = this.end;
    this.buf[o] = kind;
    this.view.setUint16(o + 1, keyLength, true);
    this.view.setUint32(o + 3, valueLength, true);
    this.buf[o + 7] = bucket;
    this.end = o + HEADER;
  }

  private ensure(more: number): void {
    if (this.end + more <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.end + more));
    grown.set(this.buf.subarray(0, this.end));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
}

/**
 * Walks the records of a packed batch, checking each header against the buffer, and calls
 * `visit` with the offsets of each: the one parser, used both to decode and to validate.
 */
function walkPackedBatch(bytes: Uint8Array, visit: (kind: number, bucket: Bucket, keyStart: number, valueStart: number, next: number) => void): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  while (o < bytes.length) {
    if (o + HEADER > bytes.length) throw malformed(`truncated record header at byte ${o}`);
    const kind = bytes[o] as number;
    const keyLength = view.getUint16(o + 1, true);
    const valueLength = view.getUint32(o + 3, true);
    const bucket = bytes[o + 7] as number;
    if (!isBucket(bucket)) throw malformed(`unknown bucket ${bucket} at byte ${o}`);
    const keyStart = o + HEADER;
    const valueStart = keyStart + keyLength;
    const next = valueStart + valueLength;
    if (next > bytes.length) throw malformed(`record at byte ${o} runs past the end`);
    if (kind !== PUT && !(kind === DEL && valueLength === 0)) throw malformed(`unknown record kind ${kind} at byte ${o}`);
    visit(kind, bucket, keyStart, valueStart, next);
    o = next;
  }
}

/**
 * The operations of a packed batch, as views into it. Refuses anything malformed — an unknown
 * kind or bucket, a length past the end — with INVALID_ARGUMENT before any op is returned, so a
 * corrupt batch writes nothing.
 */
export function decodePackedBatch(bytes: Uint8Array): BatchOp[] {
  const ops: BatchOp[] = [];
  walkPackedBatch(bytes, (kind, bucket, keyStart, valueStart, next) => {
    const key = bytes.subarray(keyStart, valueStart);
    ops.push(kind === PUT ? { type: 'put', bucket, key, value: bytes.subarray(valueStart, next) } : { type: 'del', bucket, key });
  });
  return ops;
}

/**
 * Calls `put` or `del` with each record's disk key (`bucket ‖ key`) and value as Buffer views
 * into the batch: what the storage thread feeds its backend, with no op object and no key copy
 * per record. Validate first (validatePackedBatch): a malformed record throws only when reached.
 */
export function forEachDiskRecord(bytes: Uint8Array, put: (diskKey: Buffer, value: Buffer) => void, del: (diskKey: Buffer) => void): void {
  const at = (start: number, end: number) => Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  walkPackedBatch(bytes, (kind, _bucket, keyStart, valueStart, next) => {
    if (kind === PUT) put(at(keyStart - 1, valueStart), at(valueStart, next));
    else del(at(keyStart - 1, valueStart));
  });
}

/**
 * Checks a packed batch as decodePackedBatch would, without making an object per record: the
 * caller's side of a hand-over to the storage thread, which decodes it again there. Decoding it
 * here as well put ~250 bytes of garbage per record on the ledger's thread (a block commit is
 * ~200,000 records; genesis is a million). Returns the number of records.
 */
export function validatePackedBatch(bytes: Uint8Array): number {
  let count = 0;
  walkPackedBatch(bytes, () => count++);
  return count;
}

function malformed(detail: string): StorageError {
  return new StorageError(StorageErrorCode.invalidArgument, `malformed packed batch: ${detail}`);
}
