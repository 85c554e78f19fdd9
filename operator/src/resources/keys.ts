import { fromHex, toHex } from '../../../services/protocol/src/bytes.js';
import { publicKeyOf } from '../../../services/protocol/src/keys.js';

/**
 * The key file of services/common/src/keyFile.ts as a string rather than a file, so the operator
 * can put it in a Secret: 64 hex characters of the secp256k1 secret key and a newline, exactly
 * what `createKeyFile` writes and `readKeyFile` reads (the LN mounts it at .../key/key.json).
 * Nothing here ever puts key material in an error message or a log line.
 */

/** The Secret key a node's key file sits under (the LN's `--key /etc/clusterchain/key/key.json`). */
export const KEY_FILE_KEY = 'key.json';

/** The key file's content for a secret key. */
export function encodeKeyFile(secretKey: Uint8Array): string {
  publicKeyOf(secretKey); // refuses anything that is not a scalar in [1, n), with a coded error that names no key
  return `${toHex(secretKey)}\n`;
}

/**
 * The compressed public key (33 bytes, hex) of a key file's content, or null when the content is
 * not a key file: the caller reports which Secret is malformed, never what it holds.
 */
export function publicKeyOfKeyFile(text: string): string | null {
  try {
    return toHex(publicKeyOf(fromHex(text.trim())));
  } catch {
    return null;
  }
}

/** The public key held by a Secret's base64 `data[key.json]`, or null when there is no valid key file in it. */
export function publicKeyOfSecretData(data: Readonly<Record<string, string>> | undefined): string | null {
  const encoded = data?.[KEY_FILE_KEY];
  if (encoded === undefined) return null;
  return publicKeyOfKeyFile(Buffer.from(encoded, 'base64').toString('utf8'));
}
