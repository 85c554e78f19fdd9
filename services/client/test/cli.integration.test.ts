import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closedPort, FUNDS, runCli, SLOT_MS, startChain, type ChainFixture } from './cliFixture.js';

const FEE = 1000n;

describe('clusterchain against a real logic node (roster of 5: the direct path)', () => {
  let c: ChainFixture;
  let common: string[];
  beforeAll(async () => {
    c = await startChain(3);
    common = ['--node', c.node, '--keys-dir', c.keysDir];
  });
  afterAll(async () => {
    await c.close();
  });

  it('when status is asked, then it shows height, last block time, roster size and epoch', async () => {
    const r = await runCli(['status', ...common, '--json']);
    expect(r.code).toBe(0);
    const s = r.json();
    expect(s).toMatchObject({ node: c.node, chainId: 'clusterchain-devnet', rosterSize: 5, rosterEpoch: '1', slotMs: SLOT_MS });
    expect(typeof s['height']).toBe('string');
    expect(typeof s['lastBlockTimeMs']).toBe('string');
    const text = await runCli(['status', ...common]);
    expect(text.stdout).toMatch(/roster: +5 reception nodes, epoch 1/);
  });

  it('when a transfer is sent with --wait, then it commits, and balance, tx and block all show it', async () => {
    const to = 'cd'.repeat(20);
    const r = await runCli(['transfer', ...common, '--to', `0x${to}`, '--amount', '1_234', '--wait', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const t = r.json();
    expect(t).toMatchObject({ from: c.fundedAddresses[0], to, amount: '1234', nonce: '0', state: 'COMMITTED', outcome: 'SUCCESS', fee: FEE.toString(), route: { kind: 'logic', endpoint: c.node } });
    const id = t['id'] as string;
    expect(id).toMatch(/^[0-9a-f]{64}$/);

    expect((await runCli(['balance', ...common, to, '--json'])).json()).toEqual({ address: to, balance: '1234', nonce: '0', exists: true });
    expect((await runCli(['balance', ...common, c.fundedAddresses[0]!, '--json'])).json()).toMatchObject({ balance: (FUNDS - 1234n - FEE).toString(), nonce: '1' });

    const tx = await runCli(['tx', ...common, id, '--json']);
    expect(tx.code).toBe(0);
    expect(tx.json()).toEqual({ id, state: 'COMMITTED', height: t['height'], index: 0, outcome: 'SUCCESS', fee: '1000' });

    const block = await runCli(['block', ...common, String(t['height']), '--json']);
    expect(block.code).toBe(0);
    const b = block.json();
    expect(b).toMatchObject({ height: t['height'], transactionCount: 1, transactionIds: [id] });
    expect(b['hash']).toMatch(/^[0-9a-f]{64}$/);
    const latest = await runCli(['block', ...common, 'latest', '--json']);
    expect(BigInt(latest.json()['height'] as string)).toBeGreaterThanOrEqual(BigInt(t['height'] as string));
    expect((await runCli(['block', ...common, String(t['height'])])).stdout).toContain(id);
  });

  it('when the balance does not cover amount + fee, then nothing is sent (exit 6); with --force, the committed outcome is reported (exit 6)', async () => {
    const poor = (await runCli(['keys', 'new', '--name', 'poor', ...common, '--json'])).json();
    const funded = await runCli(['transfer', ...common, '--key', 'account-1', '--to', poor['address'] as string, '--amount', '1500', '--wait']);
    expect(funded.code).toBe(0);
    expect(funded.stdout).toContain('SUCCESS');

    const refused = await runCli(['transfer', ...common, '--key', 'poor', '--to', 'cd'.repeat(20), '--amount', '1000', '--wait', '--json']);
    expect(refused.code).toBe(6);
    expect(refused.json()).toMatchObject({ error: { code: 'INSUFFICIENT_BALANCE', exitCode: 6, balance: '1500' } });
    expect(refused.stderr).toContain('nothing was sent');
    expect((await runCli(['balance', ...common, poor['address'] as string, '--json'])).json()).toMatchObject({ nonce: '0', balance: '1500' });

    const forced = await runCli(['transfer', ...common, '--key', join(c.keysDir, 'poor.key'), '--to', 'cd'.repeat(20), '--amount', '1000', '--force', '--wait', '--json']);
    expect(forced.code).toBe(6);
    expect(forced.json()).toMatchObject({ error: { code: 'INSUFFICIENT_BALANCE', state: 'COMMITTED', outcome: 'INSUFFICIENT_BALANCE', fee: '1000' } });
    expect(forced.stderr).toMatch(/committed at height \d+ but failed: INSUFFICIENT_BALANCE/);
    expect((await runCli(['balance', ...common, poor['address'] as string, '--json'])).json()).toMatchObject({ nonce: '1', balance: '500' });
  });

  it('when the node refuses a transaction, then the exit code is 7 and its code is shown', async () => {
    // account-2 sends once, then again with the used nonce 0: the node says DUPLICATE (stale nonce).
    expect((await runCli(['transfer', ...common, '--key', 'account-2', '--to', 'cd'.repeat(20), '--amount', '1', '--wait'])).code).toBe(0);
    const r = await runCli(['transfer', ...common, '--key', 'account-2', '--to', 'cd'.repeat(20), '--amount', '2', '--nonce', '0', '--json']);
    expect(r.code).toBe(7);
    expect(r.json()).toMatchObject({ error: { code: 'TX_REJECTED', exitCode: 7, nodeCode: 'DUPLICATE', endpoint: c.node } });
    expect(r.stderr).toContain('DUPLICATE');
  });

  it('when a transaction or block does not exist, then the exit code is 5', async () => {
    const tx = await runCli(['tx', ...common, 'ee'.repeat(32), '--json']);
    expect(tx.code).toBe(5);
    expect(tx.json()).toMatchObject({ error: { code: 'NOT_FOUND', exitCode: 5 } });
    const block = await runCli(['block', ...common, '99999999']);
    expect(block.code).toBe(5);
    expect(block.stderr).toContain('no block at height 99999999');
  });

  it('when the node is unreachable, then every command exits 4 naming the endpoint', async () => {
    const dead = `127.0.0.1:${await closedPort()}`;
    for (const argv of [['status'], ['balance', 'ab'.repeat(20)], ['transfer', '--to', 'ab'.repeat(20), '--amount', '5', '--keys-dir', c.keysDir]]) {
      const r = await runCli([...argv, '--node', dead, '--json']);
      expect(r.code).toBe(4);
      expect(r.json()).toMatchObject({ error: { code: 'NODE_UNREACHABLE', exitCode: 4, endpoint: dead } });
      expect(r.stderr).toContain(`cannot reach the node at ${dead}`);
    }
  });

  it('when flags are wrong, then the exit code is 2 and --json still prints one error object', async () => {
    const cases: [string[], string][] = [
      [['transfer', '--to', 'xyz', '--amount', '5'], 'INVALID_ADDRESS'],
      [['transfer', '--to', 'ab'.repeat(20), '--amount', '1.5'], 'INVALID_AMOUNT'],
      [['transfer', '--to', 'ab'.repeat(20), '--amount', (1n << 128n).toString()], 'INVALID_AMOUNT'],
      [['transfer', '--to', 'ab'.repeat(20)], 'USAGE'],
      [['status', '--bogus'], 'USAGE'],
      [['frobnicate'], 'USAGE'],
      [['balance'], 'USAGE'],
      [['status', '--node', 'nohost'], 'USAGE'],
    ];
    for (const [argv, code] of cases) {
      const r = await runCli([...argv, '--keys-dir', c.keysDir, '--json']);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.json()).toMatchObject({ error: { code, exitCode: 2 } });
    }
  });

  it('when .devnet/endpoints.json is in the current directory, then the node and the keys come from it', async () => {
    await mkdir(join(c.dir, 'work', '.devnet'), { recursive: true });
    await writeFile(join(c.dir, 'work', '.devnet', 'endpoints.json'), JSON.stringify({ logic: c.node, reception: [], keysDir: c.keysDir }));
    const cwd = join(c.dir, 'work');
    expect((await runCli(['status', '--json'], { cwd })).json()).toMatchObject({ node: c.node });
    const keys = (await runCli(['keys', 'list', '--json'], { cwd })).json();
    expect(keys['keysDir']).toBe(c.keysDir);
    const dead = `127.0.0.1:${await closedPort()}`;
    expect((await runCli(['status', '--json'], { cwd, env: { CLUSTERCHAIN_NODE: dead } })).code).toBe(4);
    await writeFile(join(c.dir, 'work', '.devnet', 'endpoints.json'), '{"nope": 1}');
    expect((await runCli(['status', '--json'], { cwd })).json()).toMatchObject({ error: { code: 'INVALID_CONFIG', exitCode: 2 } });
  });

  it('when bench runs --count 200 --verify, then every transaction commits and every balance matches the model', async () => {
    const r = await runCli(['bench', ...common, '--count', '200', '--accounts', '20', '--verify', '--verify-seconds', '0.3', '--json']);
    if (r.code !== 0) throw new Error(`bench failed (${r.code}): ${r.stderr}\n${r.stdout}`);
    const report = r.json();
    expect(report).toMatchObject({ submitted: 200, committed: 200, rejected: 0, accounts: 20, path: 'logic', uncommitted: 0 });
    for (const k of ['committed_tps', 'p50_ms', 'p99_ms', 'verify_capacity_tps', 'duration_s', 'slots']) expect(typeof report[k]).toBe('number');
    expect(report['verify_capacity_tps'] as number).toBeGreaterThan(100);
    expect(report['p99_ms'] as number).toBeGreaterThanOrEqual(report['p50_ms'] as number);
    expect(report['verify']).toMatchObject({ ok: true, transactions: { checked: 200, committed_success: 200, problems: {} }, accounts: { checked: 20, mismatched: 0 }, supply: { conserved: true } });
  });

  it('when bench runs --duration with --verify, then the transfers signed ahead and never sent stay out of the model, and it checks out', async () => {
    const r = await runCli(['bench', ...common, '--duration', '1', '--accounts', '20', '--window', '100', '--verify', '--verify-seconds', '0.2', '--json']);
    if (r.code !== 0) throw new Error(`bench failed (${r.code}): ${r.stderr}\n${r.stdout}`);
    const report = r.json();
    expect(report).toMatchObject({ rejected: 0, uncommitted: 0, verify: { ok: true, accounts: { mismatched: 0 } } });
    expect(report['submitted'] as number).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/signed \d+ transfers ahead/);
  });

  it('when bench runs with --window 25, then no more than 25 transfers are ever uncommitted: 200 take at least 8 blocks', async () => {
    const r = await runCli(['bench', ...common, '--count', '200', '--accounts', '20', '--window', '25', '--verify-seconds', '0.2', '--json']);
    if (r.code !== 0) throw new Error(`bench failed (${r.code}): ${r.stderr}\n${r.stdout}`);
    const report = r.json();
    expect(report).toMatchObject({ submitted: 200, committed: 200, rejected: 0, window: 25 });
    expect(report['slots'] as number).toBeGreaterThanOrEqual(8);
  });
});
