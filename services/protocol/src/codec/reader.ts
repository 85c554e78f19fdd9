import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { maxVarintBytes } from './varint.js';

/**
 * Reads a canonical encoding front to back. Every failure is a ProtocolError with a code;
 * nothing here throws a RangeError or returns a half-read value.
 */
export class ByteReader {
  pos = 0;

  constructor(readonly buf: Uint8Array) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number, field: string): void {
    if (this.pos + n > this.buf.length) {
      throw new ProtocolError(ProtocolErrorCode.truncated, `input ends inside ${field}`, {
        meta: { field, offset: this.pos },
      });
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++] as number;
  }

  /** A canonical unsigned LEB128 no wider than `bits`. */
  varint(bits: number, field: string): bigint {
    const maxBytes = maxVarintBytes(bits);
    let small = 0; // exact while under 2^53: the first 7 groups
    let big: bigint | null = null;
    for (let i = 0; ; i++) {
      if (i >= maxBytes) {
        throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `${field} does not fit ${bits} bits`, {
          meta: { field, offset: this.pos },
        });
      }
      this.need(1, field);
      const byte = this.buf[this.pos++] as number;
      const group = byte & 0x7f;
      if (i < 7) small += group * 2 ** (7 * i);
      else {
        big ??= BigInt(small);
        big |= BigInt(group) << BigInt(7 * i);
      }
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) {
          throw new ProtocolError(ProtocolErrorCode.nonMinimalInteger, `${field} has a redundant trailing group`, {
            meta: { field, offset: this.pos - 1 },
          });
        }
        const value = big ?? BigInt(small);
        if (value >> BigInt(bits) !== 0n) {
          throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `${field} does not fit ${bits} bits`, {
            meta: { field, offset: this.pos },
          });
        }
        return value;
      }
    }
  }

  /** A varint used as a count or length, refused above `max`. */
  length(max: number, field: string): number {
    const value = this.varint(32, field);
    if (value > BigInt(max)) {
      throw new ProtocolError(ProtocolErrorCode.oversize, `${field} is ${value}, over the ${max} limit`, {
        meta: { field, offset: this.pos },
      });
    }
    return Number(value);
  }

  /** A fixed-width field; a view into the input, copied by the caller if kept past the input. */
  fixed(width: number, field: string): Uint8Array {
    this.need(width, field);
    const out = this.buf.subarray(this.pos, this.pos + width);
    this.pos += width;
    return out;
  }

  bytes(max: number, field: string): Uint8Array {
    const n = this.length(max, field);
    return this.fixed(n, field);
  }

  version(expected: number, what: string): void {
    const v = this.u8(`${what} version`);
    if (v !== expected) {
      throw new ProtocolError(ProtocolErrorCode.unknownVersion, `${what} version ${v} is not known (expected ${expected})`, {
        meta: { version: v },
      });
    }
  }

  end(what: string): void {
    if (this.pos !== this.buf.length) {
      throw new ProtocolError(ProtocolErrorCode.trailingBytes, `${this.buf.length - this.pos} bytes after the ${what}`, {
        meta: { offset: this.pos },
      });
    }
  }
}
