import type { ChainConnection } from '../chain.js';
import type { ConnectionConfig } from '../config.js';
import type { CliIo } from '../output.js';

/** What every command gets: its parsed flags and positionals, the IO, and lazily the connection. */
export interface CommandContext {
  io: CliIo;
  values: Readonly<Record<string, string | boolean | undefined>>;
  positionals: readonly string[];
  json: boolean;
  config(): Promise<ConnectionConfig>;
  /** The logic node's connection (made once; main closes it). */
  connect(): Promise<ChainConnection>;
}

export function stringFlag(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}
