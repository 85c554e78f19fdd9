/**
 * DoS scaling end to end with real parts (issue 5 §4, WP 2.3): a devnet's real nodes, Debian's
 * Prometheus scraping them with the chart's own rules file, Debian's Alertmanager routing the
 * alerts marked dos="true" to the operator's webhook (bearer token), and the operator reconciling
 * a ReceptionPool on a kwok control plane. A flood of forged transfers at several times what the
 * reception layer verifies makes ClusterChainReceptionRejectionRatioHigh fire; Alertmanager calls
 * the operator; the pool's replicas go up; and valid transfers sent through the flood all commit.
 * The timeline goes to e2e/results/dos.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { createWebhookServer } from '../../../operator/src/dos/webhookServer.js';
import type { RunningOperator } from '../../../operator/src/operator.js';
import { TransferSigner, type BenchAccount } from '../../../services/client/src/bench/signer.js';
import { addressOf } from '../../../services/protocol/src/address.js';
import { fromHex } from '../../../services/protocol/src/bytes.js';
import { encodeTransaction } from '../../../services/protocol/src/codec/transaction.js';
import { publicKeyOf } from '../../../services/protocol/src/keys.js';
import { createLogicClient, createReceptionClient, unary, type LogicClient, type ReceptionClient } from '../../../services/rpc/src/index.js';
import { TransactionStatus_State } from '../../../services/rpc/src/gen/clusterchain/v1/logic.js';
import { chainManifests } from '../../operator/test/chainManifests.js';
import { startInProcessOperator } from '../../operator/test/inProcessOperator.js';
import { type KwokCluster, marketNode, ROOT, startChainControlPlane, until } from '../../operator/test/kwokCluster.js';

const DEVNET = join(ROOT, 'dist/services/devnet/src/bin/devnet.js');
const RULES = join(ROOT, 'charts/clusterchain/files/rules/clusterchain.rules.yaml');
/** Away from the other suites' ports; the devnet uses base…base+2200. */
const BASE_PORT = 25_000 + (process.pid % 20) * 250;
const RECEPTION_NODES = 4;
const TOKEN = 'dos-e2e-token';
const ALERT = 'ClusterChainReceptionRejectionRatioHigh';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  return exited;
}

interface PoolJson {
  spec: { replicas: number };
  status?: { readyReplicas?: number };
}

describe('DoS scaling with Prometheus, Alertmanager and the operator', () => {
  let dir: string;
  let devnet: ChildProcess | undefined;
  let prometheus: ChildProcess | undefined;
  let alertmanager: ChildProcess | undefined;
  let k: KwokCluster | undefined;
  let operator: RunningOperator | undefined;
  let webhook: Server | undefined;
  let promUrl: string;
  let logic: LogicClient;
  const log: string[] = [];
  const keep = (name: string, c: ChildProcess) => {
    c.stdout?.on('data', (d: Buffer) => log.push(`[${name}] ${d.toString()}`));
    c.stderr?.on('data', (d: Buffer) => log.push(`[${name}] ${d.toString()}`));
  };
  const pool = async (): Promise<PoolJson> => JSON.parse((await k!.kubectl(['get', 'receptionpool', 'pool-a', '-n', 'chain', '-o', 'json'])).stdout) as PoolJson;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-dos-'));
    devnet = spawn(process.execPath, [DEVNET, '--dir', join(dir, 'devnet'), '--base-port', String(BASE_PORT), '--reception-nodes', String(RECEPTION_NODES), '--committee-size', '3', '--slot-ms', '1000', '--funded-accounts', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
    keep('devnet', devnet);

    // The control plane and the operator, with a pool of 3 on market Nodes.
    const later = new Date(Date.now() + 4 * 3600_000);
    k = await startChainControlPlane(`cc-dos-${process.pid}`, Array.from({ length: 8 }, (_, i) => marketNode(`m${i}`, { windowEnd: later })));
    const op = await startInProcessOperator(k.kubeconfig);
    operator = op;
    const webhookPort = await freePort();
    webhook = createWebhookServer({
      token: () => TOKEN,
      onAlerts: (a) => {
        op.alerts(a);
        return true;
      },
    });
    await new Promise<void>((r) => webhook!.listen(webhookPort, '127.0.0.1', r));
    await k.kubectl(['apply', '-f', '-'], chainManifests({ committeeSize: 3, pool: { replicas: 3, maxReplicas: 7, autoscaling: { step: 2, cooldownSeconds: 600 } } }));
    await until('the pool to serve 3 slots', async () => ((await pool()).status?.readyReplicas === 3 ? true : undefined), 60_000);

    // Alertmanager: only alerts marked dos="true" reach the operator, with its bearer token.
    const amPort = await freePort();
    await writeFile(
      join(dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: nobody',
        '  group_by: [alertname, namespace, clusterchain_io_reception_pool]',
        '  group_wait: 1s',
        '  group_interval: 5s',
        '  repeat_interval: 1m',
        '  routes:',
        '    - matchers: [dos="true"]',
        '      receiver: operator',
        'receivers:',
        '  - name: nobody',
        '  - name: operator',
        '    webhook_configs:',
        `      - url: http://127.0.0.1:${webhookPort}/alertmanager`,
        '        send_resolved: true',
        '        http_config:',
        `          authorization: {type: Bearer, credentials: ${TOKEN}}`,
        '',
      ].join('\n'),
    );
    alertmanager = spawn('prometheus-alertmanager', ['--config.file', join(dir, 'alertmanager.yml'), '--storage.path', join(dir, 'am'), '--web.listen-address', `127.0.0.1:${amPort}`, '--cluster.listen-address', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
    keep('alertmanager', alertmanager);

    // Prometheus with the chart's rules, scraping the devnet with the labels the PodMonitors give.
    const promPort = await freePort();
    promUrl = `http://127.0.0.1:${promPort}`;
    const target = (port: number) => `'127.0.0.1:${port}'`;
    await writeFile(
      join(dir, 'prometheus.yml'),
      [
        'global: {scrape_interval: 2s, evaluation_interval: 2s}',
        `rule_files: ['${RULES}']`,
        `alerting: {alertmanagers: [{static_configs: [{targets: ['127.0.0.1:${amPort}']}]}]}`,
        'scrape_configs:',
        '  - job_name: reception-node',
        `    static_configs: [{targets: [${Array.from({ length: RECEPTION_NODES }, (_, i) => target(BASE_PORT + 2100 + i)).join(', ')}], labels: {namespace: chain, clusterchain_io_reception_pool: pool-a, clusterchain_io_cluster: cluster-a}}]`,
        '  - job_name: logic-node',
        `    static_configs: [{targets: [${target(BASE_PORT + 2000)}], labels: {namespace: chain, clusterchain_io_cluster: cluster-a}}]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn('prometheus', ['--config.file', join(dir, 'prometheus.yml'), '--storage.tsdb.path', join(dir, 'prom'), '--web.listen-address', `127.0.0.1:${promPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    keep('prometheus', prometheus);

    logic = createLogicClient(`127.0.0.1:${BASE_PORT}`);
    await until('the devnet to commit blocks', async () => ((await unary(logic, 'getStatus', {}, 2000)).height > 1n ? true : undefined), 120_000);
    await until('Prometheus to scrape every node', async () => {
      const r = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string }[] } };
      return r.data.activeTargets.length === RECEPTION_NODES + 1 && r.data.activeTargets.every((t) => t.health === 'up') ? true : undefined;
    }, 60_000);
  }, 300_000);

  afterAll(async () => {
    logic?.close();
    await stop(prometheus);
    await stop(alertmanager);
    await new Promise<void>((r) => (webhook ? webhook.close(() => r()) : r()));
    await operator?.stop();
    await stop(devnet, 'SIGINT');
    await k?.delete();
    if (process.env['E2E_KEEP']) await writeFile(join(dir, 'test.log'), log.join(''));
    else if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when the reception layer is flooded, then the alert fires, Alertmanager calls the operator, the pool scales up, and valid transfers keep committing', async () => {
    const endpoints = Array.from({ length: RECEPTION_NODES }, (_, i) => `127.0.0.1:${BASE_PORT + 100 + i}`);
    const clients = endpoints.map((e) => createReceptionClient(e));
    const accounts = await fundedAccounts(join(dir, 'devnet'));
    const t0 = Date.now();
    const seconds = (t: number) => Math.round((t - t0) / 100) / 10;
    const timeline: Record<string, number | string> = { flood_start_s: 0 };
    let flooding = true;
    const flood = floodForged(clients, () => flooding);
    const valid = sendValid(clients, accounts, () => flooding);

    const firing = await until('the DoS alert to fire', async () => {
      const r = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } };
      const a = r.data.alerts.find((x) => x.labels['alertname'] === ALERT);
      if (a?.state === 'pending' && timeline['alert_pending_s'] === undefined) timeline['alert_pending_s'] = seconds(Date.now());
      return a?.state === 'firing' ? a : undefined;
    }, 240_000);
    timeline['alert_firing_s'] = seconds(Date.now());
    expect(firing.labels).toMatchObject({ namespace: 'chain', clusterchain_io_reception_pool: 'pool-a', dos: 'true' });

    const asked = await until('the operator to scale the pool up', async () => {
      const p = await pool();
      return p.spec.replicas > 3 ? p : undefined;
    }, 120_000);
    timeline['scale_requested_s'] = seconds(Date.now());
    await until('the new slots to be served', async () => ((await pool()).status?.readyReplicas === asked.spec.replicas ? true : undefined), 60_000);
    timeline['scaled_up_s'] = seconds(Date.now());
    flooding = false;
    const sent = await flood;
    const acknowledged = await valid;
    timeline['flood_seconds'] = seconds(Date.now());
    // Committed by the time the flood stopped: the chain kept committing through it.
    let committedDuringFlood = 0;
    for (const id of acknowledged) if ((await unary(logic, 'getTransaction', { id: Buffer.from(id) }, 5000)).state === TransactionStatus_State.STATE_COMMITTED) committedDuringFlood++;

    // Every valid transfer a reception node acknowledged during the flood commits.
    await until('every acknowledged valid transfer to commit', async () => {
      for (const id of acknowledged) if ((await unary(logic, 'getTransaction', { id: Buffer.from(id) }, 5000)).state !== TransactionStatus_State.STATE_COMMITTED) return undefined;
      return true;
    }, 120_000);
    const results = {
      ...timeline,
      replicas_before: 3,
      replicas_after: asked.spec.replicas,
      flood_forged_sent: sent.sent,
      flood_forged_per_s: Math.round(sent.sent / (sent.seconds || 1)),
      flood_refused: sent.refused,
      valid_acknowledged: acknowledged.length,
      valid_committed_during_flood: committedDuringFlood,
      valid_committed: acknowledged.length,
    };
    await mkdir(join(ROOT, 'e2e/results'), { recursive: true });
    await writeFile(join(ROOT, 'e2e/results/dos.json'), `${JSON.stringify(results, null, 2)}\n`);
    for (const c of clients) c.close();

    expect(asked.spec.replicas).toBe(5); // one step of 2
    expect(committedDuringFlood).toBeGreaterThan(0);
    expect(sent.refused / sent.sent).toBeGreaterThan(0.9); // the flood was refused, not executed
  }, 600_000);
});

/** The devnet's funded accounts (key files it wrote). */
async function fundedAccounts(devnetDir: string): Promise<BenchAccount[]> {
  const out: BenchAccount[] = [];
  for (let i = 0; i < 4; i++) {
    const secretKey = fromHex((await readFile(join(devnetDir, 'keys', `account-${i}.key`), 'utf8')).trim());
    const publicKey = publicKeyOf(secretKey);
    out.push({ secretKey, publicKey, address: addressOf(publicKey) });
  }
  return out;
}

/**
 * Forged transfers as fast as streams take them: distinct nonces (distinct ids) and random
 * signature bytes, which cost nothing to make and a verification each to refuse.
 */
async function floodForged(clients: ReceptionClient[], going: () => boolean): Promise<{ sent: number; refused: number; seconds: number }> {
  const signer = new TransferSigner();
  const sender = signer.newAccount();
  const to = signer.newAccount().address;
  let sent = 0;
  let refused = 0;
  const started = Date.now();
  const forged = (): Uint8Array => {
    const signature = crypto.getRandomValues(new Uint8Array(64));
    const nonce = BigInt.asUintN(63, BigInt(Math.floor(Math.random() * 2 ** 52)) * 4096n + BigInt(sent & 4095));
    return encodeTransaction({ nonce, to, amount: 1n, gasLimit: 0n, code: new Uint8Array(0), data: new Uint8Array(0), pubkey: sender.publicKey, signature });
  };
  await Promise.all(
    clients.flatMap((client) =>
      [0, 1].map(async () => {
        while (going()) {
          const chunk = Array.from({ length: 500 }, forged);
          const results = await new Promise<{ result?: { $case: string } }[]>((resolve) => {
            const call = client.submitTxStream(new Metadata(), { deadline: Date.now() + 30_000 }, (err, res) => resolve(err || !res ? [] : res.results));
            call.on('error', () => undefined);
            for (const t of chunk) call.write({ transaction: Buffer.from(t) });
            call.end();
          });
          sent += chunk.length;
          refused += results.filter((r) => r.result?.$case === 'rejection').length + (chunk.length - results.length);
        }
      }),
    ),
  );
  return { sent, refused, seconds: (Date.now() - started) / 1000 };
}

/** Valid transfers from the funded accounts, nonce after nonce, retried on another RN when refused; the ids acknowledged. */
async function sendValid(clients: ReceptionClient[], accounts: BenchAccount[], going: () => boolean): Promise<Uint8Array[]> {
  const signer = new TransferSigner();
  const sink = signer.newAccount().address;
  const acknowledged: Uint8Array[] = [];
  await Promise.all(
    accounts.map(async (a) => {
      for (let nonce = 0n; going(); nonce++) {
        const { encoded, id } = signer.sign(a, sink, 1000n, nonce);
        for (let attempt = 0; ; attempt++) {
          const client = clients[Math.floor(Math.random() * clients.length)] as ReceptionClient;
          try {
            await unary(client, 'submitTx', { transaction: Buffer.from(encoded) }, 10_000);
            acknowledged.push(id);
            break;
          } catch {
            // refused under the flood (overloaded, full): again, elsewhere, a little later
            if (!going() && attempt > 20) return;
            await new Promise((r) => setTimeout(r, 250));
          }
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }),
  );
  return acknowledged;
}
