import { status } from '@grpc/grpc-js';
import { addressOf } from '../../protocol/src/address.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { decodeTransaction } from '../../protocol/src/codec/transaction.js';
import { decodeExclusion, Misconduct, ROSTER_REGISTRY_ADDRESS } from '../../protocol/src/reception/exclusion.js';
import { encodeCoSignature, signCoSignature } from '../../protocol/src/reception/coSignature.js';
import { buildPackage } from '../../protocol/test/support/receptionFixture.js';
import { TX_STATUS_NAMES } from '../../protocol/src/types.js';
import { codeOf, unary, TransactionStatus_State } from '../../rpc/src/index.js';
import { FUNDS, senderKeyOf, signedTransfer, startNodeHarness, type NodeHarness } from './nodeFixture.js';

const RECIPIENT = new Uint8Array(20).fill(0xab);
const FEE = 1000n;

function flip(v: Uint8Array, i: number): Uint8Array {
  const out = v.slice();
  out[i >> 3] = (out[i >> 3] as number) ^ (1 << (i & 7));
  return out;
}

describe('a logic node over gRPC', () => {
  let h: NodeHarness;
  beforeEach(async () => {
    h = await startNodeHarness(40);
  });
  afterEach(async () => {
    await h.close();
  });

  it('when a transaction is sent directly, then it is pending, then committed with its outcome, and balances move', async () => {
    const tx = signedTransfer(senderKeyOf(0), RECIPIENT, 500n, 0n);
    const { id } = await unary(h.client, 'submitTx', { transaction: Buffer.from(tx) });
    expect((await unary(h.client, 'getTransaction', { id })).state).toBe(TransactionStatus_State.STATE_PENDING);
    await h.running.node.produceBlock();
    const s = await unary(h.client, 'getTransaction', { id });
    expect(s).toMatchObject({ state: TransactionStatus_State.STATE_COMMITTED, height: 1n, index: 0, outcome: 'SUCCESS', fee: FEE.toString() });
    const from = await unary(h.client, 'getAccount', { address: Buffer.from(addressOf(publicKeyOf(senderKeyOf(0)))) });
    expect(from).toMatchObject({ nonce: 1n, balance: (FUNDS - 500n - FEE).toString(), exists: true });
    expect((await unary(h.client, 'getAccount', { address: Buffer.from(RECIPIENT) })).balance).toBe('500');
    const block = await unary(h.client, 'getBlock', { which: { $case: 'latest', latest: true } });
    expect(block.height).toBe(1n);
    expect(block.transactionIds.map((b) => b.toString('hex'))).toEqual([id.toString('hex')]);
  });

  it('when a direct transaction has a bad signature or garbage bytes, then it is refused with a code and the node keeps serving', async () => {
    const tx = signedTransfer(senderKeyOf(1), RECIPIENT, 1n, 0n);
    tx[tx.length - 1] = (tx[tx.length - 1] as number) ^ 1;
    await expect(unary(h.client, 'submitTx', { transaction: Buffer.from(tx) })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    const err = await unary(h.client, 'submitTx', { transaction: Buffer.from([1, 2, 3]) }).catch((e: unknown) => e);
    expect(codeOf(err)).toBe('MALFORMED');
    await expect(unary(h.client, 'getAccount', { address: Buffer.alloc(3) })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(unary(h.client, 'getBlock', { which: { $case: 'height', height: 99n } })).rejects.toMatchObject({ code: status.NOT_FOUND });
    expect((await unary(h.client, 'getStatus', {})).height).toBe(0n);
  });

  it('when nonce n+1 arrives before n, then both commit in order in one block', async () => {
    const sk = senderKeyOf(2);
    const second = await unary(h.client, 'submitTx', { transaction: Buffer.from(signedTransfer(sk, RECIPIENT, 1n, 1n)) });
    const first = await unary(h.client, 'submitTx', { transaction: Buffer.from(signedTransfer(sk, RECIPIENT, 1n, 0n)) });
    await h.running.node.produceBlock();
    expect(await unary(h.client, 'getTransaction', { id: first.id })).toMatchObject({ outcome: 'SUCCESS', index: 0 });
    expect(await unary(h.client, 'getTransaction', { id: second.id })).toMatchObject({ outcome: 'SUCCESS', index: 1 });
  });

  it('when an honest package arrives, then its valid transactions commit and their fees go to the seven committee members', async () => {
    const txs = [...Array(12).keys()].map((i) => signedTransfer(senderKeyOf(i), RECIPIENT, 10n, 0n));
    const built = buildPackage(h.cluster, 3, txs);
    const res = await unary(h.client, 'submitPackage', { package: Buffer.from(built.encoded) });
    expect(res).toEqual({ accepted: 12, excluded: [] });
    await h.running.node.produceBlock();
    const block = await unary(h.client, 'getBlock', { which: { $case: 'latest', latest: true } });
    expect(block.transactionCount).toBe(12);
    const committee = [3, ...built.committee].map((m) => Buffer.from(addressOf(h.cluster.roster.members[m]!.pubkey)).toString('hex')).sort();
    expect(block.coinbase.map((c) => c.account.toString('hex')).sort()).toEqual(committee);
    const total = block.coinbase.reduce((s, c) => s + BigInt(c.reward), 0n);
    expect(total).toBe(12n * FEE);
    const again = await unary(h.client, 'submitPackage', { package: Buffer.from(built.encoded) }).catch((e: unknown) => e);
    expect(codeOf(again)).toBe('PACKAGE_DROPPED');
  });

  it('when a committee member flips a verdict, then only valid transactions commit, the liar leaves the roster, and a transaction records it', async () => {
    const txs = [...Array(8).keys()].map((i) => signedTransfer(senderKeyOf(10 + i), RECIPIENT, 10n, 0n));
    const forged = signedTransfer(senderKeyOf(30), RECIPIENT, 10n, 0n);
    forged[forged.length - 2] = (forged[forged.length - 2] as number) ^ 0x40;
    txs.push(forged);
    const honest = buildPackage(h.cluster, 1, txs);
    const liar = honest.committee[2] as number;
    const built = buildPackage(h.cluster, 1, txs, {
      coSignature: (m, c) => (m === liar ? signCoSignature(m, c.batchHash, flip(c.verdicts, 8), h.cluster.keys[m]!) : c),
    });
    const res = await unary(h.client, 'submitPackage', { package: Buffer.from(built.encoded) });
    expect(res).toEqual({ accepted: 8, excluded: [liar] });
    const roster = await unary(h.client, 'getRoster', {});
    expect(roster.epoch).toBe(2n);
    expect(roster.members.map((m) => m.pubkey.toString('hex'))).not.toContain(Buffer.from(h.cluster.roster.members[liar]!.pubkey).toString('hex'));
    await h.running.node.produceBlock();
    const block = await unary(h.client, 'getBlock', { which: { $case: 'latest', latest: true } });
    expect(block.transactionCount).toBe(9); // 8 transfers and the exclusion record
    const forgedId = decodeTransaction(forged).id;
    expect((await unary(h.client, 'getTransaction', { id: Buffer.from(forgedId) })).state).toBe(TransactionStatus_State.STATE_REJECTED);
    const body = await h.running.node.block(1n);
    const stored = (await Promise.all(body!.transactionIds.map((id) => h.running.node.transaction(id)))).filter((t) => t.state === 'committed');
    expect(stored).toHaveLength(9);
    const records = await exclusionsIn(h, 1n);
    expect(records).toEqual([{ index: liar, misconduct: Misconduct.falseVerdict, outcome: 'SUCCESS' }]);
  });

  it('when the node restarts before the next block, then every acknowledged transaction is still pending and then commits', async () => {
    const txs = [...Array(6).keys()].map((i) => signedTransfer(senderKeyOf(20 + i), RECIPIENT, 3n, 0n));
    const built = buildPackage(h.cluster, 2, txs);
    expect(await unary(h.client, 'submitPackage', { package: Buffer.from(built.encoded) })).toEqual({ accepted: 6, excluded: [] });
    const direct = await unary(h.client, 'submitTx', { transaction: Buffer.from(signedTransfer(senderKeyOf(30), RECIPIENT, 4n, 0n)) });
    const ids = [...txs.map((t) => Buffer.from(decodeTransaction(t).id)), direct.id];

    await h.restart(); // the pending pool lived in memory only; the intake journal brings it back
    expect((await unary(h.client, 'getStatus', {})).pending).toBe(7);
    for (const id of ids) expect((await unary(h.client, 'getTransaction', { id })).state).toBe(TransactionStatus_State.STATE_PENDING);
    await h.running.node.produceBlock();
    for (const id of ids) expect(await unary(h.client, 'getTransaction', { id })).toMatchObject({ state: TransactionStatus_State.STATE_COMMITTED, outcome: 'SUCCESS' });
    expect((await unary(h.client, 'getAccount', { address: Buffer.from(RECIPIENT) })).balance).toBe('22');

    await h.restart(); // settled entries left the journal: nothing comes back twice
    expect((await unary(h.client, 'getStatus', {})).pending).toBe(0);
  });

  it('when a block is asked for just after it commits and again after a restart, then memory and disk give the same answer', async () => {
    const txs = [...Array(5).keys()].map((i) => signedTransfer(senderKeyOf(40 + i), RECIPIENT, 2n, 0n));
    await unary(h.client, 'submitPackage', { package: Buffer.from(buildPackage(h.cluster, 1, txs).encoded) });
    await h.running.node.produceBlock();
    await h.running.node.produceBlock(); // an empty one on top
    const asked = async () => Promise.all([1n, 2n].map((height) => unary(h.client, 'getBlock', { which: { $case: 'height', height } })));
    const fresh = await asked();
    expect(fresh[0]!.transactionIds.map((id) => Buffer.from(id).toString('hex')).sort()).toEqual(txs.map((t) => Buffer.from(decodeTransaction(t).id).toString('hex')).sort());
    expect(fresh[1]!.transactionCount).toBe(0);
    await h.restart();
    expect(await asked()).toEqual(fresh);
    expect(await unary(h.client, 'getBlock', { which: { $case: 'latest', latest: true } })).toEqual(fresh[1]);
  });

  it('when the node restarts, then committed transactions, balances and the exclusions are still there', async () => {
    const { id } = await unary(h.client, 'submitTx', { transaction: Buffer.from(signedTransfer(senderKeyOf(5), RECIPIENT, 7n, 0n)) });
    await h.running.node.produceBlock();
    await h.restart();
    expect(await unary(h.client, 'getTransaction', { id })).toMatchObject({ state: TransactionStatus_State.STATE_COMMITTED, outcome: 'SUCCESS' });
    expect((await unary(h.client, 'getAccount', { address: Buffer.from(RECIPIENT) })).balance).toBe('7');
    expect((await unary(h.client, 'getStatus', {})).height).toBe(1n);
  });
});

describe('a logic node challenging the members RN_k listed absent', () => {
  const TIMEOUT_MS = 150;

  /** A package from RN 1 whose first co-signer is listed absent; its honest answer, for the challenge to return. */
  async function withAbsentMember(h: NodeHarness): Promise<{ absentee: number; honestAnswer: Uint8Array }> {
    const txs = [...Array(6).keys()].map((i) => signedTransfer(senderKeyOf(i), RECIPIENT, 10n, 0n));
    const honest = buildPackage(h.cluster, 1, txs);
    const absentee = honest.committee[0] as number;
    const built = buildPackage(h.cluster, 1, txs, { coSignature: (m, c) => (m === absentee ? null : c) });
    expect(built.decoded.absent).toEqual([absentee]);
    expect(await unary(h.client, 'submitPackage', { package: Buffer.from(built.encoded) })).toEqual({ accepted: 6, excluded: [] });
    return { absentee, honestAnswer: encodeCoSignature(honest.decoded.coSignatures.find((c) => c.signer === absentee)!) };
  }

  async function settle(asks: number[], count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (asks.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200)); // the exclusion (if any) follows the last ask
  }

  it('when the member is slow and answers truly only on the second ask, then it stays in the roster', async () => {
    const asks: number[] = [];
    let answer: Uint8Array = new Uint8Array(0);
    const h = await startNodeHarness(10, 10, {
      challengeTimeoutMs: TIMEOUT_MS,
      challenge: async () => {
        asks.push(Date.now());
        if (asks.length === 1) throw new Error('4 DEADLINE_EXCEEDED: busy');
        return answer;
      },
    });
    try {
      answer = (await withAbsentMember(h)).honestAnswer;
      await settle(asks, 2);
      expect(asks).toHaveLength(2);
      expect((await unary(h.client, 'getRoster', {})).epoch).toBe(1n);
    } finally {
      await h.close();
    }
  });

  it('when the member never answers, then it is asked challengeAttempts times, each ask after the last one\'s deadline, and then excluded', async () => {
    const asks: number[] = [];
    const h = await startNodeHarness(10, 10, {
      challengeTimeoutMs: TIMEOUT_MS,
      challengeAttempts: 3,
      challenge: async () => {
        asks.push(Date.now());
        throw new Error('14 UNAVAILABLE: connection refused'); // fails at once, as a dead member does
      },
    });
    try {
      const { absentee } = await withAbsentMember(h);
      await settle(asks, 3);
      expect(asks).toHaveLength(3);
      expect(asks[1]! - asks[0]!).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
      expect(asks[2]! - asks[1]!).toBeGreaterThanOrEqual(2 * TIMEOUT_MS - 5);
      // The exclusion lands after two fsyncs (roster file, intake journal): wait for it rather than a fixed time.
      const deadline = Date.now() + 10_000;
      while (h.running.node.roster.current.roster.epoch < 2n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const roster = await unary(h.client, 'getRoster', {});
      expect(roster.epoch).toBe(2n);
      expect(roster.members).toHaveLength(9);
      await h.running.node.produceBlock();
      expect(await exclusionsIn(h, 1n)).toEqual([{ index: absentee, misconduct: Misconduct.withheldVerdict, outcome: 'SUCCESS' }]);
    } finally {
      await h.close();
    }
  });
});

async function exclusionsIn(h: NodeHarness, height: bigint): Promise<{ index: number; misconduct: number; outcome: string }[]> {
  const block = await h.running.node.block(height);
  const out: { index: number; misconduct: number; outcome: string }[] = [];
  block!.transactions.forEach((tx, i) => {
    if (tx.to === null || !Buffer.from(tx.to).equals(Buffer.from(ROSTER_REGISTRY_ADDRESS))) return;
    for (const m of decodeExclusion(tx.data).excluded) out.push({ index: m.index, misconduct: m.misconduct, outcome: TX_STATUS_NAMES[block!.summaries[i]!.status] });
  });
  return out;
}
