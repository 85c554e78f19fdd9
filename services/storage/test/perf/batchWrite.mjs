/* global console, process, Buffer */
/* eslint-disable no-console -- a measurement run by hand: printing the table is its job */
// Batch-write measurement, run by hand (not a jest test): one block commit's worth of puts,
// 200,000 × 90-byte values under 32-byte keys, in one batch, on each backend, sync on and off.
//
//   npx tsc -p tsconfig.build.json && node services/storage/test/perf/batchWrite.mjs [n] [rounds]
//
// Part 1 goes through LevelDatabaseController.batch (what the ledger pays). Part 2 calls the
// backends directly to show why batch() uses the chained form: abstract-level's array form
// `db.batch(ops)` against the chained form `db.batch().put(…)….write()`.
// Every case runs in a fresh database; the table shows the median over rounds.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchBatchWrite } from '../../../../dist/services/storage/src/index.js';

const n = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (name, rate, ms, stall) =>
  `${name.padEnd(34)} ${Math.round(rate).toString().padStart(9)} ${ms.toFixed(0).padStart(9)} ${stall === undefined ? '' : stall.toFixed(0).padStart(9)}`;

console.log(`batch of ${n} puts (32-byte keys, 90-byte values), median of ${rounds} rounds, node ${process.version}`);

// Part 1: the controller.
const cases = [];
for (const backend of ['rocksdb', 'classic-level']) for (const sync of [true, false]) cases.push({ backend, sync });
const results = new Map(cases.map((c) => [`controller ${c.backend} sync=${c.sync}`, []]));
for (let round = 0; round < rounds; round++) {
  for (const { backend, sync } of cases) {
    results.get(`controller ${backend} sync=${sync}`).push(await benchBatchWrite(backend, n, { sync }));
  }
}
console.log(`${'case'.padEnd(34)} ${'puts/s'.padStart(9)} ${'batch ms'.padStart(9)} ${'stall ms'.padStart(9)}`);
for (const [name, rs] of results) {
  console.log(
    row(
      name,
      median(rs.map((r) => r.putsPerSecond)),
      median(rs.map((r) => r.seconds * 1000)),
      median(rs.map((r) => r.maxEventLoopDelayMs)),
    ),
  );
}

// Part 2: the backends directly, array form vs chained form, Buffer keys and values, sync on.
const require = createRequire(import.meta.url);
const { RocksLevel } = require('@nxtedition/rocksdb');
const { ClassicLevel } = require('classic-level');
const keys = [];
const values = [];
let x = 0x9e3779b9;
const fill = (b) => {
  for (let i = 0; i < b.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
};
for (let i = 0; i < n; i++) {
  keys.push(fill(Buffer.alloc(33)));
  values.push(fill(Buffer.alloc(90)));
}
const raw = new Map();
for (let round = 0; round < rounds; round++) {
  for (const [name, Level] of [
    ['rocksdb', RocksLevel],
    ['classic-level', ClassicLevel],
  ]) {
    for (const form of ['array', 'chained']) {
      const dir = await mkdtemp(join(tmpdir(), 'bench-raw-'));
      const db = new Level(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
      await db.open();
      const start = process.hrtime.bigint();
      if (form === 'array') {
        await db.batch(
          keys.map((key, i) => ({ type: 'put', key, value: values[i] })),
          { sync: true },
        );
      } else {
        const batch = db.batch();
        for (let i = 0; i < n; i++) batch.put(keys[i], values[i]);
        await batch.write({ sync: true });
      }
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      await db.close();
      await rm(dir, { recursive: true, force: true });
      const key = `raw ${name} ${form} sync=true`;
      raw.set(key, [...(raw.get(key) ?? []), ms]);
    }
  }
}
for (const [name, mss] of raw) console.log(row(name, n / (median(mss) / 1000), median(mss)));
