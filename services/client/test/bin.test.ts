import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { closedPort } from './cliFixture.js';

/** The compiled CLI, as `npx clusterchain` runs it (make test builds first). */
const BIN = resolve('dist/services/client/src/bin/clusterchain.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, CLUSTERCHAIN_NODE: '' }, cwd: resolve('.') });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', fail);
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('the clusterchain executable', () => {
  it('when run with --help, then it lists the commands and the exit codes and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['keys new', 'balance', 'transfer', 'tx <id>', 'block', 'status', 'bench']) expect(r.stdout).toContain(c);
    expect(r.stdout).toContain('4  NODE_UNREACHABLE');
  });

  it('when run without a command, then it prints help and exits 2', async () => {
    expect((await run([])).code).toBe(2);
  });

  it('when the node is unreachable, then the process exits 4 with one JSON error object on stdout', async () => {
    const dead = `127.0.0.1:${await closedPort()}`;
    const r = await run(['status', '--node', dead, '--json']);
    expect(r.code).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'NODE_UNREACHABLE', endpoint: dead } });
    expect(r.stderr).toContain(dead);
  });
});
