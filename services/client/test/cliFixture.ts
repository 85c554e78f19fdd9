/** The CLI run in-process with captured output, and a real logic node on loopback to run it against. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createKeyFile } from '../../common/src/keyFile.js';
import { addressOf } from '../../protocol/src/address.js';
import { toHex } from '../../protocol/src/bytes.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { makeCluster, secretKey } from '../../protocol/test/support/receptionFixture.js';
import { startLogicNode, type RunningLogicNode } from '../../logic/src/node/startLogicNode.js';
import { main } from '../src/cli.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout as the one JSON object of --json. */
  json(): Record<string, unknown>;
}

export async function runCli(argv: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: opts.env ?? { HOME: tmpdir() },
    cwd: opts.cwd ?? tmpdir(),
    stderrIsTTY: false,
  });
  return {
    code,
    stdout,
    stderr,
    json() {
      const lines = stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      return JSON.parse(lines[0] as string) as Record<string, unknown>;
    },
  };
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export const FUNDS = 10n ** 12n;
export const SLOT_MS = 200;

export interface ChainFixture {
  dir: string;
  keysDir: string;
  node: string;
  running: RunningLogicNode;
  fundedAddresses: string[];
  close(): Promise<void>;
}

/**
 * A logic node producing a block every SLOT_MS, with `funded` accounts whose key files sit in
 * keysDir as a devnet writes them (account-<i>.key), and a roster of 5 RNs, fewer than a
 * committee, so the CLI takes the direct path.
 */
export async function startChain(funded: number): Promise<ChainFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-client-'));
  const keysDir = join(dir, 'keys');
  const keys = Array.from({ length: funded }, (_, i) => secretKey(500 + i));
  for (const [i, k] of keys.entries()) await createKeyFile(join(keysDir, `account-${i}.key`), k);
  const leader = secretKey(424242);
  const running = await startLogicNode({
    dataDir: join(dir, 'ln'),
    key: leader,
    genesis: { timestamp: 1_700_000_000_000n, allocations: [...keys, leader].map((k) => ({ address: addressOf(publicKeyOf(k)), balance: FUNDS })) },
    initialRoster: makeCluster(5).roster.members,
    listen: '127.0.0.1:0',
    http: '127.0.0.1:0',
    log: pino({ level: 'silent' }),
    slotMs: SLOT_MS,
    challengeTimeoutMs: 500,
  });
  return {
    dir,
    keysDir,
    node: `127.0.0.1:${running.grpcPort}`,
    running,
    fundedAddresses: keys.map((k) => toHex(addressOf(publicKeyOf(k)))),
    async close() {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
