/**
 * End to end (issue 5 §2): every metric name the chart's Grafana dashboards and Prometheus rules
 * use is one that running processes export. A devnet (1 logic node, 2 reception nodes: real
 * processes on loopback) and the operator process (leading, on a kwok control plane) are scraped,
 * and scripts/metrics-check.mjs compares the names of every panel query, variable query, rule
 * expression and rule-test series with what they serve on /metrics: a renamed metric fails here.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startKwokCluster, until, type KwokCluster, installCrds } from '../../operator/test/kwokCluster.js';

const DEVNET = join(ROOT, 'dist/services/devnet/src/bin/devnet.js');
const OPERATOR = join(ROOT, 'dist/operator/src/bin/operator.js');
const CHECK = join(ROOT, 'scripts/metrics-check.mjs');
/** Below the ephemeral range and away from the devnet suite's ports; the devnet uses base…base+2200. */
const BASE_PORT = 21_000 + (process.pid % 20) * 250;
const RECEPTION_NODES = 2;

const logicMetrics = `http://127.0.0.1:${BASE_PORT + 2000}/metrics`;
const receptionMetrics = Array.from({ length: RECEPTION_NODES }, (_, i) => `http://127.0.0.1:${BASE_PORT + 2100 + i}/metrics`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

function stop(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  return exited;
}

describe('the metric names of the chart against a running devnet and operator', () => {
  let dir: string;
  let devnet: ChildProcess | undefined;
  let operator: ChildProcess | undefined;
  let k: KwokCluster | undefined;
  let operatorMetrics: string;
  let output = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-metrics-'));
    devnet = spawn(process.execPath, [DEVNET, '--dir', join(dir, 'devnet'), '--base-port', String(BASE_PORT), '--reception-nodes', String(RECEPTION_NODES), '--slot-ms', '1000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    devnet.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    devnet.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    // The operator leads only with an API server to hold its Lease and the CRDs to watch.
    k = await startKwokCluster(`cc-metrics-${process.pid}`);
    await installCrds(k);
    const port = await freePort();
    operatorMetrics = `http://127.0.0.1:${port}/metrics`;
    operator = spawn(process.execPath, [OPERATOR], {
      env: {
        ...process.env,
        KUBECONFIG: k.kubeconfig,
        CLUSTERCHAIN_OPERATOR_NAMESPACE: 'default',
        CLUSTERCHAIN_OPERATOR_IDENTITY: 'metrics-check',
        CLUSTERCHAIN_LEASE_SECONDS: '5',
        CLUSTERCHAIN_WEBHOOK_LISTEN: '127.0.0.1:0',
        CLUSTERCHAIN_METRICS_LISTEN: `127.0.0.1:${port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    operator.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    operator.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    // Up and working: the operator leads, the logic node commits blocks, every RN serves /metrics.
    await until('the operator to lead', async () => (/^clusterchain_operator_leader 1$/m.test(await scrape(operatorMetrics)) ? true : undefined), 60_000);
    await until('the logic node to commit a block', async () => (/^clusterchain_logic_height [1-9]/m.test(await scrape(logicMetrics)) ? true : undefined), 60_000);
    for (const url of receptionMetrics) await until(url, async () => ((await scrape(url)).includes('clusterchain_reception_roster_epoch') ? true : undefined), 60_000);
  }, 240_000);

  afterAll(async () => {
    await stop(operator, 'SIGTERM');
    await stop(devnet, 'SIGINT');
    await k?.delete();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when the dashboards and rules are checked against what the logic node, the reception nodes and the operator export, then every metric name they use is exported', async () => {
    const urls = [logicMetrics, ...receptionMetrics, operatorMetrics];
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
      execFile(process.execPath, [CHECK, ...urls.flatMap((u) => ['--scrape', u])], { cwd: ROOT, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    if (r.code !== 0) throw new Error(`scripts/metrics-check.mjs exited ${r.code}:\n${r.stdout}${r.stderr}`);
    expect(r.stdout).toContain('OK: every metric name');
  });

  it('when a labelled counter was never incremented (no reception node excluded), then /metrics still lists its name on a TYPE line, which is what the check reads', async () => {
    const text = await scrape(logicMetrics);
    expect(text).toContain('# TYPE clusterchain_logic_exclusions_total counter');
    expect(text).not.toMatch(/^clusterchain_logic_exclusions_total[{ ]/m);
  });
});
