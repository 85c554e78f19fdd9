import { request as httpRequest } from 'node:http';
import { status } from '@grpc/grpc-js';
import { pino } from 'pino';
import { decodeTransaction } from '../../protocol/src/codec/transaction.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { routeOf } from '../../protocol/src/reception/committee.js';
import { signDrainRequest } from '../../protocol/src/reception/admin.js';
import { secretKey } from '../../protocol/test/support/receptionFixture.js';
import { AdminClientError, codeOf, drainState, requestDrain, TransactionStatus_State, unary, type ReceptionClient } from '../../rpc/src/index.js';
import { startReceptionNode } from '../src/startReceptionNode.js';
import { LEADER_KEY, rnKey, startCluster, transfer, waitFor, type Cluster } from './support/clusterHarness.js';

const RNS = 7;
const OPERATOR_KEY = secretKey(31337);
const ADMIN_PUBKEY = publicKeyOf(OPERATOR_KEY);

async function metric(c: Cluster, rn: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await c.rns[rn]!.registry.getSingleMetric(name)!.get();
  return m.values.filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val)).reduce((s, v) => s + v.value, 0);
}

async function refusal(run: Promise<unknown>): Promise<{ code: string; http: number | undefined }> {
  const err = await run.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof AdminClientError)) throw err;
  return { code: err.code, http: err.meta.httpStatus };
}

async function submitRefusal(client: ReceptionClient, bytes: Uint8Array): Promise<{ grpc: number; code: string | undefined }> {
  const err = await unary(client, 'submitTx', { transaction: Buffer.from(bytes) }).then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  return { grpc: (err as { code: number }).code, code: codeOf(err) };
}

/** A body sent in chunks with no content-length: the limit must hold while reading, too. */
function postChunked(port: number, path: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('draining a reception node before a relay handoff (DESIGN §11)', () => {
  let c: Cluster;
  let sender = 0;
  const base = (i: number) => `http://127.0.0.1:${c.rns[i]!.httpPort}`;
  const signedFor = (i: number, issuedAtMs = Date.now(), key = OPERATOR_KEY) => signDrainRequest({ node: c.pubkeys[i]!, issuedAtMs }, key);
  /** A fresh sender's transfer whose signature routes to `k`. */
  function routedTo(k: number): Uint8Array {
    for (;;) {
      const bytes = transfer(sender++, 0n);
      if (routeOf(decodeTransaction(bytes).tx.signature, RNS) === k) return bytes;
    }
  }

  beforeEach(async () => {
    c = await startCluster({ rnCount: RNS, senders: 3_000, rn: { autoSeal: false, adminPubkey: ADMIN_PUBKEY } });
  });
  afterEach(async () => {
    await c.close();
  });

  it('when an RN with buffered transactions drains, then it refuses new clients, delivers everything, reports drained, and all of it commits at the LN', async () => {
    const k = 2;
    const ids: Buffer[] = [];
    for (let n = 0; n < 40; n++) ids.push((await unary(c.clients[n % RNS]!, 'submitTx', { transaction: Buffer.from(routedTo(k)) })).id);
    expect(c.rns[k]!.node.buffered).toBe(40);
    expect(await drainState(base(k))).toEqual({ state: 'serving', buffered: 40, packagesInFlight: 0 });

    const first = await requestDrain(base(k), Date.now(), signedFor(k));
    expect(first.state).toBe('draining');
    await waitFor('the drain to finish', async () => (await drainState(base(k))).state === 'drained');
    expect(await drainState(base(k))).toEqual({ state: 'drained', buffered: 0, packagesInFlight: 0 });
    // Through a committee, as always: the rest of the cluster is up.
    expect(await metric(c, k, 'clusterchain_reception_package_submits_total', { outcome: 'accepted' })).toBeGreaterThan(0);
    expect(await metric(c, k, 'clusterchain_reception_draining')).toBe(1);
    expect(await metric(c, 0, 'clusterchain_reception_draining')).toBe(0);

    // Idempotent: asking again changes nothing.
    expect((await requestDrain(base(k), Date.now(), signedFor(k))).state).toBe('drained');

    // A client at the draining RN is sent elsewhere, on the unary and the stream path alike.
    expect(await submitRefusal(c.clients[k]!, routedTo(0))).toEqual({ grpc: status.UNAVAILABLE, code: 'DRAINING' });
    const stream = await new Promise<{ results: { result?: { $case: string; rejection?: { code: string } } }[] }>((resolve, reject) => {
      const call = c.clients[k]!.submitTxStream((err, res) => (err ? reject(err) : resolve(res!)));
      call.write({ transaction: Buffer.from(routedTo(1)) });
      call.end();
    });
    expect(stream.results.map((r) => r.result?.rejection?.code)).toEqual(['DRAINING']);

    // Forwarded to it as RN_k after the drain: handed to the LN directly, never buffered.
    const late = await unary(c.clients[5]!, 'submitTx', { transaction: Buffer.from(routedTo(k)) });
    ids.push(late.id);
    expect(c.rns[k]!.node.buffered).toBe(0);
    expect(await metric(c, k, 'clusterchain_reception_direct_transactions_total', { path: 'drain' })).toBe(1);
    expect((await drainState(base(k))).state).toBe('drained');

    // Still a roster member until the swap: ready, and co-signing other RNs' batches (with 7 RNs
    // every committee draws all the others, so RN k is in this one).
    expect((await fetch(`${base(k)}/readyz`)).status).toBe(200);
    const other = 4;
    ids.push((await unary(c.clients[other]!, 'submitTx', { transaction: Buffer.from(routedTo(other)) })).id);
    const absentBefore = await metric(c, other, 'clusterchain_reception_cosign_absent_total');
    await c.rns[other]!.node.seal();
    expect(await metric(c, other, 'clusterchain_reception_cosign_absent_total')).toBe(absentBefore);
    expect(await metric(c, k, 'clusterchain_reception_cosign_requests_total', { outcome: 'signed' })).toBeGreaterThan(0);

    await c.ln.node.produceBlock();
    const states = await Promise.all(ids.map((id) => c.ln.node.transaction(id)));
    expect(states.map((s) => s.state)).toEqual(ids.map(() => 'committed'));
  });

  it('when an RN starts draining while admitting a client batch, then it buffers only what it admitted before, and the rest hears DRAINING', async () => {
    const txs = Array.from({ length: 100 }, () => routedTo(2));
    const admitting = c.rns[2]!.node.submitMany(txs); // runs until its first yield to I/O
    c.rns[2]!.node.drain();
    const results = await admitting;
    const admitted = results.filter((r) => r.id !== undefined).length;
    expect(admitted).toBeGreaterThan(0);
    expect(admitted).toBeLessThan(100);
    expect(results.slice(0, admitted).every((r) => r.id !== undefined)).toBe(true);
    expect(results.slice(admitted).map((r) => (r.error as { code?: string }).code)).toEqual(new Array(100 - admitted).fill('DRAINING'));
    await waitFor('the drain to finish', async () => (await drainState(base(2))).state === 'drained');
    // Everything admitted reached the logic node; nothing refused did.
    for (const [i, r] of results.entries()) {
      const state = (await unary(c.logic, 'getTransaction', { id: Buffer.from(decodeTransaction(txs[i]!).id) })).state;
      expect([i, state === TransactionStatus_State.STATE_UNKNOWN ? 'unknown' : 'known']).toEqual([i, r.id !== undefined ? 'known' : 'unknown']);
    }
  });

  it('when a drain request is forged, for another RN, stale, oversized or malformed, then it is refused with its code and the RN keeps serving', async () => {
    const k = 1;
    const now = Date.now();
    expect(await refusal(requestDrain(base(k), now, signedFor(k, now, secretKey(1))))).toEqual({ code: 'BAD_SIGNATURE', http: 401 });
    expect(await refusal(requestDrain(base(k), now, signedFor(k + 1, now)))).toEqual({ code: 'BAD_SIGNATURE', http: 401 });
    expect(await refusal(requestDrain(base(k), now + 1, signedFor(k, now)))).toEqual({ code: 'BAD_SIGNATURE', http: 401 });
    expect(await refusal(requestDrain(base(k), now - 61_000, signedFor(k, now - 61_000)))).toEqual({ code: 'STALE_REQUEST', http: 401 });
    expect(await refusal(requestDrain(base(k), now + 61_000, signedFor(k, now + 61_000)))).toEqual({ code: 'STALE_REQUEST', http: 401 });

    const post = (body: string) => fetch(`${base(k)}/admin/drain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const tooBig = await post(JSON.stringify({ issuedAtMs: now, signature: 'ab'.repeat(64), pad: 'x'.repeat(5_000) }));
    expect([tooBig.status, ((await tooBig.json()) as { code: string }).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const chunked = await postChunked(c.rns[k]!.httpPort, '/admin/drain', Array.from({ length: 10 }, () => 'x'.repeat(1_000)));
    expect([chunked.status, (JSON.parse(chunked.body) as { code: string }).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    for (const body of ['{not json', JSON.stringify({ issuedAtMs: now }), JSON.stringify({ issuedAtMs: -1, signature: 'ab'.repeat(64) }), JSON.stringify({ issuedAtMs: now, signature: 'zz' })]) {
      const res = await post(body);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([400, 'MALFORMED']);
    }
    expect((await fetch(`${base(k)}/admin/drain`, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(`${base(k)}/admin/other`)).status).toBe(404);

    expect(await drainState(base(k))).toMatchObject({ state: 'serving' });
    expect(await metric(c, k, 'clusterchain_reception_draining')).toBe(0);
    const { id } = await unary(c.clients[k]!, 'submitTx', { transaction: Buffer.from(routedTo(k)) });
    expect(id).toHaveLength(32);
  });
});

describe('a reception node without --admin-pubkey', () => {
  it('when asked to drain, then it refuses 403 ADMIN_DISABLED, still tells its state, and the helpers say why a node cannot be reached', async () => {
    const key = rnKey(77);
    const rn = await startReceptionNode({ key, logic: '127.0.0.1:1', leaderPubkey: publicKeyOf(LEADER_KEY), listen: '127.0.0.1:0', http: '127.0.0.1:0', log: pino({ level: 'silent' }), autoSeal: false });
    const base = `http://127.0.0.1:${rn.httpPort}`;
    try {
      const sig = signDrainRequest({ node: publicKeyOf(key), issuedAtMs: Date.now() }, OPERATOR_KEY);
      expect(await refusal(requestDrain(base, Date.now(), sig))).toEqual({ code: 'ADMIN_DISABLED', http: 403 });
      expect(await drainState(base)).toEqual({ state: 'serving', buffered: 0, packagesInFlight: 0 });
    } finally {
      await rn.stop();
    }
    expect(await refusal(drainState(base, 1_000))).toEqual({ code: 'UNREACHABLE', http: undefined });
  });
});
