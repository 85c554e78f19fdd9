import fc from 'fast-check';
import { Bucket } from '../src/buckets.js';
import type { BatchOp } from '../src/databaseController.js';
import { StorageErrorCode } from '../src/errors.js';
import { decodePackedBatch, PackedBatchWriter, validatePackedBatch } from '../src/packedBatch.js';

const bucketArb = fc.constantFrom(Bucket.meta, Bucket.account, Bucket.blockHeader, Bucket.operationLog);
const opArb: fc.Arbitrary<BatchOp> = fc.oneof(
  fc.record({ type: fc.constant('put' as const), bucket: bucketArb, key: fc.uint8Array({ maxLength: 40 }), value: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ type: fc.constant('del' as const), bucket: bucketArb, key: fc.uint8Array({ maxLength: 40 }) }),
);

function pack(ops: readonly BatchOp[], initial = 8): Uint8Array {
  const w = new PackedBatchWriter(initial);
  for (const op of ops) {
    if (op.type === 'put') w.put(op.bucket, op.key, op.value);
    else w.del(op.bucket, op.key);
  }
  return w.finish();
}

const invalid = expect.objectContaining({ code: StorageErrorCode.invalidArgument });

describe('packed batches', () => {
  it('when any list of ops is packed, then decoding gives it back in order', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        expect(decodePackedBatch(pack(ops))).toEqual(ops);
      }),
      { numRuns: 300 },
    );
  });

  it('when a put is written in place, then it decodes like put() and only the bytes written count', () => {
    const w = new PackedBatchWriter(4);
    const at = w.beginPut(Bucket.account, 3, 100);
    w.bytes.set([1, 2, 3], at);
    w.bytes.set([9, 8], at + 3);
    w.endPut(at + 5);
    w.put(Bucket.meta, Uint8Array.of(7), Uint8Array.of(6));
    expect(decodePackedBatch(w.finish())).toEqual([
      { type: 'put', bucket: Bucket.account, key: Uint8Array.of(1, 2, 3), value: Uint8Array.of(9, 8) },
      { type: 'put', bucket: Bucket.meta, key: Uint8Array.of(7), value: Uint8Array.of(6) },
    ]);
  });

  it('when an in-place put overruns what it reserved, or puts are misused, then the writer refuses', () => {
    const w = new PackedBatchWriter();
    const at = w.beginPut(Bucket.account, 2, 4);
    expect(() => w.beginPut(Bucket.account, 2, 4)).toThrow(invalid);
    expect(() => w.finish()).toThrow(invalid);
    expect(() => w.endPut(at + 2 + 5)).toThrow(invalid);
    expect(() => new PackedBatchWriter().endPut(0)).toThrow(invalid);
    expect(() => new PackedBatchWriter().put(99 as Bucket, Uint8Array.of(1), Uint8Array.of(1))).toThrow(invalid);
    expect(() => new PackedBatchWriter().put(Bucket.meta, new Uint8Array(70_000), Uint8Array.of(1))).toThrow(invalid);
  });

  it('when the bytes are cut or altered, then decoding refuses with INVALID_ARGUMENT or gives well-formed ops, never a raw exception', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 10 }), fc.nat(), fc.nat(255), fc.boolean(), (ops, at, byte, cut) => {
        const packed = pack(ops).slice();
        const i = at % packed.length;
        const bad = cut ? packed.subarray(0, i) : (packed.fill(byte, i, i + 1), packed);
        try {
          for (const op of decodePackedBatch(bad)) expect(['put', 'del']).toContain(op.type);
        } catch (err) {
          expect(err).toEqual(invalid);
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    // kind | key length u16 LE | value length u32 LE | bucket | key | value
    ['a truncated header', Uint8Array.of(1, 0, 1)],
    ['an unknown bucket', Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 200)],
    ['a record past the end', Uint8Array.of(1, 5, 0, 0, 0, 0, 0, 0, 1, 2)],
    ['an unknown kind', Uint8Array.of(7, 0, 0, 0, 0, 0, 0, 0)],
    ['a delete with a value', Uint8Array.of(2, 0, 0, 1, 0, 0, 0, 0, 1)],
  ])('when the batch has %s, then it is refused whole, by the validator too', (_name, bytes) => {
    expect(() => decodePackedBatch(bytes)).toThrow(invalid);
    expect(() => validatePackedBatch(bytes)).toThrow(invalid);
  });

  it('when any batch, whole or damaged, is validated, then it agrees with decoding: the same record count, or the same refusal', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 20 }), fc.nat(), fc.nat(255), fc.boolean(), fc.boolean(), (ops, at, byte, damage, cut) => {
        let bytes = pack(ops).slice();
        if (damage && bytes.length > 0) {
          const i = at % bytes.length;
          bytes = cut ? bytes.subarray(0, i) : (bytes.fill(byte, i, i + 1), bytes);
        }
        let decoded: BatchOp[] | 'refused';
        try {
          decoded = decodePackedBatch(bytes);
        } catch {
          decoded = 'refused';
        }
        if (decoded === 'refused') expect(() => validatePackedBatch(bytes)).toThrow(invalid);
        else expect(validatePackedBatch(bytes)).toBe(decoded.length);
      }),
      { numRuns: 500 },
    );
  });
});
