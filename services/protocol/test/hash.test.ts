import { createHash, randomBytes } from 'node:crypto';
import native from '@clusterchain/native';
import { sha256, sha256Implementation, sha256Spans, EMPTY_HASH } from '../src/hash.js';

const reference = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

/** Runs `body` with the native hasher forced onto each of its compressions in turn. */
function onEachCompression(body: (name: string) => void): void {
  for (const portable of [false, true]) {
    native.usePortable(portable);
    try {
      body(sha256Implementation());
    } finally {
      native.usePortable(false);
    }
  }
}

describe('native batched SHA-256 equals node:crypto', () => {
  it('uses the SHA extensions when the CPU has them', () => {
    // Not an assertion on the machine: it documents what ran, and both paths are tested below.
    expect(['sha-ni', 'portable']).toContain(sha256Implementation());
  });

  it('every length 0..300 and the padding edges, on both compressions', () => {
    const input = randomBytes(2000);
    onEachCompression((impl) => {
      const lengths = [...Array.from({ length: 301 }, (_, i) => i), 447, 448, 511, 512, 513, 1023, 1024, 1999];
      const spans = new Uint32Array(lengths.length * 2);
      lengths.forEach((len, i) => {
        const start = (i * 37) % (input.length - len);
        spans[2 * i] = start;
        spans[2 * i + 1] = start + len;
      });
      const out = new Uint8Array(32 * lengths.length);
      sha256Spans(input, spans, lengths.length, out, null);
      lengths.forEach((_, i) => {
        const expected = reference(input.subarray(spans[2 * i], spans[2 * i + 1]));
        expect({ impl, i, hex: Buffer.from(out.subarray(32 * i, 32 * i + 32)).toString('hex') }).toEqual({ impl, i, hex: expected.toString('hex') });
      });
    });
  });

  it('10,000 random spans, written to scattered slots', () => {
    const input = randomBytes(1 << 16);
    onEachCompression(() => {
      const n = 10_000;
      const spans = new Uint32Array(2 * n);
      const slots = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const start = Math.floor(Math.random() * (input.length - 700));
        spans[2 * i] = start;
        spans[2 * i + 1] = start + Math.floor(Math.random() * 700);
        slots[i] = (i * 7919) % (n + 13); // a permutation into a larger arena
      }
      const arena = new Uint8Array(32 * (n + 13));
      sha256Spans(input, spans, n, arena, slots);
      let mismatches = 0;
      for (let i = 0; i < n; i++) {
        const at = 32 * (slots[i] as number);
        if (!reference(input.subarray(spans[2 * i], spans[2 * i + 1])).equals(arena.subarray(at, at + 32))) mismatches++;
      }
      expect(mismatches).toBe(0);
    });
  });

  it('sha256 and EMPTY_HASH', () => {
    expect(Buffer.from(EMPTY_HASH).toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const data = randomBytes(1000);
    for (let len = 0; len <= 1000; len += 7) expect(Buffer.from(sha256(data.subarray(0, len)))).toEqual(reference(data.subarray(0, len)));
  });

  describe('refuses bad arguments before writing anything', () => {
    const input = new Uint8Array(100);
    const out = new Uint8Array(64).fill(0xaa);
    const untouched = () => expect(out.every((b) => b === 0xaa)).toBe(true);
    it.each([
      ['a span past the end', () => sha256Spans(input, Uint32Array.of(0, 10, 90, 101), 2, out, null)],
      ['a span that ends before it starts', () => sha256Spans(input, Uint32Array.of(0, 10, 50, 40), 2, out, null)],
      ['more digests than out holds', () => sha256Spans(input, Uint32Array.of(0, 1, 0, 1, 0, 1), 3, out, null)],
      ['a slot outside out', () => sha256Spans(input, Uint32Array.of(0, 1, 0, 1), 2, out, Uint32Array.of(0, 2))],
      ['fewer spans than count', () => sha256Spans(input, Uint32Array.of(0, 1), 2, out, null)],
      ['fewer slots than count', () => sha256Spans(input, Uint32Array.of(0, 1, 0, 1), 2, out, Uint32Array.of(0))],
      ['spans of the wrong type', () => sha256Spans(input, new Uint16Array(4) as unknown as Uint32Array, 2, out, null)],
      ['input of the wrong type', () => sha256Spans([1, 2] as unknown as Uint8Array, Uint32Array.of(0, 1), 1, out, null)],
    ])('%s', (_name, call) => {
      expect(call).toThrow(expect.objectContaining({ name: 'RangeError', code: 'ERR_SHA256_BATCH' }));
      untouched();
    });
  });
});
