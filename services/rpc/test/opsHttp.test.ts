import { Registry } from 'prom-client';
import { receptionIdentity } from '../src/admin.js';
import { OPS_ADMIN_MAX_BODY_BYTES, startOpsHttp, type OpsAdminRequest } from '../src/opsHttp.js';

describe('the ops HTTP port', () => {
  it('when no admin handler is given, then /admin/ paths are 404 and other methods than GET are 405', async () => {
    const ops = await startOpsHttp({ address: '127.0.0.1:0', registry: new Registry(), ready: () => true });
    try {
      const base = `http://127.0.0.1:${ops.port}`;
      expect((await fetch(`${base}/admin/drain`)).status).toBe(404);
      expect((await fetch(`${base}/admin/drain`, { method: 'POST', body: '{}' })).status).toBe(405);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await ops.close();
    }
  });

  it('when an admin handler is given, then it gets the parsed body up to the limit; its failure is a coded 500 and its silence a 404', async () => {
    const seen: OpsAdminRequest[] = [];
    const errors: unknown[] = [];
    const ops = await startOpsHttp({
      address: '127.0.0.1:0',
      registry: new Registry(),
      ready: () => true,
      admin: async (r) => {
        seen.push(r);
        if (r.path === '/admin/boom') throw new Error('secret internals');
        return r.path === '/admin/echo' ? { status: 200, body: { got: r.body ?? null } } : undefined;
      },
      onAdminError: (err) => errors.push(err),
    });
    try {
      const base = `http://127.0.0.1:${ops.port}`;
      const fits = JSON.stringify({ pad: 'x'.repeat(OPS_ADMIN_MAX_BODY_BYTES - 10) });
      expect(fits.length).toBe(OPS_ADMIN_MAX_BODY_BYTES);
      const ok = await fetch(`${base}/admin/echo?x=1`, { method: 'POST', body: fits });
      expect([ok.status, await ok.json()]).toEqual([200, { got: JSON.parse(fits) }]);
      expect(seen[0]).toMatchObject({ method: 'POST', path: '/admin/echo' });
      expect(await (await fetch(`${base}/admin/echo`)).json()).toEqual({ got: null });
      const big = await fetch(`${base}/admin/echo`, { method: 'POST', body: fits + ' ' });
      expect([big.status, ((await big.json()) as { code: string }).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      const boom = await fetch(`${base}/admin/boom`);
      expect([boom.status, await boom.json()]).toEqual([500, { code: 'INTERNAL', message: 'internal error' }]);
      expect(errors).toHaveLength(1);
      expect((await fetch(`${base}/admin/none`)).status).toBe(404);
    } finally {
      await ops.close();
    }
  });

  it('when the operator asks a node who it is, then the answer is checked: a key and an endpoint, the roster epoch once synced, anything else a coded BAD_ANSWER', async () => {
    const key = '02' + 'ab'.repeat(32);
    let identity: Record<string, string> = { pubkey: key, endpoint: '127.0.0.1:7200' };
    const ops = await startOpsHttp({ address: '127.0.0.1:0', registry: new Registry(), ready: () => true, identity: () => identity });
    try {
      const base = `http://127.0.0.1:${ops.port}`;
      expect(await receptionIdentity(base)).toEqual({ pubkey: key, endpoint: '127.0.0.1:7200' });
      identity = { ...identity, rosterEpoch: '4' };
      expect(await receptionIdentity(base)).toEqual({ pubkey: key, endpoint: '127.0.0.1:7200', rosterEpoch: '4' });
      identity = { pubkey: 'not a key', endpoint: '127.0.0.1:7200' };
      await expect(receptionIdentity(base)).rejects.toMatchObject({ code: 'BAD_ANSWER' });
    } finally {
      await ops.close();
    }
    await expect(receptionIdentity(`http://127.0.0.1:${ops.port}`, 1000)).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });
});
