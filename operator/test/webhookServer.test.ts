import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { PoolAlert } from '../src/dos/alertmanager.js';
import { MAX_WEBHOOK_BYTES, createWebhookServer } from '../src/dos/webhookServer.js';

const TOKEN = 'a-long-random-token';
const PAYLOAD = {
  version: '4',
  status: 'firing',
  alerts: [{ status: 'firing', labels: { namespace: 'chain', clusterchain_io_reception_pool: 'pool-a', dos: 'true' }, fingerprint: 'f1', startsAt: '2026-11-21T12:00:00Z' }],
};

describe('the DoS webhook server, over real HTTP', () => {
  let server: Server;
  let url: string;
  const received: PoolAlert[][] = [];
  let leading = true;

  beforeAll(async () => {
    server = createWebhookServer({ token: () => TOKEN, onAlerts: (a) => leading && received.push(a) > 0 });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    received.length = 0;
    leading = true;
  });

  const post = (body: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, path = '/alertmanager') =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('when Alertmanager posts with the token, then the pool alerts reach the scaler', async () => {
    const res = await post(JSON.stringify(PAYLOAD));
    expect(res.status).toBe(200);
    expect(received).toEqual([[{ pool: { namespace: 'chain', name: 'pool-a' }, fingerprint: 'f1', firing: true }]]);
  });

  it.each([
    ['no token', {}, 401, 'UNAUTHENTICATED'],
    ['a wrong token', { authorization: 'Bearer guess' }, 401, 'UNAUTHENTICATED'],
  ])('when a request comes with %s, then it is refused and nothing is scaled', async (_what, headers, status, code) => {
    const res = await post(JSON.stringify(PAYLOAD), headers);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code });
    expect(received).toEqual([]);
  });

  it.each([
    ['garbage', 'not json{', 400, 'MALFORMED'],
    ['JSON that is not an Alertmanager payload', JSON.stringify({ version: '4', alerts: 'many' }), 400, 'MALFORMED'],
    ['a body over the limit', JSON.stringify({ ...PAYLOAD, padding: 'x'.repeat(MAX_WEBHOOK_BYTES) }), 413, 'TOO_LARGE'],
  ])('when the body is %s, then it is refused with a code and nothing is scaled', async (_what, body, status, code) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code });
    expect(received).toEqual([]);
  });

  it('when this replica does not lead, then the call is refused with 503 so Alertmanager sends it again', async () => {
    leading = false;
    const res = await post(JSON.stringify(PAYLOAD));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'NOT_LEADER' });
  });

  it('when another path or method is used, then 404 or 405', async () => {
    expect((await post(JSON.stringify(PAYLOAD), { authorization: `Bearer ${TOKEN}` }, '/other')).status).toBe(404);
    expect((await fetch(`${url}/alertmanager`)).status).toBe(405);
  });
});
