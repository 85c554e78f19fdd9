import { Metadata, status, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';
import { decodeTransaction, MAX_TRANSACTION_BYTES } from '../../protocol/src/codec/transaction.js';
import { sha256 } from '../../protocol/src/hash.js';
import { encodeBatch } from '../../protocol/src/reception/batch.js';
import { committeeOf, routeOf } from '../../protocol/src/reception/committee.js';
import { decodeCoSignature, verifyCoSignature } from '../../protocol/src/reception/coSignature.js';
import { NativeVerifier } from '../../protocol/src/signature.js';
import { SequencedStream, unpackTxBatchResults, type CoSignStreamRequest, type CoSignStreamResponse, type TxBatch, type TxBatchResults } from '../../rpc/src/index.js';
import { startCluster, transfer, type Cluster } from './support/clusterHarness.js';

const RNS = 8;
const MAX_BATCH = 16;

/** What an answer says of each of a batch's `count` transactions: the id in hex, or the refusal's code. */
function said(res: TxBatchResults, count: number): string[] {
  return unpackTxBatchResults(res, count).map((x) => (x === undefined ? 'NONE' : x.id !== undefined ? Buffer.from(x.id).toString('hex') : x.rejection.code));
}

describe('the long-lived streams of a reception node: SubmitTxBatches and CoSignStream', () => {
  let c: Cluster;
  let sender = 0;
  /** A fresh sender's transfer whose signature routes to `k`. */
  function routedTo(k: number, opts: { forged?: boolean } = {}): Uint8Array {
    for (;;) {
      const bytes = transfer(sender++, 0n, opts);
      if (routeOf(decodeTransaction(bytes).tx.signature, RNS) === k) return bytes;
    }
  }
  const idOf = (bytes: Uint8Array) => Buffer.from(decodeTransaction(bytes).id).toString('hex');
  const batches = (rn: number) => new SequencedStream<TxBatch, TxBatchResults>((md) => c.clients[rn]!.submitTxBatches(md));
  const coSigns = (rn: number) => new SequencedStream<CoSignStreamRequest, CoSignStreamResponse>((md) => c.clients[rn]!.coSignStream(md));

  beforeAll(async () => {
    c = await startCluster({ rnCount: RNS, senders: 400, rn: { autoSeal: false, maxBatchTransactions: MAX_BATCH } });
  });
  afterAll(async () => {
    await c.close();
  });

  it('when a batch mixes valid and bad transactions, then each gets its own result in batch order and the stream keeps serving', async () => {
    const stream = batches(2);
    try {
      const good = routedTo(2);
      const forged = routedTo(2, { forged: true });
      const txs = [good, Uint8Array.from([1, 2, 3]), routedTo(2).subarray(0, 90), new Uint8Array(MAX_TRANSACTION_BYTES + 1), forged];
      const res = await stream.request({ transactions: txs.map((t) => Buffer.from(t)) }, 5_000);
      expect(said(res, txs.length)).toEqual([idOf(good), 'MALFORMED', 'MALFORMED', 'OVERSIZE', 'BAD_SIGNATURE']);
      const again = routedTo(2);
      expect(said(await stream.request({ transactions: [Buffer.from(again)] }, 5_000), 1)).toEqual([idOf(again)]);
      expect(c.rns[2]!.node.buffered).toBe(2);
    } finally {
      stream.close();
    }
  });

  it('when a well-formed batch mixes transactions routed here and elsewhere, forged ones and a repeat, then each gets what SubmitTx gives it, refusals counted here only for what was decided here', async () => {
    const stream = batches(5);
    try {
      const rejected = async (rn: number, reason: string) =>
        (await c.rns[rn]!.registry.getSingleMetric('clusterchain_reception_rejected_transactions_total')!.get()).values.filter((v) => v.labels['reason'] === reason).reduce((s, v) => s + v.value, 0);
      const [here, there] = [routedTo(5), routedTo(6)];
      const [forgedHere, forgedThere] = [routedTo(5, { forged: true }), routedTo(6, { forged: true })];
      const before = { here: c.rns[5]!.node.buffered, there: c.rns[6]!.node.buffered, badHere: await rejected(5, 'BAD_SIGNATURE'), badThere: await rejected(6, 'BAD_SIGNATURE') };
      const txs = [here, there, forgedHere, here, forgedThere];
      const res = await stream.request({ transactions: txs.map((t) => Buffer.from(t)) }, 5_000);
      expect(said(res, txs.length)).toEqual([idOf(here), idOf(there), 'BAD_SIGNATURE', idOf(here), 'BAD_SIGNATURE']);
      expect([c.rns[5]!.node.buffered, c.rns[6]!.node.buffered]).toEqual([before.here + 1, before.there + 1]);
      // RN_k counts its own refusals; RN_i passes RN_k's on without counting them again.
      expect([await rejected(5, 'BAD_SIGNATURE'), await rejected(6, 'BAD_SIGNATURE')]).toEqual([before.badHere + 1, before.badThere + 1]);
    } finally {
      stream.close();
    }
  });

  it('when batches are in flight together, then each answer names its own batch', async () => {
    const stream = batches(3);
    try {
      const chunks = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => routedTo(3)));
      const answers = await Promise.all(chunks.map((txs) => stream.request({ transactions: txs.map((t) => Buffer.from(t)) }, 5_000)));
      answers.forEach((res, i) => expect(said(res, chunks[i]!.length)).toEqual(chunks[i]!.map(idOf)));
    } finally {
      stream.close();
    }
  });

  it('when a batch is over the limit, then every transaction in it is refused BATCH_TOO_LARGE, counted, and none is buffered', async () => {
    const stream = batches(4);
    try {
      const before = c.rns[4]!.node.buffered;
      const metric = async () => (await c.rns[4]!.registry.getSingleMetric('clusterchain_reception_rejected_transactions_total')!.get()).values.filter((v) => v.labels['reason'] === 'BATCH_TOO_LARGE').reduce((s, v) => s + v.value, 0);
      const counted = await metric();
      const txs = Array.from({ length: MAX_BATCH + 1 }, () => Buffer.from(routedTo(4)));
      const res = await stream.request({ transactions: txs }, 5_000);
      expect(said(res, MAX_BATCH + 1)).toEqual(new Array(MAX_BATCH + 1).fill('BATCH_TOO_LARGE'));
      expect(res.ids).toHaveLength(0); // nothing accepted: no ids at all
      expect(await metric()).toBe(counted + MAX_BATCH + 1);
      expect(c.rns[4]!.node.buffered).toBe(before);
    } finally {
      stream.close();
    }
  });

  it('when a stream message does not decode as a TxBatch, then that stream fails with a gRPC error and a new stream is served', async () => {
    // Raw bytes on the wire: the client serializes them as they are.
    const call = c.clients[5]!.makeBidiStreamRequest(
      '/clusterchain.v1.Reception/SubmitTxBatches',
      (b: Buffer) => b,
      (b: Buffer) => b,
      new Metadata(),
    ) as ClientDuplexStream<Buffer, Buffer>;
    const failed = new Promise<ServiceError>((resolve) => call.on('error', resolve));
    call.write(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])); // field 1 as a length far past the message
    expect((await failed).code).toBe(status.INTERNAL);
    const stream = batches(5);
    try {
      const ok = routedTo(5);
      expect(said(await stream.request({ transactions: [Buffer.from(ok)] }, 5_000), 1)).toEqual([idOf(ok)]);
    } finally {
      stream.close();
    }
  });

  it('when a peer asks over CoSignStream, then a drawn member co-signs, a stranger and garbage get coded refusals, on one stream each', async () => {
    const txs = [transfer(390, 0n), transfer(391, 0n, { forged: true })];
    const batch = Buffer.from(encodeBatch({ epoch: 1n, leader: 0, sequence: 7n, createdAtMs: 1n, transactions: txs }));
    const drawn = committeeOf(sha256(batch), RNS, 0, 7);
    const stranger = [1, 2, 3, 4, 5, 6, 7].find((i) => !drawn.includes(i))!;
    const member = coSigns(drawn[0]!);
    const other = coSigns(stranger);
    try {
      const refused = await other.request({ batch }, 5_000);
      expect(refused.answer).toMatchObject({ $case: 'rejection', rejection: { code: 'NOT_IN_COMMITTEE' } });
      const garbage = await member.request({ batch: Buffer.from([9, 9, 9]) }, 5_000);
      expect(garbage.answer).toMatchObject({ $case: 'rejection', rejection: { code: 'MALFORMED' } });
      const res = await member.request({ batch }, 5_000);
      if (res.answer?.$case !== 'cosignature') throw new Error(`expected a co-signature, got ${JSON.stringify(res.answer)}`);
      const co = decodeCoSignature(res.answer.cosignature);
      expect(co.signer).toBe(drawn[0]);
      expect(Array.from(co.verdicts)).toEqual([0b01]); // the transfer valid, the forgery not
      expect(verifyCoSignature(co, c.pubkeys[drawn[0]!]!, new NativeVerifier())).toBe(true);
    } finally {
      member.close();
      other.close();
    }
  });
});
