import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKeyFile } from '../../common/src/keyFile.js';
import { addressOf } from '../../protocol/src/address.js';
import { toHex } from '../../protocol/src/bytes.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { runCli } from './cliFixture.js';

describe('clusterchain keys', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when a key is created, then its file is hex, owner-only, reads back to the same address, and is listed', async () => {
    const created = await runCli(['keys', 'new', '--name', 'alice', '--keys-dir', dir, '--json']);
    expect(created.code).toBe(0);
    const out = created.json();
    expect(out).toMatchObject({ name: 'alice', path: join(dir, 'alice.key') });
    expect((await stat(join(dir, 'alice.key'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dir, 'alice.key'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const sk = await readKeyFile(join(dir, 'alice.key'));
    expect(toHex(addressOf(publicKeyOf(sk)))).toBe(out['address']);
    expect(out['address']).toMatch(/^[0-9a-f]{40}$/);

    const unnamed = await runCli(['keys', 'new', '--keys-dir', dir, '--json']);
    expect(unnamed.json()).toMatchObject({ name: 'key-0' });
    const list = await runCli(['keys', 'list', '--keys-dir', dir, '--json']);
    expect(list.code).toBe(0);
    expect(list.json()).toEqual({
      keysDir: dir,
      keys: [
        { name: 'alice', path: join(dir, 'alice.key'), address: out['address'] },
        { name: 'key-0', path: join(dir, 'key-0.key'), address: unnamed.json()['address'] },
      ],
    });
    const text = await runCli(['keys', 'list', '--keys-dir', dir]);
    expect(text.stdout).toContain(`alice  ${String(out['address'])}`);
  });

  it('when a key name is taken, then it is not overwritten and the exit code is 3 (KEY_FILE_EXISTS)', async () => {
    await runCli(['keys', 'new', '--name', 'bob', '--keys-dir', dir]);
    const before = await readFile(join(dir, 'bob.key'), 'utf8');
    const again = await runCli(['keys', 'new', '--name', 'bob', '--keys-dir', dir, '--json']);
    expect(again.code).toBe(3);
    expect(again.json()).toMatchObject({ error: { code: 'KEY_FILE_EXISTS', exitCode: 3 } });
    expect(await readFile(join(dir, 'bob.key'), 'utf8')).toBe(before);
  });

  it('when a key file is malformed, then list says so without its content, and transfer exits 3', async () => {
    await writeFile(join(dir, 'broken.key'), 'not a key\n');
    const list = await runCli(['keys', 'list', '--keys-dir', dir, '--json']);
    const keys = list.json()['keys'] as { name: string; error?: string }[];
    expect(keys[0]).toMatchObject({ name: 'broken' });
    expect(keys[0]?.error).toContain('does not hold');
    expect(keys[0]?.error).not.toContain('not a key');
    const t = await runCli(['transfer', '--to', 'ab'.repeat(20), '--amount', '1', '--key', join(dir, 'broken.key'), '--keys-dir', dir]);
    expect(t.code).toBe(3);
    expect(t.stderr).toContain('does not hold');
    const missing = await runCli(['transfer', '--to', 'ab'.repeat(20), '--amount', '1', '--key', 'nobody', '--keys-dir', dir, '--json']);
    expect(missing.json()).toMatchObject({ error: { code: 'KEY_FILE_MISSING', exitCode: 3 } });
  });

  it('when the keys directory is empty and no --key is given, then transfer exits 3 (NO_KEY) and says how to get one', async () => {
    const t = await runCli(['transfer', '--to', 'ab'.repeat(20), '--amount', '1', '--keys-dir', join(dir, 'none'), '--json']);
    expect(t.code).toBe(3);
    expect(t.json()).toMatchObject({ error: { code: 'NO_KEY' } });
    expect(t.stderr).toContain('clusterchain keys new');
  });
});
