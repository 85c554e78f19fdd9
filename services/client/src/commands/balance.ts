import { parseAddressArg } from '../parse.js';
import { hex, table, type CommandResult } from '../output.js';
import type { CommandContext } from './context.js';

/** `balance <address>`: the committed balance and nonce. */
export async function balanceCommand(ctx: CommandContext): Promise<CommandResult> {
  const address = parseAddressArg(ctx.positionals[0], 'the address');
  const chain = await ctx.connect();
  const a = await chain.account(address);
  const json = { address: hex(address), balance: a.balance, nonce: a.nonce, exists: a.exists };
  return {
    json,
    text: table([
      ['address', json.address],
      ['balance', a.balance],
      ['nonce', a.nonce.toString()],
      ...(a.exists ? [] : [['note', 'the chain has never seen this address'] as const]),
    ]),
  };
}
