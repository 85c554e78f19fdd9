/**
 * Unsigned LEB128, canonical: the shortest form only (no trailing 0x00 group), and bounded by
 * the field's width. Values up to 2^53 take a Number fast path; wider ones fall back to bigint.
 */
export const U64_MAX = (1n << 64n) - 1n;
export const U128_MAX = (1n << 128n) - 1n;

/** Bytes a varint of `bits` width may take at most. */
export function maxVarintBytes(bits: number): number {
  return Math.ceil(bits / 7);
}

/** Encoded length of a non-negative bigint. */
export function varintLength(value: bigint): number {
  if (value < 0x80n) return 1;
  let n = 0;
  if (value <= 0x1fffffffffffffn) {
    let v = Number(value);
    while (v >= 0x80) {
      v = Math.floor(v / 128);
      n++;
    }
    return n + 1;
  }
  let v = value;
  while (v >= 0x80n) {
    v >>= 7n;
    n++;
  }
  return n + 1;
}

/** LEB128 into a buffer with room (19 bytes covers u128); returns the end offset. Values below 2^53 stay in Number arithmetic. */
export function writeVarintInto(out: Uint8Array, offset: number, value: bigint): number {
  if (value <= 0x1fffffffffffffn) {
    let v = Number(value);
    while (v >= 0x80) {
      out[offset++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    out[offset++] = v;
    return offset;
  }
  let v = value;
  while (v >= 0x80n) {
    out[offset++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  out[offset++] = Number(v);
  return offset;
}
