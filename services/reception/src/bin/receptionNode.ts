/**
 * A reception node process:
 *   node dist/services/reception/src/bin/receptionNode.js --key FILE --logic HOST:PORT
 *     --leader-pubkey HEX --listen HOST:PORT --http HOST:PORT
 *     [--generate-key] [--advertise HOST:PORT]
 *     [--batch-ms 300] [--committee-size 7] [--direct-below-tps 0] [--name rn-0]
 *     [--admin-pubkey HEX]
 * --generate-key: an RN is a short-lived abstract node (WP 1); on a fresh machine it makes its own
 * key when FILE does not exist yet, and tells it on /identity for the operator to put in a roster.
 * --admin-pubkey: the operator key's public half (33-byte compressed, hex); enables POST /admin/drain
 * on the HTTP port (a relay handoff, DESIGN §11), which is refused (403 ADMIN_DISABLED) without it.
 *     [--misbehave NAME]   (test only; refused unless CLUSTERCHAIN_ALLOW_MISBEHAVIOUR=1)
 * Stops cleanly on SIGINT/SIGTERM: what is buffered reaches the logic node first.
 */
import { parseArgs } from 'node:util';
import { fromHex } from '../../../protocol/src/bytes.js';
import { PUBLIC_KEY_LENGTH } from '../../../protocol/src/params.js';
import { KeyFileErrorCode, createKeyFile, readKeyFile, KeyFileError } from '../../../common/src/keyFile.js';
import { createLogger } from '../../../common/src/logger.js';
import { stopOnSignal } from '../../../common/src/stopOnSignal.js';
import { parseMisbehaviour, type Misbehaviour } from '../misbehaviour.js';
import { startReceptionNode } from '../startReceptionNode.js';

const { values } = parseArgs({
  options: {
    key: { type: 'string' },
    logic: { type: 'string' },
    'leader-pubkey': { type: 'string' },
    listen: { type: 'string' },
    http: { type: 'string' },
    'generate-key': { type: 'boolean', default: false },
    advertise: { type: 'string' },
    'batch-ms': { type: 'string' },
    'committee-size': { type: 'string' },
    'direct-below-tps': { type: 'string' },
    name: { type: 'string', default: 'rn-0' },
    misbehave: { type: 'string' },
    'admin-pubkey': { type: 'string' },
  },
});

const log = createLogger(values.name);
function fail(message: string): never {
  log.fatal(message);
  process.exit(2);
}
function required(name: 'key' | 'logic' | 'leader-pubkey' | 'listen' | 'http'): string {
  return values[name] ?? fail(`--${name} is required`);
}
function integer(name: 'batch-ms' | 'committee-size' | 'direct-below-tps', min: number): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got ${v}`);
  return n;
}
function leaderPubkey(): Uint8Array {
  const hex = required('leader-pubkey');
  if (!/^0[23][0-9a-fA-F]{64}$/.test(hex)) fail(`--leader-pubkey must be a ${PUBLIC_KEY_LENGTH}-byte compressed key in hex`);
  return fromHex(hex);
}
function adminPubkey(): Uint8Array | undefined {
  const hex = values['admin-pubkey'];
  if (hex === undefined) return undefined;
  if (!/^0[23][0-9a-fA-F]{64}$/.test(hex)) fail(`--admin-pubkey must be a ${PUBLIC_KEY_LENGTH}-byte compressed key in hex`);
  return fromHex(hex);
}
function misbehaviour(): Misbehaviour | undefined {
  const v = values.misbehave;
  if (v === undefined) return undefined;
  if (process.env['CLUSTERCHAIN_ALLOW_MISBEHAVIOUR'] !== '1') fail('--misbehave is for tests only: set CLUSTERCHAIN_ALLOW_MISBEHAVIOUR=1 to allow it');
  try {
    return parseMisbehaviour(v);
  } catch (err) {
    fail((err as Error).message);
  }
}

/** The key in FILE; with --generate-key, a new one when FILE does not exist (never over an existing one). */
async function keyOf(path: string): Promise<Uint8Array> {
  try {
    return await readKeyFile(path);
  } catch (err) {
    if (!values['generate-key'] || !(err instanceof KeyFileError) || err.code !== KeyFileErrorCode.missing) throw err;
    log.info({ path }, 'no key yet: generating one');
    return createKeyFile(path);
  }
}

try {
  const bad = misbehaviour();
  const admin = adminPubkey();
  const running = await startReceptionNode({
    key: await keyOf(required('key')),
    logic: required('logic'),
    leaderPubkey: leaderPubkey(),
    listen: required('listen'),
    http: required('http'),
    ...(values.advertise ? { advertise: values.advertise } : {}),
    log,
    batchMs: integer('batch-ms', 1),
    committeeSize: integer('committee-size', 1),
    directBelowTps: integer('direct-below-tps', 0),
    ...(bad ? { misbehaviour: bad } : {}),
    ...(admin ? { adminPubkey: admin } : {}),
  });
  stopOnSignal(running, log);
} catch (err) {
  log.fatal({ err }, 'reception node failed to start');
  process.exit(1);
}
