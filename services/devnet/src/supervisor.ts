import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { nodeProcessEnv } from '../../common/src/nativeMemory.js';

export interface ProcessSpec {
  name: string;
  /** Arguments to `node`: the script first. */
  args: string[];
  env?: Record<string, string>;
}

interface Supervised {
  spec: ProcessSpec;
  child: ChildProcess | null;
  restarts: number;
  log: WriteStream;
}

/**
 * Runs the devnet's node processes in the foreground: each one's JSON log lines go whole to
 * `logs/<name>.log` and, condensed to one readable line, to the terminal. A process that dies
 * on its own (a crash, or a test's SIGKILL) is restarted after a short pause, as Kubernetes
 * would; `stop()` sends SIGTERM to all, waits for each to finish its clean stop, and SIGKILLs
 * what is still running after the grace period.
 */
export class Supervisor {
  private readonly procs: Supervised[] = [];
  private stopping = false;

  constructor(
    private readonly logsDir: string,
    private readonly pidsFile: string,
    private readonly print: (line: string) => void,
  ) {}

  start(spec: ProcessSpec): void {
    const s: Supervised = { spec, child: null, restarts: 0, log: createWriteStream(join(this.logsDir, `${spec.name}.log`), { flags: 'a' }) };
    this.procs.push(s);
    this.launch(s);
  }

  private launch(s: Supervised): void {
    const child = spawn(process.execPath, s.spec.args, { env: { ...nodeProcessEnv(), ...s.spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    s.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        s.log.write(line + '\n');
        const shown = condense(s.spec.name, line);
        if (shown !== null) this.print(shown);
      });
    }
    child.on('exit', (code, signal) => {
      s.child = null;
      void this.savePids();
      if (this.stopping) return;
      s.restarts++;
      this.print(`${clock()} ${s.spec.name.padEnd(12)} exited (${signal ?? `code ${code}`}); restarting in 1 s (restart ${s.restarts})`);
      setTimeout(() => {
        if (!this.stopping) this.launch(s);
      }, 1000);
    });
    void this.savePids();
  }

  /** pids.json: which process is which, for tests and for people who want to kill one. */
  private async savePids(): Promise<void> {
    const pids = Object.fromEntries(this.procs.map((p) => [p.spec.name, p.child?.pid ?? null]));
    await writeFile(this.pidsFile, JSON.stringify(pids, null, 2)).catch(() => undefined);
  }

  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    const running = this.procs.filter((p) => p.child !== null);
    await Promise.all(
      running.map(
        (p) =>
          new Promise<void>((resolve) => {
            const child = p.child as ChildProcess;
            const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    for (const p of this.procs) p.log.end();
  }
}

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/** One pino JSON line as `hh:mm:ss name  message k=v …`; non-JSON output is shown as it is. */
function condense(name: string, line: string): string | null {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${clock()} ${name.padEnd(12)} ${line}`;
  }
  const level = typeof entry['level'] === 'number' ? entry['level'] : 30;
  if (level < 30) return null;
  const fields = Object.entries(entry)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  const tag = level >= 40 ? `${LEVELS[level] ?? level} ` : '';
  return `${clock()} ${name.padEnd(12)} ${tag}${String(entry['msg'] ?? '')}${fields ? ' ' + fields : ''}`;
}
