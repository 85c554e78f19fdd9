import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes the files under `dir` take on disk (allocated blocks, as `du` counts them); files that vanish meanwhile (compaction) are skipped. */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) total += await diskUsage(path);
    else if (e.isFile()) {
      try {
        total += (await stat(path)).blocks * 512;
      } catch {
        // removed by a compaction between readdir and stat
      }
    }
  }
  return total;
}

/** Samples `diskUsage(dir)` into `gauge` now and every `everyMs`, off the block path; returns the stop. */
export function sampleDiskUsage(dir: string, gauge: { set(v: number): void }, everyMs = 30_000): () => void {
  let running = false;
  const sample = () => {
    if (running) return;
    running = true;
    void diskUsage(dir)
      .then((bytes) => gauge.set(bytes))
      .finally(() => (running = false));
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
