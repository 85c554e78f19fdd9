/**
 * The chart's dashboards and rules use only metric names the code defines (CONVENTIONS 6, issue
 * 5 §2): the fast, static half of scripts/metrics-check.mjs (no processes; the scraped half is
 * e2e/observability). Also what the check itself must get right: which identifiers of a PromQL
 * query are metric names, and that a renamed metric or a broken dashboard fails it.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const CHECK = join(ROOT, 'scripts/metrics-check.mjs');
const CHART = join(ROOT, 'charts/clusterchain');

function check(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CHECK, ...args], { cwd: ROOT, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A copy of the chart's files/ (dashboards, rules) to break on purpose. */
async function chartCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-chart-'));
  await cp(join(CHART, 'files'), join(dir, 'files'), { recursive: true });
  return dir;
}

describe('the chart monitoring metric names', () => {
  it('when the dashboards and rules are checked against the metric definitions in the code, then every name they use is defined', async () => {
    const r = await check(['--static']);
    if (r.code !== 0) throw new Error(`scripts/metrics-check.mjs --static exited ${r.code}:\n${r.stdout}${r.stderr}`);
    expect(r.stdout).toContain('OK: every metric name');
  });

  it.each([
    ['a histogram quantile grouped by le', 'histogram_quantile(0.99, sum by (le, kind) (rate(x_seconds_bucket{kind="a"}[$__rate_interval])))', ['x_seconds_bucket']],
    ['a join: on/group_left label lists are not names', 'a_total * on (namespace, pool) group_left (state) b', ['a_total', 'b']],
    ['set operators, offset, bool and numbers', '(x_total unless x_total offset 15m) or increase(y_total[1h:5m]) > bool 3e2', ['x_total', 'y_total']],
    ['label_replace: its strings are not names', 'label_replace(sum by (pool) (z) > 0, "namespace", "$1", "pool", "([^/]+)/.+")', ['z']],
    ['aggregation with the grouping after it', 'sum(rate(c_total[5m])) by (reason) / ignoring (reason) group_left sum(rate(d_total[5m]))', ['c_total', 'd_total']],
    ['recording-rule names keep their colons', 'clusterchain:cluster_stalled * on (namespace) group_right () clusterchain:reception_pool_cluster:info', ['clusterchain:cluster_stalled', 'clusterchain:reception_pool_cluster:info']],
    ['a Grafana variable query: label_values(expr, label)', 'label_values(clusterchain_logic_height{namespace="$namespace"}, clusterchain_io_cluster)', ['clusterchain_logic_height']],
    ['a Grafana variable query on a label alone', 'label_values(namespace)', []],
    ['timestamp() and vector() are functions', 'timestamp(t) - (t > 0) or vector(0)', ['t']],
  ])('when the query is %s, then the names are the metrics it selects', async (_what, query, names) => {
    const r = await check(['--names', query]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(names);
  });

  it('when a dashboard panel uses a metric the code does not define, then the check fails naming the metric and the panel', async () => {
    const dir = await chartCopy();
    try {
      const file = join(dir, 'files/dashboards/chain-overview.json');
      await writeFile(file, (await readFile(file, 'utf8')).replaceAll('clusterchain_logic_height{', 'clusterchain_logic_heigth{'));
      const r = await check(['--static', '--chart', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('MISSING clusterchain_logic_heigth');
      expect(r.stdout).toContain('files/dashboards/chain-overview.json: panel "Height"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when an alert uses a recording rule nobody records, then the check fails naming it', async () => {
    const dir = await chartCopy();
    try {
      const file = join(dir, 'files/rules/clusterchain.rules.yaml');
      await writeFile(file, (await readFile(file, 'utf8')).replace('- record: clusterchain:cluster_stalled', '- record: clusterchain:cluster_stalled_renamed'));
      const r = await check(['--static', '--chart', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/MISSING clusterchain:cluster_stalled\s+\(not in the recording rules\)\n\s+used by files\/rules\/clusterchain.rules.yaml: alert ClusterChainStalled/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when a dashboard is not valid JSON, then the check refuses it with exit code 2', async () => {
    const dir = await chartCopy();
    try {
      await writeFile(join(dir, 'files/dashboards/operator.json'), '{"uid": "x", ');
      const r = await check(['--static', '--chart', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('files/dashboards/operator.json: not valid JSON');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when a panel does not query the ${datasource} variable, then the check reports it', async () => {
    const dir = await chartCopy();
    try {
      const file = join(dir, 'files/dashboards/operator.json');
      const board = JSON.parse(await readFile(file, 'utf8')) as { panels: { type: string; title: string; datasource: { uid: string } }[] };
      const panel = board.panels.find((p) => p.type !== 'row')!;
      panel.datasource = { uid: 'prometheus' };
      await writeFile(file, JSON.stringify(board));
      const r = await check(['--static', '--chart', dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`PROBLEM files/dashboards/operator.json: panel "${panel.title}": datasource is not \${datasource}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
