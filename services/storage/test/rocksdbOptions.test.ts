import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LevelDatabaseController } from '../src/levelController.js';
import { makeTempDir, removeDir } from './tempDir.js';

/**
 * What RocksDB itself says it was opened with: the OPTIONS file it writes beside the data.
 * Our options must reach it, not just our option object.
 */
async function rocksdbOptions(path: string): Promise<Map<string, string>> {
  const names = (await readdir(path)).filter((n) => n.startsWith('OPTIONS-')).sort();
  const latest = names.at(-1);
  if (latest === undefined) throw new Error(`no OPTIONS file in ${path}`);
  const text = await readFile(join(path, latest), 'utf8');
  // The default column family's section comes first; its keys are what a table file gets.
  const section = text.slice(text.indexOf('[CFOptions "default"]'));
  return new Map(
    section
      .split('\n')
      .map((line) => line.trim().match(/^([a-z_0-9]+)=(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => [m[1] as string, m[2] as string] as const)
      .filter(([k], i, all) => all.findIndex(([other]) => other === k) === i),
  );
}

describe('RocksDB as opened', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(dir);
  });

  test('compression: L0 and L1 stay plain, ZSTD from L2 down; the memtable is writeBufferSizeBytes', async () => {
    const path = join(dir, 'db');
    const db = await LevelDatabaseController.create({ path, backend: 'rocksdb', writeBufferSizeBytes: 8 * 1024 * 1024, compression: true });
    try {
      const o = await rocksdbOptions(path);
      expect(o.get('write_buffer_size')).toBe(String(8 * 1024 * 1024));
      const levels = (o.get('compression_per_level') ?? '').split(':');
      expect(levels.slice(0, 2)).toEqual(['kNoCompression', 'kNoCompression']);
      expect(levels.length).toBeGreaterThan(2);
      expect(new Set(levels.slice(2))).toEqual(new Set(['kZSTD']));
      expect(o.get('compaction_style')).toBe('kCompactionStyleLevel');
    } finally {
      await db.close();
    }
  });

  test('no compression: no level compresses', async () => {
    const path = join(dir, 'db');
    const db = await LevelDatabaseController.create({ path, backend: 'rocksdb', compression: false });
    try {
      const o = await rocksdbOptions(path);
      expect(o.get('compression')).toBe('kNoCompression');
      expect(o.get('compression_per_level') ?? '').not.toMatch(/kZSTD|kSnappy|kLZ4/);
    } finally {
      await db.close();
    }
  });
});
