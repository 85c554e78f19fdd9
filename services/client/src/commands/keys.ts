import { toHex } from '../../../protocol/src/bytes.js';
import { ClientError, ClientErrorCode } from '../errors.js';
import { listKeys, newKey } from '../keyStore.js';
import type { CommandResult } from '../output.js';
import { stringFlag, type CommandContext } from './context.js';

/** `keys new [--name N]`, `keys list`: the key files of the keys directory. */
export async function keysCommand(ctx: CommandContext): Promise<CommandResult> {
  const [sub] = ctx.positionals;
  const { keysDir } = await ctx.config();
  if (sub === 'new') {
    const key = await newKey(keysDir, stringFlag(ctx, 'name'));
    const address = toHex(key.address);
    return {
      json: { name: key.name, path: key.path, address, publicKey: toHex(key.publicKey) },
      text: [`created key ${key.name}`, `  address: ${address}`, `  file:    ${key.path} (keep it secret: it spends the account)`],
    };
  }
  if (sub === 'list') {
    const keys = await listKeys(keysDir);
    const text = keys.length === 0 ? [`no keys in ${keysDir}; create one with \`clusterchain keys new\``] : [`keys in ${keysDir}:`];
    const width = Math.max(0, ...keys.map((k) => k.name.length));
    for (const k of keys) text.push(`  ${k.name.padEnd(width)}  ${k.address ?? `(unreadable: ${k.error})`}`);
    return { json: { keysDir, keys }, text };
  }
  throw new ClientError(ClientErrorCode.usage, sub === undefined ? 'keys needs a subcommand: new or list' : `unknown keys subcommand "${sub}": use new or list`);
}
