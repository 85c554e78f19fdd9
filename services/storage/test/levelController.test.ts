import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Bucket } from '../src/buckets.js';
import type { BatchOp } from '../src/databaseController.js';
import { StorageError, StorageErrorCode } from '../src/errors.js';
import { LevelDatabaseController } from '../src/levelController.js';
import type { StorageBackend } from '../src/options.js';
import { bytes, collect, controllers, makeTempDir, openController, removeDir, utf8 } from './tempDir.js';
import type { DatabaseController } from '../src/databaseController.js';

async function expectCode(promise: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  const err = await promise.then(
    () => {
      throw new Error(`expected a StorageError ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StorageError);
  expect((err as StorageError).code).toBe(code);
  return err as StorageError;
}

/** A child process that opens `path` with the backend directly and holds it until killed. */
async function holdInAnotherProcess(backend: StorageBackend, path: string): Promise<ChildProcess> {
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(join(process.cwd(), 'package.json'))});
    const Level = ${JSON.stringify(backend)} === 'rocksdb'
      ? require('@nxtedition/rocksdb').RocksLevel
      : require('classic-level').ClassicLevel;
    const db = new Level(${JSON.stringify(path)});
    await db.open();
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`holder exited with ${code}: ${stderr}`)));
  });
  return child;
}

describe.each(controllers)('DatabaseController, %s, on %s', (where, backend) => {
  let dir: string;
  let db: DatabaseController | undefined;

  const open = (extra: Partial<Parameters<typeof LevelDatabaseController.create>[0]> = {}) =>
    openController(where, { path: dir, backend, ...extra });

  beforeEach(async () => {
    dir = await makeTempDir();
    db = await open();
  });

  afterEach(async () => {
    await db?.close();
    db = undefined;
    await removeDir(dir);
  });

  const opened = (): DatabaseController => {
    if (db === undefined) throw new Error('no database');
    return db;
  };

  describe('put, get, del', () => {
    it('when a value is put, then get returns it', async () => {
      await opened().put(Bucket.account, utf8('alice'), utf8('100'));
      expect(await opened().get(Bucket.account, utf8('alice'))).toEqual(utf8('100'));
    });

    it('when a key was never written, then get returns null', async () => {
      expect(await opened().get(Bucket.account, utf8('nobody'))).toBeNull();
    });

    it('when a key is deleted, then get returns null, and deleting it again is not an error', async () => {
      await opened().put(Bucket.account, utf8('alice'), utf8('100'));
      await opened().del(Bucket.account, utf8('alice'));
      expect(await opened().get(Bucket.account, utf8('alice'))).toBeNull();
      await opened().del(Bucket.account, utf8('alice'));
    });

    it('when a key is put twice, then the second value wins', async () => {
      await opened().put(Bucket.account, utf8('k'), utf8('1'));
      await opened().put(Bucket.account, utf8('k'), utf8('2'), { sync: true });
      expect(await opened().get(Bucket.account, utf8('k'))).toEqual(utf8('2'));
    });

    it('when getMany asks for present and absent keys, then it answers in order with null for absent', async () => {
      await opened().put(Bucket.account, utf8('a'), utf8('1'));
      await opened().put(Bucket.account, utf8('c'), utf8('3'));
      expect(await opened().getMany(Bucket.account, [utf8('c'), utf8('b'), utf8('a')])).toEqual([
        utf8('3'),
        null,
        utf8('1'),
      ]);
      expect(await opened().getMany(Bucket.account, [])).toEqual([]);
    });

    it('when the key and the value are empty, then they round-trip', async () => {
      await opened().put(Bucket.meta, new Uint8Array(0), new Uint8Array(0));
      expect(await opened().get(Bucket.meta, new Uint8Array(0))).toEqual(new Uint8Array(0));
      expect(await collect(opened().entries(Bucket.meta))).toEqual([[new Uint8Array(0), new Uint8Array(0)]]);
    });

    it('when the key is a view into a larger buffer, then only the viewed bytes are the key', async () => {
      const backing = utf8('xxkeyxx');
      await opened().put(Bucket.account, backing.subarray(2, 5), utf8('v'));
      expect(await opened().get(Bucket.account, utf8('key'))).toEqual(utf8('v'));
    });

    it('when a returned value is mutated, then the stored value is unchanged', async () => {
      await opened().put(Bucket.account, utf8('k'), utf8('abc'));
      const first = await opened().get(Bucket.account, utf8('k'));
      first?.fill(0);
      const [[key, value]] = (await collect(opened().entries(Bucket.account))) as [[Uint8Array, Uint8Array]];
      key.fill(0);
      value.fill(0);
      expect(await opened().get(Bucket.account, utf8('k'))).toEqual(utf8('abc'));
    });

    it('when values come back, then they are plain Uint8Arrays, not Buffers', async () => {
      await opened().put(Bucket.account, utf8('k'), utf8('abc'));
      const value = await opened().get(Bucket.account, utf8('k'));
      expect(value?.constructor).toBe(Uint8Array);
    });
  });

  describe('buckets', () => {
    it('when the same key is put in two buckets, then each bucket sees only its own value', async () => {
      const key = bytes(1, 2, 3);
      await opened().put(Bucket.account, key, utf8('account'));
      await opened().put(Bucket.blockHeader, key, utf8('header'));
      expect(await opened().get(Bucket.account, key)).toEqual(utf8('account'));
      expect(await opened().get(Bucket.blockHeader, key)).toEqual(utf8('header'));
      expect(await opened().get(Bucket.blockBody, key)).toBeNull();
      expect(await collect(opened().entries(Bucket.account))).toEqual([[key, utf8('account')]]);
      expect(await collect(opened().entries(Bucket.blockHeader))).toEqual([[key, utf8('header')]]);
    });

    it('when a bucket is deleted from, then the same key in another bucket stays', async () => {
      await opened().put(Bucket.account, utf8('k'), utf8('a'));
      await opened().put(Bucket.meta, utf8('k'), utf8('m'));
      await opened().del(Bucket.account, utf8('k'));
      expect(await opened().get(Bucket.meta, utf8('k'))).toEqual(utf8('m'));
    });

    it('when keys of a bucket start with 0xff, then iterating it does not run into the next bucket', async () => {
      await opened().put(Bucket.account, bytes(0xff, 0xff), utf8('last of account'));
      await opened().put(Bucket.blockHeader, new Uint8Array(0), utf8('first of header'));
      await opened().put(Bucket.meta, bytes(0xff), utf8('last of meta'));
      expect(await collect(opened().entries(Bucket.account))).toEqual([[bytes(0xff, 0xff), utf8('last of account')]]);
    });

    it('when a bucket id is not one of the enum, then the call fails with INVALID_ARGUMENT', async () => {
      await expectCode(opened().put(42 as Bucket, utf8('k'), utf8('v')), StorageErrorCode.invalidArgument);
      await expectCode(opened().get(-1 as Bucket, utf8('k')), StorageErrorCode.invalidArgument);
      expect(() => opened().entries(1.5 as Bucket)).toThrow(StorageError);
    });
  });

  describe('entries', () => {
    const keys = [bytes(0), bytes(0, 0), bytes(0, 1), bytes(1), bytes(1, 0xff), bytes(2), bytes(0xff)];

    beforeEach(async () => {
      // Written out of order: the order that comes back is the store's, not ours.
      const shuffled = [...keys].reverse();
      await opened().batch(
        shuffled.map((key, i) => ({ type: 'put', bucket: Bucket.operationLog, key, value: bytes(i) }) as const),
      );
      await opened().put(Bucket.blockHashByHeight, bytes(0), utf8('other bucket'));
    });

    const keysOf = (entries: [Uint8Array, Uint8Array][]) => entries.map(([k]) => Array.from(k));

    it('when a whole bucket is iterated, then its keys come in byte order, shorter first on a common prefix', async () => {
      const all = await collect(opened().entries(Bucket.operationLog));
      expect(keysOf(all)).toEqual(keys.map((k) => Array.from(k)));
    });

    it('when a range [gte, lt) is given, then gte is included and lt is not', async () => {
      const some = await collect(opened().entries(Bucket.operationLog, { gte: bytes(0, 1), lt: bytes(2) }));
      expect(keysOf(some)).toEqual([[0, 1], [1], [1, 0xff]]);
    });

    it('when only gte or only lt is given, then the range is open on the other side', async () => {
      expect(keysOf(await collect(opened().entries(Bucket.operationLog, { gte: bytes(2) })))).toEqual([[2], [0xff]]);
      expect(keysOf(await collect(opened().entries(Bucket.operationLog, { lt: bytes(0, 1) })))).toEqual([[0], [0, 0]]);
    });

    it('when a limit is given, then at most that many entries come, the first ones', async () => {
      expect(keysOf(await collect(opened().entries(Bucket.operationLog, { limit: 2 })))).toEqual([[0], [0, 0]]);
      expect(keysOf(await collect(opened().entries(Bucket.operationLog, { gte: bytes(1), limit: 1 })))).toEqual([[1]]);
      expect(await collect(opened().entries(Bucket.operationLog, { limit: 0 }))).toEqual([]);
    });

    it('when the range is empty or reversed, then nothing comes', async () => {
      expect(await collect(opened().entries(Bucket.operationLog, { gte: bytes(1), lt: bytes(1) }))).toEqual([]);
      expect(await collect(opened().entries(Bucket.operationLog, { gte: bytes(2), lt: bytes(1) }))).toEqual([]);
      expect(await collect(opened().entries(Bucket.account))).toEqual([]);
    });

    it('when the limit is negative or fractional, then entries fails with INVALID_ARGUMENT', () => {
      expect(() => opened().entries(Bucket.operationLog, { limit: -1 })).toThrow(StorageError);
      expect(() => opened().entries(Bucket.operationLog, { limit: 1.5 })).toThrow(StorageError);
    });

    it('when more entries exist than one chunk holds, then all of them come in order', async () => {
      const n = 2500;
      const ops: BatchOp[] = [];
      for (let i = 0; i < n; i++) {
        ops.push({ type: 'put', bucket: Bucket.blockHeader, key: bytes(i >> 8, i & 0xff), value: bytes(i & 0xff) });
      }
      await opened().batch(ops);
      const all = await collect(opened().entries(Bucket.blockHeader));
      expect(all).toHaveLength(n);
      expect(all.every(([k], i) => ((k[0] as number) << 8) + (k[1] as number) === i)).toBe(true);
    });

    it('when the loop breaks early, then the iterator is released and the database closes', async () => {
      for await (const [key] of opened().entries(Bucket.operationLog)) {
        expect(key).toEqual(bytes(0));
        break;
      }
      await opened().close();
    });
  });

  describe('batch', () => {
    it('when a batch puts in several buckets and deletes, then all of it lands', async () => {
      await opened().put(Bucket.account, utf8('gone'), utf8('x'));
      await opened().batch(
        [
          { type: 'put', bucket: Bucket.account, key: utf8('a'), value: utf8('1') },
          { type: 'put', bucket: Bucket.blockHeader, key: utf8('h'), value: utf8('2') },
          { type: 'del', bucket: Bucket.account, key: utf8('gone') },
        ],
        { sync: true },
      );
      expect(await opened().get(Bucket.account, utf8('a'))).toEqual(utf8('1'));
      expect(await opened().get(Bucket.blockHeader, utf8('h'))).toEqual(utf8('2'));
      expect(await opened().get(Bucket.account, utf8('gone'))).toBeNull();
    });

    it('when a batch writes the same key twice, then the later op wins', async () => {
      await opened().batch([
        { type: 'put', bucket: Bucket.account, key: utf8('k'), value: utf8('1') },
        { type: 'del', bucket: Bucket.account, key: utf8('k') },
        { type: 'put', bucket: Bucket.account, key: utf8('j'), value: utf8('1') },
        { type: 'put', bucket: Bucket.account, key: utf8('j'), value: utf8('2') },
      ]);
      expect(await opened().get(Bucket.account, utf8('k'))).toBeNull();
      expect(await opened().get(Bucket.account, utf8('j'))).toEqual(utf8('2'));
    });

    it('when a batch is empty, then it resolves and writes nothing', async () => {
      await opened().batch([]);
      expect(await collect(opened().entries(Bucket.account))).toEqual([]);
    });

    const good: BatchOp[] = [
      { type: 'put', bucket: Bucket.account, key: utf8('a'), value: utf8('1') },
      { type: 'del', bucket: Bucket.account, key: utf8('existing') },
      { type: 'put', bucket: Bucket.meta, key: utf8('b'), value: utf8('2') },
    ];
    const invalidOps: [string, unknown][] = [
      ['a string key', { type: 'put', bucket: Bucket.account, key: 'c', value: utf8('3') }],
      ['a number key', { type: 'del', bucket: Bucket.account, key: 7 }],
      ['a null value', { type: 'put', bucket: Bucket.account, key: utf8('c'), value: null }],
      ['an array value', { type: 'put', bucket: Bucket.account, key: utf8('c'), value: [1, 2] }],
      ['an unknown bucket', { type: 'put', bucket: 99, key: utf8('c'), value: utf8('3') }],
      ['an unknown type', { type: 'merge', bucket: Bucket.account, key: utf8('c'), value: utf8('3') }],
      ['null', null],
    ];

    it.each(invalidOps)('when a batch contains %s as its last op, then nothing of it is written', async (_, bad) => {
      await opened().put(Bucket.account, utf8('existing'), utf8('kept'));
      await expectCode(opened().batch([...good, bad as BatchOp]), StorageErrorCode.invalidArgument);
      expect(await opened().get(Bucket.account, utf8('a'))).toBeNull();
      expect(await opened().get(Bucket.meta, utf8('b'))).toBeNull();
      expect(await opened().get(Bucket.account, utf8('existing'))).toEqual(utf8('kept'));
    });

    it('when sync is not a boolean, then the batch fails with INVALID_ARGUMENT and writes nothing', async () => {
      await expectCode(
        opened().batch(good, { sync: 'yes' as unknown as boolean }),
        StorageErrorCode.invalidArgument,
      );
      expect(await opened().get(Bucket.account, utf8('a'))).toBeNull();
    });
  });

  describe('lifecycle', () => {
    it('when the database is closed and opened again, then the data is still there', async () => {
      await opened().batch([
        { type: 'put', bucket: Bucket.account, key: utf8('a'), value: utf8('1') },
        { type: 'put', bucket: Bucket.blockHashByHeight, key: bytes(0, 0, 0, 0, 0, 0, 0, 7), value: utf8('h7') },
      ]);
      await opened().put(Bucket.meta, utf8('height'), bytes(7), { sync: true });
      await opened().close();
      db = await open({ createIfMissing: false });
      expect(await db.get(Bucket.account, utf8('a'))).toEqual(utf8('1'));
      expect(await db.get(Bucket.meta, utf8('height'))).toEqual(bytes(7));
      expect(await collect(db.entries(Bucket.blockHashByHeight))).toEqual([[bytes(0, 0, 0, 0, 0, 0, 0, 7), utf8('h7')]]);
    });

    it('when the path is already open in this process, then a second open fails with DB_LOCKED', async () => {
      const err = await expectCode(open(), StorageErrorCode.locked);
      if (where === 'same thread') expect(err.cause).toBeDefined(); // the storage thread sends code and message only
      expect(err.fatal).toBe(false);
      // The first handle is unaffected.
      await opened().put(Bucket.account, utf8('k'), utf8('v'));
    });

    it('when another process holds the database, then open fails with DB_LOCKED', async () => {
      await opened().close();
      const child = await holdInAnotherProcess(backend, dir);
      try {
        await expectCode(open(), StorageErrorCode.locked);
      } finally {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      db = await open();
    });

    it('when the database is closed, then every operation fails with DB_CLOSED and close again resolves', async () => {
      const closed = opened();
      await closed.close();
      await expectCode(closed.get(Bucket.account, utf8('k')), StorageErrorCode.closed);
      await expectCode(closed.getMany(Bucket.account, [utf8('k')]), StorageErrorCode.closed);
      await expectCode(closed.put(Bucket.account, utf8('k'), utf8('v')), StorageErrorCode.closed);
      await expectCode(closed.del(Bucket.account, utf8('k')), StorageErrorCode.closed);
      await expectCode(closed.batch([]), StorageErrorCode.closed);
      expect(() => closed.entries(Bucket.account)).toThrow(expect.objectContaining({ code: StorageErrorCode.closed }));
      await closed.close();
    });

    it('when the database closes while an iterator is open, then the iteration fails with DB_CLOSED', async () => {
      const ops: BatchOp[] = [];
      for (let i = 0; i < 3000; i++) ops.push({ type: 'put', bucket: Bucket.account, key: bytes(i >> 8, i & 0xff), value: bytes(1) });
      await opened().batch(ops);
      const it = opened().entries(Bucket.account)[Symbol.asyncIterator]();
      await it.next();
      await opened().close();
      await expectCode(
        (async () => {
          for (let r = await it.next(); !r.done; r = await it.next());
        })(),
        StorageErrorCode.closed,
      );
    });

    it('when CURRENT is corrupt, then open fails with DB_CORRUPTED, fatal', async () => {
      await opened().put(Bucket.account, utf8('k'), utf8('v'));
      await opened().close();
      db = undefined;
      await writeFile(join(dir, 'CURRENT'), 'garbage without a newline');
      const err = await expectCode(open(), StorageErrorCode.corrupted);
      expect(err.fatal).toBe(true);
    });

    it('when createIfMissing is false and there is no database, then open fails with DB_NOT_FOUND', async () => {
      await expectCode(open({ path: join(dir, 'absent'), createIfMissing: false }), StorageErrorCode.notFound);
      expect(await readdir(dir)).not.toContain('absent');
    });

    it('when the path is a file, then open fails with DB_IO', async () => {
      const file = join(dir, 'a-file');
      await writeFile(file, 'x');
      await expectCode(open({ path: file }), StorageErrorCode.io);
    });

    it.each([
      ['an unknown backend', { backend: 'sqlite' as StorageBackend }],
      ['an empty path', { path: '' }],
      ['a negative cache', { cacheSizeBytes: -1 }],
      ['a fractional write buffer', { writeBufferSizeBytes: 1.5 }],
      ['a non-boolean sync', { sync: 1 as unknown as boolean }],
    ])('when the options have %s, then create fails with INVALID_ARGUMENT', async (_, bad) => {
      await expectCode(open(bad), StorageErrorCode.invalidArgument);
    });
  });
});
