import { readdir } from 'node:fs/promises';
import { benchBatchWrite } from '../src/benchBatchWrite.js';
import { backends, makeTempDir, removeDir } from './tempDir.js';

describe.each(backends)('benchBatchWrite on %s', (backend) => {
  let parentDir: string;
  beforeEach(async () => {
    parentDir = await makeTempDir();
  });
  afterEach(async () => {
    await removeDir(parentDir);
  });

  it('when it writes a small batch, then it reports a positive rate and removes its database', async () => {
    const result = await benchBatchWrite(backend, 1000, { sync: true, parentDir });
    expect(result).toMatchObject({ backend, n: 1000, sync: true, keyBytes: 32, valueBytes: 90 });
    expect(result.putsPerSecond).toBeGreaterThan(0);
    expect(result.maxEventLoopDelayMs).toBeGreaterThanOrEqual(0);
    expect(await readdir(parentDir)).toEqual([]);
  });
});
