import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type Server } from '@grpc/grpc-js';
import { pino } from 'pino';
import { createKeyFile } from '../../common/src/keyFile.js';
import { addressOf } from '../../protocol/src/address.js';
import { decodeTransaction } from '../../protocol/src/codec/transaction.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { routeOf } from '../../protocol/src/reception/committee.js';
import { secretKey } from '../../protocol/test/support/receptionFixture.js';
import { startLogicNode, type RunningLogicNode } from '../../logic/src/node/startLogicNode.js';
import { codeOf, createLogicClient, createServer, listen, packTxBatchResults, ReceptionService, stop, toServiceError, unary, type LogicClient, type ReceptionServer, type TxOutcome } from '../../rpc/src/index.js';
import { runCli, SLOT_MS } from './cliFixture.js';

const ROSTER = 8;

/**
 * A stand-in reception node: a real gRPC Reception server that hands each transaction to the
 * logic node's direct path (the real RN, with batching and co-signing, lives in services/reception).
 * It records whether each transaction reached its routed RN_k, and refuses its first stream with
 * RESOURCE_EXHAUSTED so the client's back-off is exercised.
 */
class RelayRn {
  received = 0;
  misrouted = 0;
  batches = 0;
  refusedOnce = false;
  server!: Server;
  port = 0;

  constructor(
    readonly index: number,
    private readonly ln: () => LogicClient,
  ) {}

  private async relay(tx: Buffer): Promise<TxOutcome> {
    this.received++;
    const { tx: decoded } = decodeTransaction(tx);
    if (routeOf(decoded.signature, ROSTER) !== this.index) this.misrouted++;
    try {
      const { id } = await unary(this.ln(), 'submitTx', { transaction: tx });
      return { id };
    } catch (err) {
      return { rejection: { code: codeOf(err) ?? 'UNKNOWN', message: (err as Error).message } };
    }
  }

  async start(): Promise<void> {
    const impl: ReceptionServer = {
      submitTx: (call, cb) => {
        void this.relay(call.request.transaction).then((r) => (r.id !== undefined ? cb(null, { id: Buffer.from(r.id) }) : cb(toServiceError(r.rejection.code, 'refused', status.INVALID_ARGUMENT))));
      },
      submitTxStream: (_call, cb) => cb(toServiceError('UNIMPLEMENTED', 'not in this stand-in', status.UNIMPLEMENTED)),
      submitTxBatches: (call) => {
        call.on('data', (batch: { sequence: bigint; transactions: Buffer[] }) => {
          this.batches++;
          if (!this.refusedOnce) {
            // Busy once: every transaction of the first batch is refused for now, as a full RN does.
            this.refusedOnce = true;
            const rejection = { code: 'MEMPOOL_FULL', message: 'busy, back off' };
            call.write(packTxBatchResults(batch.sequence, batch.transactions.map((): TxOutcome => ({ rejection }))));
            return;
          }
          void Promise.all(batch.transactions.map((t) => this.relay(t))).then((outcomes) => call.write(packTxBatchResults(batch.sequence, outcomes)));
        });
        call.on('end', () => call.end());
      },
      forwardTx: (_call, cb) => cb(toServiceError('UNIMPLEMENTED', 'not in this stand-in', status.UNIMPLEMENTED)),
      coSign: (_call, cb) => cb(toServiceError('UNIMPLEMENTED', 'not in this stand-in', status.UNIMPLEMENTED)),
      coSignStream: (call) => call.destroy(new Error('not in this stand-in')),
    };
    this.server = createServer();
    this.server.addService(ReceptionService, impl);
    this.port = await listen(this.server, '127.0.0.1:0');
  }
}

describe('clusterchain with a roster of 8 reception nodes (the routed path)', () => {
  let dir: string;
  let running: RunningLogicNode;
  let ln: LogicClient;
  let rns: RelayRn[];
  let common: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-client-rn-'));
    const keysDir = join(dir, 'keys');
    const funder = secretKey(77);
    await createKeyFile(join(keysDir, 'account-0.key'), funder);
    rns = Array.from({ length: ROSTER }, (_, i) => new RelayRn(i, () => ln));
    await Promise.all(rns.map((r) => r.start()));
    const leader = secretKey(424242);
    running = await startLogicNode({
      dataDir: join(dir, 'ln'),
      key: leader,
      genesis: { timestamp: 1_700_000_000_000n, allocations: [funder, leader].map((k) => ({ address: addressOf(publicKeyOf(k)), balance: 10n ** 12n })) },
      initialRoster: rns.map((r) => ({ pubkey: publicKeyOf(secretKey(2000 + r.index)), endpoint: `127.0.0.1:${r.port}` })),
      listen: '127.0.0.1:0',
      http: '127.0.0.1:0',
      log: pino({ level: 'silent' }),
      slotMs: SLOT_MS,
    });
    ln = createLogicClient(`127.0.0.1:${running.grpcPort}`);
    common = ['--node', `127.0.0.1:${running.grpcPort}`, '--keys-dir', keysDir];
  });
  afterAll(async () => {
    ln.close();
    await running.stop();
    await Promise.all(rns.map((r) => stop(r.server, 1000)));
    await rm(dir, { recursive: true, force: true });
  });

  it('when a transfer is sent, then it goes to its routed RN_k and commits', async () => {
    const r = await runCli(['transfer', ...common, '--to', 'cd'.repeat(20), '--amount', '7', '--wait', '--json']);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ state: 'COMMITTED', outcome: 'SUCCESS', route: { kind: 'reception', routed: true } });
    const index = (out['route'] as { index: number }).index;
    expect(rns[index]!.received).toBe(1);
  });

  it('when bench sends over streams, then every transaction reaches its RN_k, back-off absorbs an overloaded RN, and --verify passes', async () => {
    const r = await runCli(['bench', ...common, '--count', '400', '--accounts', '16', '--chunk', '25', '--verify', '--verify-seconds', '0.2', '--json']);
    if (r.code !== 0) throw new Error(`bench failed (${r.code}): ${r.stderr}\n${r.stdout}`);
    const report = r.json();
    expect(report).toMatchObject({ path: 'reception', submitted: 400, committed: 400, rejected: 0, verify: { ok: true } });
    expect(report['retries'] as number).toBeGreaterThan(0);
    expect(rns.reduce((s, x) => s + x.misrouted, 0)).toBe(0);
    expect(rns.filter((x) => x.batches > 1).length).toBeGreaterThan(1);
  });
});
