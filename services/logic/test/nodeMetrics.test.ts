import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountTable } from '../../protocol/src/state/accountTable.js';
import { observeBstLoad } from '../src/node/bstLoad.js';
import { diskUsage } from '../src/node/storageSize.js';

/** An address whose first 10 bits (its BST, WP 6.3) are `bst`, made distinct by `n`. */
function addressIn(bst: number, n: number): Uint8Array {
  const a = new Uint8Array(20);
  a[0] = bst >> 2;
  a[1] = ((bst & 3) << 6) | (n & 63);
  a[19] = n >> 6;
  return a;
}

describe('the logic node’s load and storage figures', () => {
  it('when a block changes accounts in a few subtrees, then each of the 1024 is observed once, with its own count', () => {
    const table = new AccountTable(16);
    const rows = [addressIn(0, 1), addressIn(0, 2), addressIn(0, 3), addressIn(513, 1), addressIn(1023, 9)].map((a) => table.insert(a, 0));
    const seen: number[] = [];
    observeBstLoad({ observe: (v) => seen.push(v) }, { table, rows: Int32Array.from(rows) });
    expect(seen).toHaveLength(1024);
    expect(seen[0]).toBe(3);
    expect(seen[513]).toBe(1);
    expect(seen[1023]).toBe(1);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(5);
  });

  it('when a data directory holds files in subdirectories, then its disk usage counts them all, and a missing one is 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cc-du-'));
    try {
      await mkdir(join(dir, 'db'));
      await writeFile(join(dir, 'db', 'a.sst'), Buffer.alloc(100_000, 1));
      await writeFile(join(dir, 'journal'), Buffer.alloc(10_000, 1));
      const bytes = await diskUsage(dir);
      expect(bytes).toBeGreaterThanOrEqual(110_000);
      expect(bytes).toBeLessThan(200_000);
      expect(await diskUsage(join(dir, 'absent'))).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
