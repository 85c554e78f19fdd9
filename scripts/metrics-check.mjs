#!/usr/bin/env node
/**
 * Every metric name the chart's dashboards and rules use must be one the services or the operator
 * export (CONVENTIONS 6, issue 5 §2): a renamed metric breaks the build instead of a dashboard.
 *
 *   node scripts/metrics-check.mjs --static
 *       against the metric definitions in the code (`new Counter|Gauge|Histogram|Summary({ name })`
 *       under services/<x>/src and operator/src, plus prom-client's default metrics under the
 *       prefixes the code passes to collectDefaultMetrics). Fast, no processes: `make test`.
 *   node scripts/metrics-check.mjs --scrape http://127.0.0.1:9100/metrics --scrape ...
 *       against what running processes export (e2e/observability: a devnet and the operator).
 *   node scripts/metrics-check.mjs --exposition saved.txt ...   the same, from saved /metrics output.
 *   node scripts/metrics-check.mjs --names 'sum(rate(x_total[5m]))'   the names an expression uses (JSON).
 *   node scripts/metrics-check.mjs --dashboard-rules   every dashboard query as a recording rule, for
 *       `promtool check rules` to parse (scripts/promtool.sh).
 *
 * Options: --chart DIR (default charts/clusterchain), --json (the report as JSON).
 * Checks on the way: every dashboard is valid JSON with a uid, a `datasource` variable that every
 * panel and query uses, and unique panel ids; rules, rule tests and recording-rule names are read
 * from files/rules. A name is exported when a source lists it: a sample, or a `# TYPE` line (a
 * labelled counter never incremented has no sample but is listed), with _bucket/_sum/_count for
 * histograms and summaries. `up` is Prometheus's own; `a:b:c` names must be recorded by the rules.
 * Exit: 0 all names exported, 1 some are not (listed with where they are used), 2 bad input.
 */
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Series Prometheus makes itself for every target. */
const PROMETHEUS_SERIES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);
const SUFFIXES = { counter: [''], gauge: [''], untyped: [''], histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

class InputError extends Error {}

// ---- PromQL: the metric names an expression selects ---------------------------------------------

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);

/**
 * The metric names a PromQL expression (or a Grafana variable query) selects. Strings, label
 * matchers, ranges, grouping label lists and Grafana variables are removed first; then every
 * identifier that is not a function call, an aggregation or a keyword is a metric name.
 */
export function metricNamesOf(query) {
  let s = query.trim();
  // Grafana variable queries: label_values(expr, label) selects expr; label_values(label) and
  // label_names()/metrics(re) select no metric. query_result(expr) reads as a function call.
  const lv = /^label_values\s*\(([\s\S]*)\)$/.exec(s);
  if (lv) {
    const args = splitTopLevel(lv[1]);
    if (args.length < 2) return [];
    s = args.slice(0, -1).join(',');
  } else if (/^(label_names|metrics)\s*\(/.test(s)) return [];
  s = s
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings ("$1", "chain/.*")
    .replace(/\$\{[^}]*\}|\[\[[^\]]*\]\]|\$[A-Za-z_]\w*/g, ' ') // Grafana variables
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping and its labels: `sum by (x) (` reads as `sum (`
  const names = new Set();
  for (const m of s.matchAll(/[0-9][0-9A-Za-z_.]*|[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const token = m[0];
    if (/^[0-9]/.test(token) || KEYWORDS.has(token)) continue;
    const rest = s.slice((m.index ?? 0) + token.length);
    if (/^\s*\(/.test(rest)) continue; // a function or an aggregation
    names.add(token);
  }
  return [...names].sort();
}

function splitTopLevel(s) {
  const parts = [];
  let depth = 0;
  let quote = null;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}

// ---- what the chart uses --------------------------------------------------------------------------

/** name -> places it is used ("files/dashboards/x.json: panel \"Height\""). */
class Uses {
  constructor() {
    this.byName = new Map();
    this.queries = 0;
  }
  add(query, where) {
    this.queries++;
    for (const n of metricNamesOf(query)) {
      if (!this.byName.has(n)) this.byName.set(n, new Set());
      this.byName.get(n).add(where);
    }
  }
}

async function listFiles(dir, suffix) {
  let entries;
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  return entries.filter((e) => e.endsWith(suffix)).sort().map((e) => join(dir, e));
}

async function loadYaml(text) {
  // @kubernetes/client-node is a dependency of the operator; its loadYaml is js-yaml's load.
  const { loadYaml: load } = await import('@kubernetes/client-node');
  return load(text);
}

async function readDashboards(chart, uses) {
  const files = await listFiles(join(chart, 'files/dashboards'), '.json');
  if (files.length === 0) throw new InputError(`no dashboards under ${join(chart, 'files/dashboards')}`);
  const uids = new Map();
  const problems = [];
  for (const file of files) {
    const short = relative(chart, file);
    let board;
    try {
      board = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new InputError(`${short}: not valid JSON: ${err.message}`);
    }
    if (typeof board.uid !== 'string' || board.uid === '') problems.push(`${short}: no uid`);
    else if (uids.has(board.uid)) problems.push(`${short}: uid ${board.uid} is also ${uids.get(board.uid)}'s`);
    else uids.set(board.uid, short);
    if (typeof board.title !== 'string' || board.title === '') problems.push(`${short}: no title`);
    const variables = board.templating?.list ?? [];
    if (!variables.some((v) => v.name === 'datasource' && v.type === 'datasource')) problems.push(`${short}: no "datasource" variable of type datasource`);
    for (const v of variables) {
      if (v.type !== 'query') continue;
      const q = typeof v.query === 'string' ? v.query : (v.query?.query ?? v.definition ?? '');
      uses.add(q, `${short}: variable ${v.name}`);
    }
    const ids = new Set();
    const panels = [...(board.panels ?? [])];
    while (panels.length > 0) {
      const p = panels.shift();
      panels.push(...(p.panels ?? []));
      if (ids.has(p.id)) problems.push(`${short}: panel id ${p.id} is used twice`);
      ids.add(p.id);
      if (p.type === 'row') continue;
      const where = `${short}: panel "${p.title}"`;
      if (p.datasource?.uid !== '${datasource}') problems.push(`${where}: datasource is not \${datasource}`);
      const targets = p.targets ?? [];
      if (targets.length === 0) problems.push(`${where}: no queries`);
      for (const t of targets) {
        if (typeof t.expr !== 'string' || t.expr.trim() === '') problems.push(`${where}: query ${t.refId} has no expr`);
        else uses.add(t.expr, where);
        if (t.datasource !== undefined && t.datasource.uid !== '${datasource}') problems.push(`${where}: query ${t.refId}'s datasource is not \${datasource}`);
      }
    }
  }
  return { files: files.length, problems };
}

async function readRules(chart, uses) {
  const dir = join(chart, 'files/rules');
  const files = await listFiles(dir, '.rules.yaml');
  if (files.length === 0) throw new InputError(`no *.rules.yaml under ${dir}`);
  const recorded = new Set();
  let rules = 0;
  for (const file of files) {
    const short = relative(chart, file);
    const doc = await loadYaml(await readFile(file, 'utf8'));
    for (const group of doc?.groups ?? []) {
      for (const rule of group.rules ?? []) {
        rules++;
        if (rule.record) recorded.add(rule.record);
        uses.add(String(rule.expr), `${short}: ${rule.alert ? `alert ${rule.alert}` : `record ${rule.record}`}`);
      }
    }
  }
  // The rule tests' input series: a test feeding a renamed metric would test nothing.
  const tests = await listFiles(join(dir, 'tests'), '.yaml');
  for (const file of tests) {
    const short = relative(chart, file);
    const doc = await loadYaml(await readFile(file, 'utf8'));
    for (const t of doc?.tests ?? []) {
      for (const s of t.input_series ?? []) uses.add(String(s.series), `${short}: input series`);
      for (const e of t.promql_expr_test ?? []) uses.add(String(e.expr), `${short}: promql_expr_test`);
    }
  }
  return { files: files.length, rules, tests: tests.length, recorded };
}

/**
 * Every dashboard query as a recording rule, Grafana's variables replaced by plain values, so that
 * `promtool check rules` parses them (scripts/promtool.sh): a PromQL syntax error in a panel fails
 * the build like one in an alert. JSON is YAML, so the file is JSON.
 */
async function dashboardQueriesAsRules(chart) {
  const uses = new Uses();
  const queries = [];
  uses.add = (query, where) => queries.push({ query, where });
  await readDashboards(chart, uses);
  const plain = (q) =>
    q
      .replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, '5m')
      .replace(/\$\{[^}]*\}|\[\[[^\]]*\]\]|\$[A-Za-z_]\w*/g, 'x');
  const rules = queries.map(({ query, where }, i) => {
    const lv = /^label_values\s*\(([\s\S]*)\)$/.exec(query.trim());
    const expr = lv ? splitTopLevel(lv[1]).slice(0, -1).join(',') || 'vector(0)' : query;
    // The rule's name says where the query is: promtool names it when the query does not parse.
    const name = where.replace(/^files\/dashboards\/|\.json/g, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
    return { record: `dashboard:${name}:query_${i}`, expr: plain(expr) };
  });
  return JSON.stringify({ groups: [{ name: 'dashboard-queries', rules }] }, null, 1);
}

// ---- what is exported -----------------------------------------------------------------------------

function namesOfFamily(name, type) {
  return (SUFFIXES[type] ?? ['']).map((s) => name + s);
}

async function sourceFiles() {
  const out = [];
  const walk = async (dir) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const s of await readdir(join(ROOT, 'services'), { withFileTypes: true })) {
    if (s.isDirectory()) await walk(join(ROOT, 'services', s.name, 'src')).catch(() => undefined);
  }
  await walk(join(ROOT, 'operator/src'));
  return out;
}

/** The names the code defines: its metric constructors, and prom-client's default metrics under each prefix it uses. */
export async function exportedByCode() {
  const names = new Set();
  const families = [];
  const prefixes = new Set();
  for (const file of await sourceFiles()) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(/new\s+(Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\s*\(\s*\{[\s\S]*?\bname:\s*(['"`])([^'"`]+)\2/g)) {
      const type = m[1].toLowerCase();
      families.push({ name: m[3], type, file: relative(ROOT, file) });
      for (const n of namesOfFamily(m[3], type)) names.add(n);
    }
    for (const m of text.matchAll(/collectDefaultMetrics\s*\(\s*\{([^}]*)\}/g)) {
      const prefix = /prefix:\s*(['"`])([^'"`]*)\1/.exec(m[1]);
      prefixes.add(prefix ? prefix[2] : '');
    }
  }
  const { Registry, collectDefaultMetrics } = await import('prom-client');
  for (const prefix of prefixes) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix });
    for (const m of await registry.getMetricsAsJSON()) for (const n of namesOfFamily(m.name, m.type)) names.add(n);
  }
  return { label: 'the code', detail: `the code: ${families.length} metric definitions, and prom-client's default metrics under the prefixes ${[...prefixes].map((p) => `"${p}"`).join(', ')}`, names };
}

/** The names one Prometheus text exposition lists: its samples and its `# TYPE` families. */
export function namesOfExposition(text) {
  const names = new Set();
  for (const line of text.split('\n')) {
    const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
    if (type) for (const n of namesOfFamily(type[1], type[2])) names.add(n);
    else if (line !== '' && !line.startsWith('#')) {
      const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)/.exec(line);
      if (sample) names.add(sample[1]);
    }
  }
  return names;
}

async function exportedByScrapes(urls, files) {
  const names = new Set();
  const parts = [];
  for (const url of urls) {
    let text;
    try {
      const res = await globalThis.fetch(url, { signal: globalThis.AbortSignal.timeout(10_000) });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } catch (err) {
      throw new InputError(`could not scrape ${url}: ${err.message}`);
    }
    const got = namesOfExposition(text);
    if (got.size === 0) throw new InputError(`${url} exported no metric`);
    for (const n of got) names.add(n);
    parts.push(`${url} (${got.size} names)`);
  }
  for (const file of files) {
    const got = namesOfExposition(await readFile(file, 'utf8'));
    for (const n of got) names.add(n);
    parts.push(`${basename(file)} (${got.size} names)`);
  }
  return { label: 'the scrapes', detail: `the scrapes: ${parts.join(', ')}`, names };
}

// ---- the check ------------------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: {
      static: { type: 'boolean', default: false },
      scrape: { type: 'string', multiple: true, default: [] },
      exposition: { type: 'string', multiple: true, default: [] },
      chart: { type: 'string', default: join(ROOT, 'charts/clusterchain') },
      names: { type: 'string' },
      'dashboard-rules': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const write = (line) => process.stdout.write(line + '\n');
  if (values.names !== undefined) {
    write(JSON.stringify(metricNamesOf(values.names)));
    return 0;
  }
  if (values['dashboard-rules']) {
    write(await dashboardQueriesAsRules(resolve(values.chart)));
    return 0;
  }
  if (!values.static && values.scrape.length === 0 && values.exposition.length === 0) {
    throw new InputError('say what to check against: --static, --scrape URL or --exposition FILE');
  }
  const chart = resolve(values.chart);
  const uses = new Uses();
  const dashboards = await readDashboards(chart, uses);
  const rules = await readRules(chart, uses);

  const sources = [];
  if (values.static) sources.push(await exportedByCode());
  if (values.scrape.length > 0 || values.exposition.length > 0) sources.push(await exportedByScrapes(values.scrape, values.exposition));

  const used = [...uses.byName.keys()].sort();
  const missing = new Map(); // name -> the sources that lack it
  for (const name of used) {
    if (PROMETHEUS_SERIES.has(name)) continue;
    if (name.includes(':')) {
      if (!rules.recorded.has(name)) missing.set(name, ['the recording rules']);
      continue;
    }
    const lacking = sources.filter((s) => !s.names.has(name)).map((s) => s.label);
    if (lacking.length > 0) missing.set(name, lacking);
  }
  const report = {
    dashboards: dashboards.files,
    rulesFiles: rules.files,
    rules: rules.rules,
    ruleTests: rules.tests,
    queries: uses.queries,
    names: used.length,
    checkedAgainst: sources.map((s) => s.detail),
    problems: dashboards.problems,
    missing: [...missing].map(([name, lacking]) => ({ name, lacking, usedBy: [...uses.byName.get(name)].sort() })),
  };
  if (values.json) write(JSON.stringify(report, null, 2));
  else {
    write(`metrics-check: ${report.dashboards} dashboards, ${report.rules} rules in ${report.rulesFiles} file(s), ${report.ruleTests} rule tests: ${report.queries} queries using ${report.names} metric names`);
    for (const s of report.checkedAgainst) write(`  checked against ${s}`);
    for (const p of report.problems) write(`PROBLEM ${p}`);
    for (const m of report.missing) {
      write(`MISSING ${m.name}  (not in ${m.lacking.join('; ')})`);
      for (const u of m.usedBy) write(`    used by ${u}`);
    }
    if (report.problems.length === 0 && report.missing.length === 0) write('OK: every metric name the dashboards and rules use is exported');
    else write(`FAIL: ${report.missing.length} metric name(s) not exported, ${report.problems.length} dashboard problem(s)`);
  }
  return report.problems.length === 0 && report.missing.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`metrics-check: ${err instanceof InputError ? err.message : (err.stack ?? String(err))}\n`);
      process.exit(2);
    },
  );
}
