import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CodedError } from '../../protocol/src/errors.js';
import { fromHex, toHex } from '../../protocol/src/bytes.js';
import { generatePrivateKey, publicKeyOf } from '../../protocol/src/keys.js';

export const KeyFileErrorCode = {
  missing: 'KEY_FILE_MISSING',
  malformed: 'KEY_FILE_MALFORMED',
  exists: 'KEY_FILE_EXISTS',
} as const;
export type KeyFileErrorCode = (typeof KeyFileErrorCode)[keyof typeof KeyFileErrorCode];
export class KeyFileError extends CodedError<KeyFileErrorCode> {}

/**
 * A secret key on disk: 64 hex characters and a newline, readable by its owner only. The key is
 * never echoed in an error message, only the file's path.
 */
export async function readKeyFile(path: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new KeyFileError(KeyFileErrorCode.missing, `cannot read key file ${path}`, { cause: err });
  }
  try {
    const key = fromHex(text.trim());
    publicKeyOf(key); // throws a coded error unless it is a scalar in [1, n)
    return key;
  } catch (err) {
    throw new KeyFileError(KeyFileErrorCode.malformed, `key file ${path} does not hold a 32-byte secp256k1 secret key in hex`, { cause: err });
  }
}

/** Writes a new random key; refuses to overwrite one (a lost key is lost funds). */
export async function createKeyFile(path: string, key: Uint8Array = generatePrivateKey()): Promise<Uint8Array> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, `${toHex(key)}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyFileError(KeyFileErrorCode.exists, `key file ${path} already exists; refusing to overwrite it`);
    throw err;
  }
  await chmod(path, 0o600);
  return key;
}
