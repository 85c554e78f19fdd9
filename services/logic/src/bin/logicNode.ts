/**
 * A logic node process:
 *   node dist/services/logic/src/bin/logicNode.js --data DIR --key FILE --genesis FILE --roster FILE
 *     [--listen 127.0.0.1:7100] [--http 127.0.0.1:9100] [--slot-ms 3000] [--committee-size 7]
 * Stops cleanly on SIGINT/SIGTERM: the block in progress is made durable first.
 */
import { parseArgs } from 'node:util';
import { readKeyFile } from '../../../common/src/keyFile.js';
import { readGenesisFile } from '../../../common/src/genesisFile.js';
import { readRosterFile } from '../../../common/src/rosterFile.js';
import { createLogger } from '../../../common/src/logger.js';
import { stopOnSignal } from '../../../common/src/stopOnSignal.js';
import { startLogicNode } from '../node/startLogicNode.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    key: { type: 'string' },
    genesis: { type: 'string' },
    roster: { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:7100' },
    http: { type: 'string', default: '127.0.0.1:9100' },
    'slot-ms': { type: 'string' },
    'committee-size': { type: 'string' },
    'max-block-transactions': { type: 'string' },
    name: { type: 'string', default: 'logic-node' },
  },
});

const log = createLogger(values.name);
function required(name: 'data' | 'key' | 'genesis' | 'roster'): string {
  const v = values[name];
  if (v === undefined) {
    log.fatal(`--${name} is required`);
    process.exit(2);
  }
  return v;
}
function positiveInt(name: 'slot-ms' | 'committee-size' | 'max-block-transactions'): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0) {
    log.fatal(`--${name} must be a positive integer, got ${v}`);
    process.exit(2);
  }
  return n;
}

try {
  const genesis = await readGenesisFile(required('genesis'));
  const running = await startLogicNode({
    dataDir: required('data'),
    key: await readKeyFile(required('key')),
    genesis: { timestamp: genesis.timestamp, allocations: genesis.allocations },
    chainId: genesis.chainId,
    initialRoster: await readRosterFile(required('roster')),
    listen: values.listen,
    http: values.http,
    log,
    slotMs: positiveInt('slot-ms'),
    committeeSize: positiveInt('committee-size'),
    maxBlockTransactions: positiveInt('max-block-transactions'),
  });
  stopOnSignal(running, log);
} catch (err) {
  log.fatal({ err }, 'logic node failed to start');
  process.exit(1);
}
