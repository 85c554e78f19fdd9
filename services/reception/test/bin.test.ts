import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fromHex, toHex } from '../../protocol/src/bytes.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { signDrainRequest } from '../../protocol/src/reception/admin.js';
import { secretKey } from '../../protocol/test/support/receptionFixture.js';
import { requestDrain } from '../../rpc/src/index.js';

/** The compiled reception node, as the devnet and the images run it (make test builds first). */
const BIN = resolve('dist/services/reception/src/bin/receptionNode.js');
const LEADER = toHex(publicKeyOf(secretKey(7)));

/**
 * Starts the node on port 0 (its logic node does not exist: it keeps retrying, which is fine
 * here), learns its HTTP port from its "serving" log line, and reads /identity. Port 0 rather than
 * a port picked beforehand: another test's server could take that one in between.
 */
async function identityOf(args: string[]): Promise<{ child: ChildProcess; httpPort: number; identity: { pubkey: string; endpoint: string } }> {
  const child = spawn(process.execPath, [BIN, ...args, '--logic', '127.0.0.1:1', '--leader-pubkey', LEADER, '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const httpPort = await new Promise<number>((found, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the reception node did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"http":(\d+).*"msg":"reception node serving"/.exec(out);
      if (m) {
        clearTimeout(timer);
        found(Number(m[1]));
      }
    });
  });
  const res = await fetch(`http://127.0.0.1:${httpPort}/identity`);
  return { child, httpPort, identity: (await res.json()) as { pubkey: string; endpoint: string } };
}

async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('the reception node executable on a fresh machine', () => {
  it('when started with --generate-key and no key file, then it makes one (owner-only), tells its key and endpoint on /identity, and keeps that key across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cc-rn-bin-'));
    const keyFile = join(dir, 'keys', 'rn.key');
    try {
      const first = await identityOf(['--key', keyFile, '--generate-key', '--advertise', '10.0.0.7:7101']);
      await stopped(first.child);
      const key = fromHex((await readFile(keyFile, 'utf8')).trim());
      expect(first.identity).toEqual({ pubkey: toHex(publicKeyOf(key)), endpoint: '10.0.0.7:7101' });
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

      const again = await identityOf(['--key', keyFile, '--generate-key']);
      await stopped(again.child);
      expect(again.identity.pubkey).toBe(first.identity.pubkey);
      expect(again.identity.endpoint).toMatch(/^127\.0\.0\.1:[1-9][0-9]*$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when the key file is missing and --generate-key is not given, then it refuses to start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cc-rn-bin-'));
    try {
      const child = spawn(process.execPath, [BIN, '--key', join(dir, 'none.key'), '--logic', '127.0.0.1:1', '--leader-pubkey', LEADER, '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0'], { stdio: 'ignore' });
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the reception node executable with --admin-pubkey', () => {
  it('when started with the operator key, then a drain request signed by it for this node is taken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cc-rn-bin-'));
    const operator = secretKey(31337);
    try {
      const rn = await identityOf(['--key', join(dir, 'rn.key'), '--generate-key', '--admin-pubkey', toHex(publicKeyOf(operator))]);
      try {
        const issuedAtMs = Date.now();
        const answer = await requestDrain(`http://127.0.0.1:${rn.httpPort}`, issuedAtMs, signDrainRequest({ node: fromHex(rn.identity.pubkey), issuedAtMs }, operator));
        expect(['draining', 'drained']).toContain(answer.state);
      } finally {
        await stopped(rn.child);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when --admin-pubkey is not a compressed key, then it refuses to start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cc-rn-bin-'));
    try {
      const child = spawn(process.execPath, [BIN, '--key', join(dir, 'rn.key'), '--generate-key', '--logic', '127.0.0.1:1', '--leader-pubkey', LEADER, '--listen', '127.0.0.1:0', '--http', '127.0.0.1:0', '--admin-pubkey', '04' + 'ab'.repeat(32)], { stdio: 'ignore' });
      expect(await new Promise<number | null>((r) => child.once('exit', r))).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
