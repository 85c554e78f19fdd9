/**
 * A whole cluster on loopback for tests: one real logic node (RocksDB in a temp dir, real gRPC)
 * and `rnCount` real reception nodes in this process, some of them lying if asked. The RNs start
 * first, before the LN exists, so every test also goes through their roster reconnect path.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { addressOf } from '../../../protocol/src/address.js';
import { encodeTransaction } from '../../../protocol/src/codec/transaction.js';
import { publicKeyOf, signTransaction } from '../../../protocol/src/keys.js';
import { decodeExclusion, ROSTER_REGISTRY_ADDRESS, type ExcludedMember } from '../../../protocol/src/reception/exclusion.js';
import { createLogicClient, createReceptionClient, type LogicClient, type ReceptionClient } from '../../../rpc/src/index.js';
import { startLogicNode, type LogicNodeProcessConfig, type RunningLogicNode } from '../../../logic/src/node/startLogicNode.js';
import { secretKey } from '../../../protocol/test/support/receptionFixture.js';
import type { Misbehaviour } from '../../src/misbehaviour.js';
import { startReceptionNode, type ReceptionNodeProcessConfig, type RunningReceptionNode } from '../../src/startReceptionNode.js';

export const FUNDS = 1_000_000_000n;
export const LEADER_KEY = secretKey(424242);
export const RECIPIENT = new Uint8Array(20).fill(0xab);

export const senderKey = (i: number): Uint8Array => secretKey(i);
export const rnKey = (i: number): Uint8Array => secretKey(900_000 + i);

export function transfer(sender: number, nonce: bigint, opts: { amount?: bigint; gasLimit?: bigint; forged?: boolean } = {}): Uint8Array {
  const sk = senderKey(sender);
  const unsigned = { nonce, to: RECIPIENT, amount: opts.amount ?? 1n, gasLimit: opts.gasLimit ?? 0n, code: new Uint8Array(0), data: new Uint8Array(0), pubkey: publicKeyOf(sk) };
  const tx = signTransaction(unsigned, sk);
  // A forged transaction carries a real signature by the right key, over other contents.
  if (opts.forged === true) tx.signature = signTransaction({ ...unsigned, amount: unsigned.amount + 1n }, sk).signature;
  return encodeTransaction(tx);
}

export interface ClusterOptions {
  rnCount: number;
  senders: number;
  misbehaviours?: ReadonlyMap<number, Misbehaviour>;
  rn?: Partial<ReceptionNodeProcessConfig>;
  ln?: Partial<LogicNodeProcessConfig>;
}

export interface Cluster {
  ln: RunningLogicNode;
  logic: LogicClient;
  rns: RunningReceptionNode[];
  clients: ReceptionClient[];
  pubkeys: Uint8Array[];
  close(): Promise<void>;
}

/**
 * A port for the LN, chosen before the RNs that must know it start. Taken below Linux's ephemeral
 * range (32768+), where every `listen(0)` of this and the other parallel test files draws: a port
 * found free there cannot be handed to someone else's port-0 bind before the LN binds it.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const s = createNetServer();
    const ok = await new Promise<boolean>((r) => {
      s.once('error', () => r(false));
      s.listen(port, '127.0.0.1', () => r(true));
    });
    if (ok) {
      await new Promise<void>((r) => s.close(() => r()));
      return port;
    }
  }
}

export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000, everyMs = 25): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts the RNs, then (optionally after `beforeLogic`) the LN they follow, and waits until every RN is ready. */
export async function startCluster(o: ClusterOptions, beforeLogic?: (rns: RunningReceptionNode[]) => Promise<void>): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-rn-'));
  const lnPort = await freePort();
  const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
  const rns: RunningReceptionNode[] = [];
  for (let i = 0; i < o.rnCount; i++) {
    const bad = o.misbehaviours?.get(i);
    rns.push(
      await startReceptionNode({
        key: rnKey(i),
        logic: `127.0.0.1:${lnPort}`,
        leaderPubkey: publicKeyOf(LEADER_KEY),
        listen: '127.0.0.1:0',
        http: '127.0.0.1:0',
        log: log.child({ rn: i }),
        batchMs: 100,
        coSignTimeoutMs: 600,
        rosterBackoffMs: 20,
        rosterBackoffMaxMs: 200,
        senderRatePerSecond: 1_000,
        senderBurst: 1_000,
        ...o.rn,
        ...(bad ? { misbehaviour: bad } : {}),
      }),
    );
  }
  if (beforeLogic) await beforeLogic(rns);
  const allocations = [...Array(o.senders).keys()].map((i) => ({ address: addressOf(publicKeyOf(senderKey(i))), balance: FUNDS }));
  allocations.push({ address: addressOf(publicKeyOf(LEADER_KEY)), balance: FUNDS });
  const pubkeys = [...Array(o.rnCount).keys()].map((i) => publicKeyOf(rnKey(i)));
  const ln = await startLogicNode({
    dataDir: dir,
    key: LEADER_KEY,
    genesis: { timestamp: 1_700_000_000_000n, allocations },
    initialRoster: rns.map((r, i) => ({ pubkey: pubkeys[i] as Uint8Array, endpoint: `127.0.0.1:${r.grpcPort}` })),
    listen: `127.0.0.1:${lnPort}`,
    http: '127.0.0.1:0',
    log: log.child({ ln: 0 }),
    autoProduce: false,
    challengeTimeoutMs: 600,
    ...o.ln,
  });
  const clients = rns.map((r) => createReceptionClient(`127.0.0.1:${r.grpcPort}`));
  const logic = createLogicClient(`127.0.0.1:${lnPort}`);
  await waitFor('every RN to be ready', () => rns.every((r) => r.node.ready));
  return {
    ln,
    logic,
    rns,
    clients,
    pubkeys,
    async close() {
      for (const c of clients) c.close();
      logic.close();
      await Promise.all(rns.map((r) => r.stop()));
      await ln.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every exclusion recorded on chain so far, with the height of its block. */
export async function recordedExclusions(ln: RunningLogicNode): Promise<(ExcludedMember & { height: bigint })[]> {
  const out: (ExcludedMember & { height: bigint })[] = [];
  const head = ln.node.status().height;
  for (let h = 1n; h <= head; h++) {
    const block = await ln.node.block(h);
    for (const tx of block?.transactions ?? []) {
      if (tx.to === null || !Buffer.from(tx.to).equals(Buffer.from(ROSTER_REGISTRY_ADDRESS))) continue;
      for (const m of decodeExclusion(tx.data).excluded) out.push({ ...m, height: h });
    }
  }
  return out;
}
