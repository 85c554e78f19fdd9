import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { toHex } from '../../protocol/src/bytes.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { signRosterChange } from '../../protocol/src/reception/admin.js';
import { secretKey } from '../../protocol/test/support/receptionFixture.js';
import { createKeyFile } from '../../common/src/keyFile.js';
import { AdminClientError, changeRoster, createLogicClient, unary } from '../../rpc/src/index.js';

/** The compiled logic node, as the images run it (make test builds first). */
const BIN = resolve('dist/services/logic/src/bin/logicNode.js');
const LEADER_KEY = secretKey(424242);
const OPERATOR_KEY = secretKey(31337);

async function start(dir: string, extra: string[]): Promise<{ child: ChildProcess; grpcPort: number }> {
  const child = spawn(process.execPath, [BIN, '--data', join(dir, 'data'), '--key', join(dir, 'ln.key'), '--genesis', join(dir, 'genesis.json'), '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', ...extra], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const grpcPort = await new Promise<number>((found, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the logic node did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"grpc":(\d+).*"msg":"logic node serving"/.exec(out);
      if (m) {
        clearTimeout(timer);
        found(Number(m[1]));
      }
    });
    child.once('exit', (code) => fail(new Error(`the logic node exited with ${code}: ${out}`)));
  });
  return { child, grpcPort };
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe('the logic node executable of a fresh cluster', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-ln-bin-'));
    await createKeyFile(join(dir, 'ln.key'), LEADER_KEY);
    const genesis = { chainId: 'cc-test', timestampMs: '1700000000000', leaderPubkey: toHex(publicKeyOf(LEADER_KEY)), allocations: [] };
    await writeFile(join(dir, 'genesis.json'), JSON.stringify(genesis));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('when started without --roster and with --admin-pubkey, then it serves an empty epoch 1 and takes the operator roster changes', async () => {
    const { child, grpcPort } = await start(dir, ['--admin-pubkey', toHex(publicKeyOf(OPERATOR_KEY))]);
    const client = createLogicClient(`127.0.0.1:${grpcPort}`);
    try {
      const first = await unary(client, 'getRoster', {});
      expect({ epoch: first.epoch, members: first.members.length }).toEqual({ epoch: 1n, members: 0 });
      const change = { leader: publicKeyOf(LEADER_KEY), expectEpoch: 1n, remove: [], add: [{ pubkey: publicKeyOf(secretKey(5)), endpoint: '10.0.0.5:7101' }] };
      expect(await changeRoster(client, change, signRosterChange(change, OPERATOR_KEY))).toEqual({ epoch: 2n, changed: true });
    } finally {
      client.close();
      await stopped(child);
    }
  });

  it('when started without --admin-pubkey, then roster changes are refused ADMIN_DISABLED', async () => {
    await writeFile(join(dir, 'roster.json'), JSON.stringify({ members: [] }));
    const { child, grpcPort } = await start(dir, ['--roster', join(dir, 'roster.json')]);
    const client = createLogicClient(`127.0.0.1:${grpcPort}`);
    try {
      const change = { leader: publicKeyOf(LEADER_KEY), expectEpoch: 1n, remove: [], add: [{ pubkey: publicKeyOf(secretKey(5)), endpoint: '10.0.0.5:7101' }] };
      const err = await changeRoster(client, change, signRosterChange(change, OPERATOR_KEY)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AdminClientError);
      expect((err as AdminClientError).code).toBe('ADMIN_DISABLED');
    } finally {
      client.close();
      await stopped(child);
    }
  });

  it('when --admin-pubkey is not a compressed key, then it refuses to start', async () => {
    const child = spawn(process.execPath, [BIN, '--data', join(dir, 'data'), '--key', join(dir, 'ln.key'), '--genesis', join(dir, 'genesis.json'), '--admin-pubkey', 'abcd'], { stdio: 'ignore' });
    expect(await new Promise<number | null>((r) => child.once('exit', r))).toBe(2);
  });
});
