/**
 * `make devnet`: a one-cluster chain on loopback as real separate processes — by default 8
 * reception nodes and 1 logic node, RocksDB under `.devnet/`, genesis funding a few printed
 * accounts. Foreground; Ctrl-C stops everything cleanly; the next start resumes from the data
 * (`--reset` starts over).
 *   node dist/services/devnet/src/bin/devnet.js [--dir .devnet] [--reception-nodes 8] [--slot-ms 1000]
 *     [--batch-ms 300] [--committee-size 7] [--base-port 7100] [--funded-accounts 4] [--reset]
 */
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { publicKeyOf } from '../../../protocol/src/keys.js';
import { toHex } from '../../../protocol/src/bytes.js';
import { readKeyFile } from '../../../common/src/keyFile.js';
import { fundedAccounts, initDevnet } from '../initDevnet.js';
import { devnetLayout, ephemeralPortClash, parsePortRange, portSpan, portsOf, type DevnetConfig } from '../layout.js';
import { Supervisor } from '../supervisor.js';

const USAGE = `usage: make devnet DEVNET_ARGS="…"  (or node dist/services/devnet/src/bin/devnet.js …)
  --dir DIR               data, keys and logs (default .devnet)
  --reception-nodes N     reception nodes (default 8)
  --slot-ms MS            block slot (default 1000)
  --batch-ms MS           reception batch interval (default 300)
  --committee-size N      co-signing committee, RN_k included (default 7)
  --base-port PORT        first of the ports the nodes listen on (default 7100)
  --funded-accounts N     accounts funded at genesis (default 4)
  --reset                 delete DIR and start a new chain
  --help                  this text
`;

const FLAGS = {
  dir: { type: 'string', default: '.devnet' },
  'reception-nodes': { type: 'string', default: '8' },
  'slot-ms': { type: 'string', default: '1000' },
  'batch-ms': { type: 'string', default: '300' },
  'committee-size': { type: 'string', default: '7' },
  'base-port': { type: 'string', default: '7100' },
  'funded-accounts': { type: 'string', default: '4' },
  reset: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseFlags() {
  try {
    return parseArgs({ options: FLAGS }).values;
  } catch (err) {
    process.stderr.write(`devnet: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parseFlags();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function int(name: keyof typeof values, min: number, max: number): number {
  const raw = values[name];
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    process.stderr.write(`devnet: --${name} must be an integer in [${min}, ${max}], got ${String(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const requested: DevnetConfig = {
  chainId: 'clusterchain-devnet',
  receptionNodes: int('reception-nodes', 1, 200),
  slotMs: int('slot-ms', 100, 60_000),
  batchMs: int('batch-ms', 10, 10_000),
  committeeSize: int('committee-size', 1, 64),
  basePort: int('base-port', 1024, 60_000),
  fundedAccounts: int('funded-accounts', 1, 1000),
};

const layout = devnetLayout(resolve(values.dir));
if (values.reset) await rm(layout.dir, { recursive: true, force: true });
const { config, created } = await initDevnet(layout, requested);
const ports = portsOf(config);
const ephemeral = parsePortRange(await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => ''));
const clash = ephemeral && ephemeralPortClash(portSpan(config), ephemeral);
if (clash) process.stderr.write(`devnet: warning: ${clash}\n`);
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const leaderPubkey = toHex(publicKeyOf(await readKeyFile(join(layout.nodeKeys, 'logic-0.key'))));

const out = (line: string): void => void process.stdout.write(line + '\n');
const supervisor = new Supervisor(layout.logs, layout.pids, out);
supervisor.start({
  name: 'logic-0',
  args: [
    join(dist, 'logic/src/bin/logicNode.js'),
    ...['--data', layout.logicData, '--key', join(layout.nodeKeys, 'logic-0.key'), '--genesis', layout.genesis, '--roster', layout.roster],
    ...['--listen', `127.0.0.1:${ports.logic}`, '--http', `127.0.0.1:${ports.logicHttp}`, '--slot-ms', String(config.slotMs), '--committee-size', String(config.committeeSize), '--name', 'logic-0'],
  ],
});
for (let i = 0; i < config.receptionNodes; i++) {
  supervisor.start({
    name: `reception-${i}`,
    args: [
      join(dist, 'reception/src/bin/receptionNode.js'),
      ...['--key', join(layout.nodeKeys, `reception-${i}.key`), '--logic', `127.0.0.1:${ports.logic}`, '--leader-pubkey', leaderPubkey],
      ...['--listen', `127.0.0.1:${ports.reception(i)}`, '--http', `127.0.0.1:${ports.receptionHttp(i)}`],
      ...['--batch-ms', String(config.batchMs), '--committee-size', String(config.committeeSize), '--name', `reception-${i}`],
    ],
  });
}

const accounts = await fundedAccounts(layout, config);
out(
  [
    '',
    `ClusterChain devnet ${created ? 'created' : 'resumed'} in ${layout.dir}: 1 logic node, ${config.receptionNodes} reception nodes, ${config.slotMs} ms slots`,
    `  logic node     grpc 127.0.0.1:${ports.logic}   metrics http://127.0.0.1:${ports.logicHttp}/metrics`,
    `  reception      grpc 127.0.0.1:${ports.reception(0)}..${ports.reception(config.receptionNodes - 1)}   metrics http://127.0.0.1:${ports.receptionHttp(0)}/metrics ..`,
    `  funded accounts (keys in ${layout.keys}):`,
    ...accounts.map((a) => `    ${a.address}  ${a.file}`),
    `  logs           ${layout.logs}/<node>.log`,
    '',
    'Try, from this directory:',
    `  npx clusterchain transfer --key ${accounts[0]?.file} --to ${accounts[1]?.address ?? accounts[0]?.address} --amount 1000 --wait`,
    '  npx clusterchain status',
    'Ctrl-C stops every node; the next `make devnet` resumes from the data (--reset starts over).',
    '',
  ].join('\n'),
);

let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  out(`\n${signal}: stopping the devnet (each node finishes its block or batch first)…`);
  supervisor.stop().then(
    () => {
      out('devnet stopped.');
      process.exit(0);
    },
    () => process.exit(1),
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
