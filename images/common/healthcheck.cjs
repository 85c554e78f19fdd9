'use strict';
// The images' HEALTHCHECK: GET /healthz on the process's own ops HTTP port; exit 0 on 200, 1 otherwise.
//   node healthcheck.cjs node       the reception or logic node running in this container: its
//                                   --http flag, read from its command line in /proc (logic's default
//                                   127.0.0.1:9100 when it has none), so any --http the operator passes works
//   node healthcheck.cjs operator   CLUSTERCHAIN_METRICS_LISTEN (default 0.0.0.0:8080), as operator/src/config.ts
// CLUSTERCHAIN_HEALTH_URL, when set, is asked instead. Kubernetes ignores HEALTHCHECK (its probes ask
// the same /healthz); podman and docker use it.
const { readdirSync, readFileSync } = require('node:fs');
const http = require('node:http');

const TIMEOUT_MS = 3000;
const ENTRYPOINTS = [
  { script: '/reception/src/bin/receptionNode.js', defaultHttp: undefined },
  { script: '/logic/src/bin/logicNode.js', defaultHttp: '127.0.0.1:9100' },
];

function fail(message) {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

/** The value of `--name VALUE` or `--name=VALUE` in argv, the last one winning as in node:util parseArgs. */
function flag(argv, name) {
  let value;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name && i + 1 < argv.length) value = argv[i + 1];
    else if (argv[i].startsWith(`${name}=`)) value = argv[i].slice(name.length + 1);
  }
  return value;
}

/** The node process's ops HTTP address, from the command line of the process running a node entrypoint. */
function nodeAddress() {
  for (const pid of readdirSync('/proc').filter((d) => /^[0-9]+$/.test(d))) {
    let argv;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    } catch {
      continue; // gone meanwhile
    }
    const entry = ENTRYPOINTS.find((e) => argv.some((a) => a.endsWith(e.script)));
    if (entry === undefined) continue;
    const address = flag(argv, '--http') ?? entry.defaultHttp;
    if (address === undefined) fail(`process ${pid} (${entry.script}) has no --http address`);
    return address;
  }
  return fail('no reception or logic node process found in /proc');
}

/** host:port as something to connect to: a wildcard host is asked on loopback. */
function urlOf(address) {
  const colon = address.lastIndexOf(':');
  if (colon < 0) fail(`"${address}" is not HOST:PORT`);
  let host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = address.slice(colon + 1);
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::') host = '::1';
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;
}

const mode = process.argv[2];
let url = process.env.CLUSTERCHAIN_HEALTH_URL;
if (url === undefined || url === '') {
  if (mode === 'node') url = urlOf(nodeAddress());
  else if (mode === 'operator') url = urlOf(process.env.CLUSTERCHAIN_METRICS_LISTEN || '0.0.0.0:8080');
  else fail('usage: healthcheck.cjs node|operator');
}

const request = http.get(url, { timeout: TIMEOUT_MS }, (res) => {
  res.resume();
  if (res.statusCode === 200) process.exit(0);
  fail(`${url} answered ${res.statusCode}`);
});
request.on('timeout', () => request.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
request.on('error', (err) => fail(`${url}: ${err.message}`));
