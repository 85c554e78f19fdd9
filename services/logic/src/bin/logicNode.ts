/**
 * A logic node process:
 *   node dist/services/logic/src/bin/logicNode.js --data DIR --key FILE --genesis FILE [--roster FILE]
 *     [--listen 127.0.0.1:7100] [--http 127.0.0.1:9100] [--slot-ms 3000] [--committee-size 7]
 *     [--admin-pubkey HEX]
 * --roster: the first epoch's members, used only until a roster is persisted in DIR; without it
 * (or with `{ "members": [] }`) the first epoch is empty: a fresh cluster on Kubernetes starts its
 * logic node before any reception node exists, and the operator adds them with ChangeRoster.
 * --admin-pubkey: the operator key's public half (33-byte compressed, hex); enables ChangeRoster,
 * which is refused (ADMIN_DISABLED) without it.
 * Stops cleanly on SIGINT/SIGTERM: the block in progress is made durable first.
 */
import { parseArgs } from 'node:util';
import { fromHex } from '../../../protocol/src/bytes.js';
import { PUBLIC_KEY_LENGTH } from '../../../protocol/src/params.js';
import type { RosterMember } from '../../../protocol/src/reception/roster.js';
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
    'admin-pubkey': { type: 'string' },
    listen: { type: 'string', default: '127.0.0.1:7100' },
    http: { type: 'string', default: '127.0.0.1:9100' },
    'slot-ms': { type: 'string' },
    'committee-size': { type: 'string' },
    'max-block-transactions': { type: 'string' },
    name: { type: 'string', default: 'logic-node' },
  },
});

const log = createLogger(values.name);
function required(name: 'data' | 'key' | 'genesis'): string {
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

function adminPubkey(): Uint8Array | undefined {
  const hex = values['admin-pubkey'];
  if (hex === undefined) return undefined;
  if (!/^0[23][0-9a-fA-F]{64}$/.test(hex)) {
    log.fatal(`--admin-pubkey must be a ${PUBLIC_KEY_LENGTH}-byte compressed key in hex`);
    process.exit(2);
  }
  return fromHex(hex);
}

async function initialRoster(): Promise<RosterMember[]> {
  if (values.roster !== undefined) return readRosterFile(values.roster);
  log.info('no --roster: the first roster epoch is empty until the operator adds reception nodes');
  return [];
}

try {
  const admin = adminPubkey();
  const genesis = await readGenesisFile(required('genesis'));
  const running = await startLogicNode({
    dataDir: required('data'),
    key: await readKeyFile(required('key')),
    genesis: { timestamp: genesis.timestamp, allocations: genesis.allocations },
    chainId: genesis.chainId,
    initialRoster: await initialRoster(),
    ...(admin ? { adminPubkey: admin } : {}),
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
