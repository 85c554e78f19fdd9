import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** The compiled devnet (make test builds before jest runs), as `make devnet` starts it. */
const BIN = resolve('dist/services/devnet/src/bin/devnet.js');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 20_000 }, (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe('the devnet command line', () => {
  it('when asked for --help, then it prints every flag and exits 0 without starting anything', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--dir', '--reception-nodes', '--slot-ms', '--batch-ms', '--committee-size', '--base-port', '--funded-accounts', '--reset']) expect(r.stdout).toContain(flag);
  });

  it('when given a flag it does not know, then it names it, prints the usage and exits 2', async () => {
    const r = await run(['--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'--no-such-flag'");
    expect(r.stderr).toContain('usage: make devnet');
  });
});
