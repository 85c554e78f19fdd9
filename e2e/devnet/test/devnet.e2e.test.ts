/**
 * End to end (issue 3 §5): `make devnet`'s processes on loopback — 1 logic node and 8 reception
 * nodes, each a real process with its own gRPC server and RocksDB — driven by the real wallet
 * CLI. 20,000 transfers must all commit with balances equal to an independent model and supply
 * conserved, although the logic node is SIGKILLed in the middle of the load with thousands of
 * acknowledged transactions pending (its intake journal brings them back). Then it is killed
 * again at rest, the devnet's supervisor restarts it, and nothing committed may be missing.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/services/client/src/bin/clusterchain.js');
const DEVNET = join(ROOT, 'dist/services/devnet/src/bin/devnet.js');

/**
 * A base port away from the defaults and from other suites; the devnet uses base…base+2200. All
 * below the kernel's ephemeral range (32768+): there an outgoing connection of the devnet's own
 * nodes can hold a port a node has yet to listen on, which once failed this suite.
 */
const BASE_PORT = 10_000 + (process.pid % 20) * 250;

async function cli(dir: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [CLI, ...args, '--json', '--node', `127.0.0.1:${BASE_PORT}`, '--keys-dir', join(dir, 'keys')], {
    cwd: dir,
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The logic node's pending transactions and how many it ever queued, from its /metrics. */
async function logicLoad(): Promise<{ pending: number; queued: number }> {
  const text = await (await fetch(`http://127.0.0.1:${BASE_PORT + 2000}/metrics`)).text();
  const pending = /^clusterchain_logic_pending_transactions (\d+)/m.exec(text);
  let queued = 0;
  for (const m of text.matchAll(/^clusterchain_logic_transactions_queued_total\{[^}]*\} (\d+)/gm)) queued += Number(m[1]);
  return { pending: pending === null ? 0 : Number(pending[1]), queued };
}

/**
 * SIGKILLs the logic node in the middle of the load: once it queued `afterQueued` transactions
 * (past the bench's 1,000 funding transfers) and holds at least `minPending` acknowledged and
 * uncommitted. Returns how many it held.
 */
async function killLogicNodeMidLoad(dir: string, afterQueued: number, minPending: number): Promise<number> {
  const held = await until(
    'the logic node to be in the middle of the load',
    async () => {
      const { pending, queued } = await logicLoad();
      return queued >= afterQueued && pending >= minPending ? pending : undefined;
    },
    90_000,
    50,
  );
  const pids = JSON.parse(await readFile(join(dir, 'pids.json'), 'utf8')) as Record<string, number>;
  process.kill(pids['logic-0']!, 'SIGKILL');
  return held;
}

/** The last lines of every node's log, for a failure message: why a node never came up. */
async function logTails(dir: string): Promise<string> {
  const logs = join(dir, 'logs');
  const names = await readdir(logs).catch(() => [] as string[]);
  let text = '';
  for (const name of names.sort()) {
    const lines = (await readFile(join(logs, name), 'utf8')).trimEnd().split('\n');
    text += `\n--- ${name} (last 15 lines) ---\n${lines.slice(-15).join('\n')}`;
  }
  return text;
}

async function receptionReady(i: number): Promise<boolean> {
  const res = await fetch(`http://127.0.0.1:${BASE_PORT + 2100 + i}/readyz`);
  return res.status === 200;
}

describe('the devnet end to end', () => {
  let dir: string;
  let devnet: ChildProcess;
  let output = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-devnet-'));
    devnet = spawn(process.execPath, [DEVNET, '--dir', dir, '--base-port', String(BASE_PORT), '--reception-nodes', '8', '--slot-ms', '1000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    devnet.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    devnet.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await until('the logic node', async () => ((await cli(dir, ['status'])).height !== undefined ? true : undefined));
      for (let i = 0; i < 8; i++) await until(`reception node ${i}`, async () => ((await receptionReady(i)) ? true : undefined));
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- devnet output ---\n${output}${await logTails(dir)}`, { cause: e });
    }
  });

  afterAll(async () => {
    if (devnet.exitCode === null) {
      const exited = new Promise((r) => devnet.once('exit', r));
      devnet.kill('SIGINT');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('when 20,000 transfers are benchmarked and the logic node is killed mid-load, then every one commits, balances match the model, and nothing is lost', async () => {
    const bench = cli(dir, ['bench', '--count', '20000', '--accounts', '1000', '--verify']);
    const killedWith = await killLogicNodeMidLoad(dir, 6_000, 200);
    const report = await bench;
    expect(killedWith).toBeGreaterThanOrEqual(200);
    expect(output).toMatch(/recoveredPending=[1-9]/);
    expect(report).toMatchObject({ submitted: 20000, committed: 20000, rejected: 0, path: 'reception' });
    expect(report['verify']).toMatchObject({ ok: true });

    const before = await cli(dir, ['status']);
    const funded = await cli(dir, ['balance', String((await cli(dir, ['keys', 'list']) as { keys: { address: string }[] }).keys[0]!.address)]);
    const pids = JSON.parse(await readFile(join(dir, 'pids.json'), 'utf8')) as Record<string, number>;
    process.kill(pids['logic-0']!, 'SIGKILL');
    await until('the restarted logic node', async () => {
      const now = JSON.parse(await readFile(join(dir, 'pids.json'), 'utf8')) as Record<string, number | null>;
      return now['logic-0'] !== null && now['logic-0'] !== pids['logic-0'] ? true : undefined;
    });
    const after = await until('the logic node to answer again', async () => cli(dir, ['status']));
    expect(BigInt(after['height'] as string)).toBeGreaterThanOrEqual(BigInt(before['height'] as string));
    const block = await cli(dir, ['block', String(before['height'])]);
    expect(block['hash']).toBe(before['headHash']);
    expect(await cli(dir, ['balance', String(funded['address'])])).toMatchObject({ balance: funded['balance'], nonce: funded['nonce'] });
    expect(output).toContain('restarting');
  });
});
