import { access, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createKeyFile, readKeyFile } from '../../common/src/keyFile.js';
import { addressOf } from '../../protocol/src/address.js';
import { toHex } from '../../protocol/src/bytes.js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import type { Address } from '../../protocol/src/types.js';
import { ClientError, ClientErrorCode } from './errors.js';
import { parseKeyName } from './parse.js';

/** A directory of key files, `<name>.key`, each one hex secret key (services/common/src/keyFile.ts). */

export const KEY_FILE_SUFFIX = '.key';

export interface WalletKey {
  name: string;
  path: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  address: Address;
}

export interface ListedKey {
  name: string;
  path: string;
  /** Hex; absent when the file does not hold a key (`error` says why). */
  address?: string;
  error?: string;
}

/** Numbers inside names sort as numbers, so account-10 comes after account-9. */
const naturalOrder = new Intl.Collator('en', { numeric: true }).compare;

/** The key files of `dir`, in natural name order; [] when the directory does not exist. */
export async function keyFilesIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => n.endsWith(KEY_FILE_SUFFIX)).sort(naturalOrder).map((n) => join(dir, n));
}

export async function loadKey(path: string): Promise<WalletKey> {
  const secretKey = await readKeyFile(path);
  const publicKey = publicKeyOf(secretKey);
  return { name: basename(path, KEY_FILE_SUFFIX), path, secretKey, publicKey, address: addressOf(publicKey) };
}

export async function listKeys(dir: string): Promise<ListedKey[]> {
  const out: ListedKey[] = [];
  for (const path of await keyFilesIn(dir)) {
    const name = basename(path, KEY_FILE_SUFFIX);
    try {
      out.push({ name, path, address: toHex((await loadKey(path)).address) });
    } catch (err) {
      out.push({ name, path, error: (err as Error).message });
    }
  }
  return out;
}

/** A new random key in `dir`, named `name` or `key-<n>` with the first free n. */
export async function newKey(dir: string, name?: string): Promise<WalletKey> {
  let path: string;
  if (name !== undefined) path = join(dir, `${parseKeyName(name)}${KEY_FILE_SUFFIX}`);
  else {
    const taken = new Set((await keyFilesIn(dir)).map((p) => basename(p)));
    let n = 0;
    while (taken.has(`key-${n}${KEY_FILE_SUFFIX}`)) n++;
    path = join(dir, `key-${n}${KEY_FILE_SUFFIX}`);
  }
  await createKeyFile(path);
  return loadKey(path);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * The key `--key` names: a file path, else a name in the keys directory. Without --key, the first
 * key file of the keys directory in natural order (on a devnet: account-0, a funded account).
 */
export async function resolveKey(keyArg: string | undefined, keysDir: string): Promise<WalletKey> {
  if (keyArg !== undefined) {
    if (await exists(keyArg)) return loadKey(keyArg);
    const named = join(keysDir, keyArg.endsWith(KEY_FILE_SUFFIX) ? keyArg : `${keyArg}${KEY_FILE_SUFFIX}`);
    if (!keyArg.includes('/') && (await exists(named))) return loadKey(named);
    return loadKey(keyArg); // fails with KEY_FILE_MISSING naming the path given
  }
  const [first] = await keyFilesIn(keysDir);
  if (first === undefined) {
    throw new ClientError(ClientErrorCode.noKey, `no key file in ${keysDir}: pass --key FILE, or create one with \`clusterchain keys new\` (or start a devnet, which writes funded keys)`);
  }
  return loadKey(first);
}
