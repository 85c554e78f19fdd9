import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ClientError, ClientErrorCode } from './errors.js';
import { parseEndpoint } from './parse.js';

/** Where the CLI connects and finds keys when no flag says (each default with its reason). */
export const DEFAULT_NODE = '127.0.0.1:7100'; // the devnet's logic node (services/devnet layout: basePort)
/** The devnet writes this in the directory it runs from (services/devnet/src/layout.ts). */
export const ENDPOINTS_FILE = join('.devnet', 'endpoints.json');
/** Outside a devnet, keys live in the user's home, readable by the user only. */
export const HOME_KEYS_DIR = join('.clusterchain', 'keys');

/** What the devnet writes to .devnet/endpoints.json: one schema is the validation and the type. */
export const EndpointsFileSchema = z.object({
  logic: z.string(),
  reception: z.array(z.string()).default([]),
  keysDir: z.string().optional(),
});
export type EndpointsFile = z.infer<typeof EndpointsFileSchema>;

export interface ConnectionConfig {
  /** The logic node, host:port. */
  node: string;
  /** Where `node` came from, for messages: "--node", "CLUSTERCHAIN_NODE", the endpoints file, or "default". */
  nodeSource: string;
  keysDir: string;
  /** Reception nodes the devnet listed (the roster from GetRoster is what routing uses). */
  reception: string[];
}

export interface ConfigInputs {
  node?: string | undefined;
  keysDir?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

async function readEndpointsFile(path: string): Promise<EndpointsFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ClientError(ClientErrorCode.invalidConfig, `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return EndpointsFileSchema.parse(JSON.parse(text));
  } catch (err) {
    throw new ClientError(ClientErrorCode.invalidConfig, `${path} is not a devnet endpoints file ({ "logic": "HOST:PORT", "reception": [...], "keysDir": "..." }); fix or remove it`, { cause: err });
  }
}

/**
 * The node: --node, else CLUSTERCHAIN_NODE, else `logic` of .devnet/endpoints.json in the current
 * directory, else 127.0.0.1:7100. Keys: --keys-dir, else CLUSTERCHAIN_KEYS_DIR, else the endpoints
 * file's keysDir (relative to the current directory), else ~/.clusterchain/keys.
 */
export async function resolveConnection(inputs: ConfigInputs): Promise<ConnectionConfig> {
  const endpointsPath = join(inputs.cwd, ENDPOINTS_FILE);
  const endpoints = await readEndpointsFile(endpointsPath);
  let node: string;
  let nodeSource: string;
  if (inputs.node !== undefined) [node, nodeSource] = [parseEndpoint(inputs.node, '--node'), '--node'];
  else if (inputs.env['CLUSTERCHAIN_NODE']) [node, nodeSource] = [parseEndpoint(inputs.env['CLUSTERCHAIN_NODE'], 'CLUSTERCHAIN_NODE'), 'CLUSTERCHAIN_NODE'];
  else if (endpoints !== undefined) [node, nodeSource] = [parseEndpoint(endpoints.logic, `"logic" in ${endpointsPath}`), endpointsPath];
  else [node, nodeSource] = [DEFAULT_NODE, 'default'];
  const keysDir =
    inputs.keysDir ?? inputs.env['CLUSTERCHAIN_KEYS_DIR'] ?? endpoints?.keysDir ?? join(inputs.env['HOME'] ?? homedir(), HOME_KEYS_DIR);
  return { node, nodeSource, keysDir: resolve(inputs.cwd, keysDir), reception: endpoints?.reception ?? [] };
}
