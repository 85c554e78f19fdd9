import { hex, table, type CommandResult } from '../output.js';
import type { CommandContext } from './context.js';

/** `status`: height, last block time, roster size and epoch. */
export async function statusCommand(ctx: CommandContext): Promise<CommandResult> {
  const chain = await ctx.connect();
  const s = await chain.status();
  const lastBlockTime = s.lastBlockTimeMs > 0n ? new Date(Number(s.lastBlockTimeMs)).toISOString() : null;
  const ageS = s.lastBlockTimeMs > 0n ? (Date.now() - Number(s.lastBlockTimeMs)) / 1000 : null;
  return {
    json: {
      node: chain.endpoint,
      chainId: s.chainId,
      height: s.height,
      headHash: hex(s.headHash),
      lastBlockTimeMs: s.lastBlockTimeMs,
      lastBlockTime,
      rosterEpoch: s.rosterEpoch,
      rosterSize: s.rosterSize,
      pending: s.pending,
      slotMs: s.slotMs,
    },
    text: table([
      ['node', chain.endpoint],
      ['chain', s.chainId],
      ['height', s.height.toString()],
      ['head', hex(s.headHash)],
      ['last block', lastBlockTime === null ? '-' : `${lastBlockTime} (${(ageS as number).toFixed(1)} s ago)`],
      ['slot', `${s.slotMs} ms`],
      ['roster', `${s.rosterSize} reception nodes, epoch ${s.rosterEpoch}`],
      ['pending', `${s.pending} transactions`],
    ]),
  };
}
