/** A logic node on loopback with real gRPC and RocksDB, funded senders, and a client to talk to it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { addressOf } from '../../protocol/src/address.js';
import { encodeTransaction } from '../../protocol/src/codec/transaction.js';
import { publicKeyOf, signTransaction } from '../../protocol/src/keys.js';
import { createLogicClient, type LogicClient } from '../../rpc/src/index.js';
import { startLogicNode, type LogicNodeProcessConfig, type RunningLogicNode } from '../src/node/startLogicNode.js';
import { makeCluster, secretKey, type Cluster } from '../../protocol/test/support/receptionFixture.js';

export const FUNDS = 1_000_000_000n;
export const LEADER_KEY = secretKey(424242);

export function senderKeyOf(i: number): Uint8Array {
  return secretKey(i);
}

export function signedTransfer(sk: Uint8Array, to: Uint8Array, amount: bigint, nonce: bigint): Uint8Array {
  return encodeTransaction(
    signTransaction({ nonce, to, amount, gasLimit: 0n, code: new Uint8Array(0), data: new Uint8Array(0), pubkey: publicKeyOf(sk) }, sk),
  );
}

export interface NodeHarness {
  dir: string;
  cluster: Cluster;
  running: RunningLogicNode;
  client: LogicClient;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** An LN whose genesis funds senders 0..senders-1 and itself, with a roster of `rosterSize` RN keys (no RN runs). */
export async function startNodeHarness(senders: number, rosterSize = 10, overrides: Partial<LogicNodeProcessConfig> = {}): Promise<NodeHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-ln-'));
  const cluster = makeCluster(rosterSize);
  const allocations = [...Array(senders).keys()].map((i) => ({ address: addressOf(publicKeyOf(senderKeyOf(i))), balance: FUNDS }));
  allocations.push({ address: addressOf(publicKeyOf(LEADER_KEY)), balance: FUNDS });
  const start = () =>
    startLogicNode({
      dataDir: dir,
      key: LEADER_KEY,
      genesis: { timestamp: 1_700_000_000_000n, allocations },
      initialRoster: cluster.roster.members,
      listen: '127.0.0.1:0',
      http: '127.0.0.1:0',
      log: pino({ level: 'silent' }),
      autoProduce: false,
      challengeTimeoutMs: 500,
      ...overrides,
    });
  const h: NodeHarness = {
    dir,
    cluster,
    running: await start(),
    client: null as unknown as LogicClient,
    async restart() {
      h.client.close();
      await h.running.stop();
      h.running = await start();
      h.client = createLogicClient(`127.0.0.1:${h.running.grpcPort}`);
    },
    async close() {
      h.client.close();
      await h.running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  h.client = createLogicClient(`127.0.0.1:${h.running.grpcPort}`);
  return h;
}

