import fc from 'fast-check';
import { bytesToKey, compareBytes, keyToBytes } from '../../protocol/src/bytes.js';
import { Bucket } from '../src/buckets.js';
import type { BatchOp } from '../src/databaseController.js';
import { PackedBatchWriter } from '../src/packedBatch.js';
import { collect, controllers, makeTempDir, openController, removeDir } from './tempDir.js';

const modelBuckets = [Bucket.meta, Bucket.account, Bucket.operationLog, Bucket.blockHashByHeight] as const;

// Short keys over a small alphabet so that batches overwrite and delete each other's keys.
const keyArb = fc.uint8Array({ minLength: 0, maxLength: 3, max: 3 });
const valueArb = fc.uint8Array({ minLength: 0, maxLength: 24 });
const bucketArb = fc.constantFrom(...modelBuckets);
const opArb: fc.Arbitrary<BatchOp> = fc.oneof(
  fc.record({ type: fc.constant('put' as const), bucket: bucketArb, key: keyArb, value: valueArb }),
  fc.record({ type: fc.constant('del' as const), bucket: bucketArb, key: keyArb }),
);
const batchesArb = fc.array(fc.record({ ops: fc.array(opArb, { maxLength: 30 }), sync: fc.boolean() }), {
  maxLength: 8,
});

/** The model: one sorted map per bucket, keyed by the key's bytes as a latin1 string. */
type Model = Map<Bucket, Map<string, Uint8Array>>;

function applyToModel(model: Model, ops: readonly BatchOp[]): void {
  for (const op of ops) {
    let bucket = model.get(op.bucket);
    if (bucket === undefined) model.set(op.bucket, (bucket = new Map()));
    if (op.type === 'put') bucket.set(bytesToKey(op.key), op.value.slice());
    else bucket.delete(bytesToKey(op.key));
  }
}

function modelEntries(model: Model, bucket: Bucket): [Uint8Array, Uint8Array][] {
  const entries = [...(model.get(bucket) ?? new Map<string, Uint8Array>())].map(
    ([k, v]) => [keyToBytes(k), v] as [Uint8Array, Uint8Array],
  );
  return entries.sort(([a], [b]) => compareBytes(a, b));
}

describe.each(controllers)('batches against a Map model, %s, on %s', (where, backend) => {
  it('when a random sequence of batches is written and the database reopened, then every bucket equals the model', async () => {
    await fc.assert(
      fc.asyncProperty(batchesArb, async (batches) => {
        const dir = await makeTempDir();
        try {
          const model: Model = new Map();
          let db = await openController(where, { path: dir, backend });
          try {
            for (const [i, { ops, sync }] of batches.entries()) {
              // Every other batch goes in packed: both ways must write the same.
              if (i % 2 === 1) {
                const w = new PackedBatchWriter(16);
                for (const op of ops) if (op.type === 'put') w.put(op.bucket, op.key, op.value); else w.del(op.bucket, op.key);
                await db.batchPacked(w.finish(), { sync });
              } else {
                await db.batch(ops, { sync });
              }
              applyToModel(model, ops);
            }
          } finally {
            await db.close();
          }

          db = await openController(where, { path: dir, backend, createIfMissing: false });
          try {
            for (const bucket of modelBuckets) {
              const expected = modelEntries(model, bucket);
              expect(await collect(db.entries(bucket))).toEqual(expected);
              const got = await db.getMany(
                bucket,
                expected.map(([k]) => k),
              );
              expect(got).toEqual(expected.map(([, v]) => v));
            }
          } finally {
            await db.close();
          }
        } finally {
          await removeDir(dir);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('when a packed batch has a malformed record after good ones, then it is refused with INVALID_ARGUMENT and nothing of it is written', async () => {
    const dir = await makeTempDir();
    try {
      const db = await openController(where, { path: dir, backend });
      try {
        const w = new PackedBatchWriter(16);
        for (let i = 0; i < 50; i++) w.put(Bucket.meta, Uint8Array.of(i), Uint8Array.of(i, i));
        const good = w.finish();
        const bad = new Uint8Array(good.length + 8);
        bad.set(good);
        bad.set([1, 0, 0, 0, 0, 0, 0, 200], good.length); // a put into bucket 200, which does not exist
        await expect(db.batchPacked(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        expect(await collect(db.entries(Bucket.meta))).toEqual([]);
      } finally {
        await db.close();
      }
    } finally {
      await removeDir(dir);
    }
  });
});
