import { mkdir, writeFile, readFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { addressOf } from '../../protocol/src/address.js';
import { toHex } from '../../protocol/src/bytes.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { createKeyFile, readKeyFile } from '../../common/src/keyFile.js';
import { genesisFileOf } from '../../common/src/genesisFile.js';
import { portsOf, type DevnetConfig, type DevnetLayout } from './layout.js';

/** Each funded account's balance: plenty for benchmarks (10^9 transfers of 10^9 units and their fees). */
export const FUNDED_BALANCE = 10n ** 24n;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Creates a devnet's files on first start: node keys, funded account keys, genesis, the first
 * roster and the endpoints file the wallet reads. On a later start the saved config wins (the
 * chain's identity cannot change under its data); flags that would change it are reported.
 */
export async function initDevnet(layout: DevnetLayout, requested: DevnetConfig): Promise<{ config: DevnetConfig; created: boolean }> {
  if (await exists(layout.config)) {
    const config = JSON.parse(await readFile(layout.config, 'utf8')) as DevnetConfig;
    return { config, created: false };
  }
  const config = requested;
  await mkdir(layout.dir, { recursive: true });
  await mkdir(layout.logs, { recursive: true });
  const ports = portsOf(config);
  const leaderKey = await createKeyFile(join(layout.nodeKeys, 'logic-0.key'));
  const receptionKeys: Uint8Array[] = [];
  for (let i = 0; i < config.receptionNodes; i++) receptionKeys.push(await createKeyFile(join(layout.nodeKeys, `reception-${i}.key`)));
  const accounts: Uint8Array[] = [];
  for (let i = 0; i < config.fundedAccounts; i++) accounts.push(await createKeyFile(join(layout.keys, `account-${i}.key`)));
  const genesis = genesisFileOf({
    chainId: config.chainId,
    leaderPubkey: publicKeyOf(leaderKey),
    timestamp: BigInt(Date.now()),
    // The leader's account pays the fees of its exclusion records.
    allocations: [...accounts, leaderKey].map((k) => ({ address: addressOf(publicKeyOf(k)), balance: FUNDED_BALANCE })),
  });
  await writeFile(layout.genesis, JSON.stringify(genesis, null, 2));
  await writeFile(layout.roster, JSON.stringify({ members: receptionKeys.map((k, i) => ({ pubkey: toHex(publicKeyOf(k)), endpoint: `127.0.0.1:${ports.reception(i)}` })) }, null, 2));
  await writeFile(
    layout.endpoints,
    JSON.stringify({ logic: `127.0.0.1:${ports.logic}`, reception: receptionKeys.map((_, i) => `127.0.0.1:${ports.reception(i)}`), keysDir: layout.keys }, null, 2),
  );
  await writeFile(layout.config, JSON.stringify(config, null, 2));
  return { config, created: true };
}

/** The funded accounts of a devnet, for the start banner. */
export async function fundedAccounts(layout: DevnetLayout, config: DevnetConfig): Promise<{ file: string; address: string }[]> {
  const out: { file: string; address: string }[] = [];
  for (let i = 0; i < config.fundedAccounts; i++) {
    const file = join(layout.keys, `account-${i}.key`);
    out.push({ file, address: toHex(addressOf(publicKeyOf(await readKeyFile(file)))) });
  }
  return out;
}
