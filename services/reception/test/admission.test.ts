import { status } from '@grpc/grpc-js';
import { addressOf } from '../../protocol/src/address.js';
import { decodeTransaction, MAX_TRANSACTION_BYTES } from '../../protocol/src/codec/transaction.js';
import { codeOf, unary, type ReceptionClient } from '../../rpc/src/index.js';
import { rnKey, startCluster, transfer, waitFor, type Cluster } from './support/clusterHarness.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { sha256 } from '../../protocol/src/hash.js';
import { encodeBatch } from '../../protocol/src/reception/batch.js';
import { committeeOf, routeOf } from '../../protocol/src/reception/committee.js';
import { decodeCoSignature, verifyCoSignature } from '../../protocol/src/reception/coSignature.js';
import { NativeVerifier } from '../../protocol/src/signature.js';

const RNS = 7;

async function refusal(client: ReceptionClient, bytes: Uint8Array): Promise<{ grpc: number; code: string | undefined }> {
  try {
    await unary(client, 'submitTx', { transaction: Buffer.from(bytes) });
  } catch (err) {
    return { grpc: (err as { code: number }).code, code: codeOf(err) };
  }
  throw new Error('expected a refusal');
}

async function metric(c: Cluster, rn: number, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await c.rns[rn]!.registry.getSingleMetric(name)!.get();
  return m.values.filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val)).reduce((s, v) => s + v.value, 0);
}

describe('admission control and routing at a reception node', () => {
  let c: Cluster;
  let sender = 0;
  /** A fresh sender's transfer whose signature routes to `k` (or anywhere). */
  function routedTo(k: number | null, opts: { gasLimit?: bigint } = {}): Uint8Array {
    for (;;) {
      const bytes = transfer(sender++, 0n, opts);
      if (k === null || routeOf(decodeTransaction(bytes).tx.signature, RNS) === k) return bytes;
    }
  }
  async function stillServes(via: number): Promise<void> {
    const bytes = routedTo(null);
    const res = await unary(c.clients[via]!, 'submitTx', { transaction: Buffer.from(bytes) });
    expect(Buffer.from(res.id).equals(Buffer.from(decodeTransaction(bytes).id))).toBe(true);
  }

  beforeAll(async () => {
    let before: { ready: boolean; readyz: number; code: string | undefined; grpc: number } | undefined;
    c = await startCluster({ rnCount: RNS, senders: 2_000, rn: { autoSeal: false, mempoolCapacity: 3, senderBurst: 3, senderRatePerSecond: 0.01 } }, async (rns) => {
      // Before any logic node publishes a roster, an RN is not ready and says why.
      const readyz = (await fetch(`http://127.0.0.1:${rns[0]!.httpPort}/readyz`)).status;
      const { createReceptionClient } = await import('../../rpc/src/index.js');
      const client = createReceptionClient(`127.0.0.1:${rns[0]!.grpcPort}`);
      const r = await refusal(client, transfer(1_999, 0n));
      client.close();
      before = { ready: rns[0]!.node.ready, readyz, ...r };
    });
    expect(before).toEqual({ ready: false, readyz: 503, code: 'NOT_IN_ROSTER', grpc: status.UNAVAILABLE });
  });
  afterAll(async () => {
    await c.close();
  });

  it('when the RN knows its roster, then /readyz, /healthz and /metrics answer 200 with the designed metric names', async () => {
    const base = `http://127.0.0.1:${c.rns[0]!.httpPort}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const name of ['received_transactions_total', 'rejected_transactions_total', 'forwarded_transactions_total', 'batches_sealed_total', 'batch_transactions', 'cosign_duration_seconds', 'package_submit_duration_seconds', 'package_submits_total', 'mempool_transactions', 'roster_epoch']) {
      expect(text).toContain(`clusterchain_reception_${name}`);
    }
    expect(await metric(c, 0, 'clusterchain_reception_roster_epoch')).toBe(1);
  });

  it.each([
    ['oversize', () => new Uint8Array(MAX_TRANSACTION_BYTES + 1), 'OVERSIZE'],
    ['garbage bytes', () => Uint8Array.from([1, 2, 3, 4, 5]), 'MALFORMED'],
    ['truncated', () => routedTo(null).subarray(0, 100), 'MALFORMED'],
  ])('when a transaction is %s, then it is refused INVALID_ARGUMENT with its code, counted, and the node keeps serving', async (_name, make, code) => {
    const before = await metric(c, 1, 'clusterchain_reception_rejected_transactions_total', { reason: code });
    expect(await refusal(c.clients[1]!, make())).toEqual({ grpc: status.INVALID_ARGUMENT, code });
    expect(await metric(c, 1, 'clusterchain_reception_rejected_transactions_total', { reason: code })).toBe(before + 1);
    await stillServes(1);
  });

  it('when a signature does not verify, then RN_k refuses it BAD_SIGNATURE, the client sees that code, and the node keeps serving', async () => {
    let bytes: Uint8Array;
    do bytes = transfer(sender++, 0n, { forged: true });
    while (routeOf(decodeTransaction(bytes).tx.signature, RNS) === 2);
    expect(await refusal(c.clients[2]!, bytes)).toEqual({ grpc: status.INVALID_ARGUMENT, code: 'BAD_SIGNATURE' });
    await stillServes(2);
  });

  it('when one sender exceeds its rate, then it gets RESOURCE_EXHAUSTED RATE_LIMITED while other senders are still served', async () => {
    const s = sender++;
    for (let n = 0n; n < 3n; n++) await unary(c.clients[3]!, 'submitTx', { transaction: Buffer.from(transfer(s, n)) });
    expect(await refusal(c.clients[3]!, transfer(s, 3n))).toEqual({ grpc: status.RESOURCE_EXHAUSTED, code: 'RATE_LIMITED' });
    await stillServes(3);
  });

  it('when RN_k buffer is full, then a newcomer paying no more is refused RESOURCE_EXHAUSTED, one paying more evicts the cheapest, and after a batch it serves again', async () => {
    const k = 4;
    await c.rns[k]!.node.seal();
    await waitFor('an empty buffer', () => c.rns[k]!.node.buffered === 0);
    for (let i = 0; i < 3; i++) await unary(c.clients[(k + 1 + i) % RNS]!, 'submitTx', { transaction: Buffer.from(routedTo(k)) });
    expect(c.rns[k]!.node.buffered).toBe(3);
    // Through another RN: RN_k's refusal reaches the client unchanged.
    expect(await refusal(c.clients[0]!, routedTo(k))).toEqual({ grpc: status.RESOURCE_EXHAUSTED, code: 'MEMPOOL_FULL' });
    await unary(c.clients[k]!, 'submitTx', { transaction: Buffer.from(routedTo(k, { gasLimit: 5_000n })) });
    expect(c.rns[k]!.node.buffered).toBe(3);
    expect(await metric(c, k, 'clusterchain_reception_rejected_transactions_total', { reason: 'EVICTED' })).toBe(1);
    await c.rns[k]!.node.seal();
    expect(c.rns[k]!.node.buffered).toBe(0);
    await unary(c.clients[k]!, 'submitTx', { transaction: Buffer.from(routedTo(k)) });
    await stillServes(k);
  });

  it('when a transaction reaches RN_i ≠ RN_k, then RN_k buffers and batches it, and the block pays its committee with RN_k in it', async () => {
    const k = 5;
    const i = 6;
    await Promise.all(c.rns.map((r) => r.node.seal()));
    await c.ln.node.produceBlock();
    const bytes = routedTo(k);
    const forwardedBefore = await metric(c, i, 'clusterchain_reception_forwarded_transactions_total');
    const { id } = await unary(c.clients[i]!, 'submitTx', { transaction: Buffer.from(bytes) });
    expect(c.rns[k]!.node.buffered).toBe(1);
    expect(c.rns[i]!.node.buffered).toBe(0);
    expect(await metric(c, i, 'clusterchain_reception_forwarded_transactions_total')).toBe(forwardedBefore + 1);
    await c.rns[k]!.node.seal();
    expect(await metric(c, k, 'clusterchain_reception_package_submits_total', { outcome: 'accepted' })).toBeGreaterThan(0);
    await c.ln.node.produceBlock();
    const st = await c.ln.node.transaction(id);
    expect(st.state).toBe('committed');
    const block = await c.ln.node.block(c.ln.node.status().height);
    const paid = block!.header.coinbase.map((e) => Buffer.from(e.account).toString('hex'));
    expect(paid).toContain(Buffer.from(addressOf(publicKeyOf(rnKey(k)))).toString('hex'));
    expect(paid).toHaveLength(7);
  });
});

describe('CoSign as a committee member', () => {
  it('when a batch does not draw this RN or names an unknown epoch, then it refuses without verifying; when drawn, it co-signs', async () => {
    const c = await startCluster({ rnCount: 8, senders: 10, rn: { autoSeal: false } });
    try {
      const txs = [transfer(0, 0n), transfer(1, 0n, { forged: true })];
      const batch = (epoch: bigint) => encodeBatch({ epoch, leader: 0, sequence: 0n, createdAtMs: 1n, transactions: txs });
      const drawn = committeeOf(sha256(batch(1n)), 8, 0, 7);
      const stranger = [1, 2, 3, 4, 5, 6, 7].find((i) => !drawn.includes(i))!;
      const err = await unary(c.clients[stranger]!, 'coSign', { batch: Buffer.from(batch(1n)) }).catch((e: unknown) => e);
      expect([(err as { code: number }).code, codeOf(err)]).toEqual([status.PERMISSION_DENIED, 'NOT_IN_COMMITTEE']);
      const old = await unary(c.clients[drawn[0]!]!, 'coSign', { batch: Buffer.from(batch(99n)) }).catch((e: unknown) => e);
      expect(codeOf(old)).toBe('UNKNOWN_EPOCH');
      const res = await unary(c.clients[drawn[0]!]!, 'coSign', { batch: Buffer.from(batch(1n)) });
      const co = decodeCoSignature(res.cosignature);
      expect(co.signer).toBe(drawn[0]);
      expect(Array.from(co.verdicts)).toEqual([0b01]); // the transfer valid, the forgery not
      expect(verifyCoSignature(co, c.pubkeys[drawn[0]!]!, new NativeVerifier())).toBe(true);
    } finally {
      await c.close();
    }
  });
});

describe('the sparse path (WP 2.1, last paragraph)', () => {
  it('when the roster is smaller than a committee, then an RN hands each transaction to the logic node directly', async () => {
    const c = await startCluster({ rnCount: 3, senders: 10 });
    try {
      const bytes = transfer(0, 0n);
      const { id } = await unary(c.clients[1]!, 'submitTx', { transaction: Buffer.from(bytes) });
      expect((await c.ln.node.transaction(id)).state).toBe('pending');
      const forged = transfer(1, 0n, { forged: true });
      expect(await refusal(c.clients[1]!, forged)).toEqual({ grpc: status.INVALID_ARGUMENT, code: 'BAD_SIGNATURE' });
      expect(await metric(c, 1, 'clusterchain_reception_direct_transactions_total', { path: 'small_roster' })).toBe(1);
      await c.ln.node.produceBlock();
      expect((await c.ln.node.transaction(id)).state).toBe('committed');
    } finally {
      await c.close();
    }
  });

  it('when traffic is below --direct-below-tps, then transactions go to the logic node directly', async () => {
    const c = await startCluster({ rnCount: 7, senders: 10, rn: { directBelowTps: 1_000 } });
    try {
      const { id } = await unary(c.clients[0]!, 'submitTx', { transaction: Buffer.from(transfer(2, 0n)) });
      expect((await c.ln.node.transaction(id)).state).toBe('pending');
      expect(await metric(c, 0, 'clusterchain_reception_direct_transactions_total', { path: 'sparse' })).toBe(1);
      expect(c.rns.every((r) => r.node.buffered === 0)).toBe(true);
    } finally {
      await c.close();
    }
  });
});
