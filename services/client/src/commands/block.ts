import { parseBlockRef } from '../parse.js';
import { hex, table, type CommandResult } from '../output.js';
import type { CommandContext } from './context.js';

/** Ids a person sees; --json lists them all. */
const IDS_SHOWN = 10;

/** `block <height|latest>`. */
export async function blockCommand(ctx: CommandContext): Promise<CommandResult> {
  const ref = parseBlockRef(ctx.positionals[0]);
  const chain = await ctx.connect();
  const b = await chain.block(ref);
  const ids = b.transactionIds.map(hex);
  const coinbase = b.coinbase.map((c) => ({ account: hex(c.account), reward: c.reward }));
  const text = table([
    ['height', b.height.toString()],
    ['hash', hex(b.hash)],
    ['parent', hex(b.parentHash)],
    ['time', `${new Date(Number(b.timestampMs)).toISOString()} (${b.timestampMs} ms)`],
    ['state root', hex(b.stateRoot)],
    ['transactions', b.transactionCount.toString()],
    ['coinbase', `${coinbase.length} entries, ${coinbase.reduce((s, c) => s + BigInt(c.reward), 0n)} in total`],
  ]);
  for (const id of ids.slice(0, IDS_SHOWN)) text.push(`  ${id}`);
  if (ids.length > IDS_SHOWN) text.push(`  … ${ids.length - IDS_SHOWN} more (--json lists them all)`);
  return {
    json: {
      height: b.height,
      hash: hex(b.hash),
      parentHash: hex(b.parentHash),
      stateRoot: hex(b.stateRoot),
      timestampMs: b.timestampMs,
      transactionCount: b.transactionCount,
      transactionIds: ids,
      coinbase,
    },
    text,
  };
}
