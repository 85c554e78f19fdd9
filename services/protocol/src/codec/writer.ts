import { ProtocolError, ProtocolErrorCode } from '../errors.js';

/** Appends canonical encodings to a growable buffer. One writer per encoding; not shared. */
export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity)); // doubling from 0 would never grow
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(value: number): this {
    this.ensure(1);
    this.buf[this.pos++] = value & 0xff;
    return this;
  }

  /** Unsigned LEB128 of a non-negative integer; the caller has checked the field's range. */
  varint(value: bigint | number): this {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `not a non-negative safe integer: ${value}`);
      }
      this.ensure(8);
      let v = value;
      while (v >= 0x80) {
        this.buf[this.pos++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      this.buf[this.pos++] = v;
      return this;
    }
    if (value < 0n) throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `negative integer: ${value}`);
    if (value <= 0x1fffffffffffffn) return this.varint(Number(value));
    this.ensure(20);
    let v = value;
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  /** Raw bytes of a fixed-width field; the width is the caller's contract. */
  fixed(bytes: Uint8Array, width: number, field: string): this {
    if (bytes.length !== width) {
      throw new ProtocolError(ProtocolErrorCode.invalidField, `${field} must be ${width} bytes, got ${bytes.length}`);
    }
    this.ensure(width);
    this.buf.set(bytes, this.pos);
    this.pos += width;
    return this;
  }

  /** Length-prefixed bytes, refused above `max`. */
  bytes(bytes: Uint8Array, max: number, field: string): this {
    if (bytes.length > max) {
      throw new ProtocolError(ProtocolErrorCode.oversize, `${field} is ${bytes.length} bytes, over the ${max} limit`);
    }
    this.varint(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Already-encoded bytes, copied verbatim. */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** The encoding so far, as an exact-length copy. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
