import { TransactionStatus_State, type TransactionStatus } from '../../../rpc/src/index.js';
import { stateName } from '../chain.js';
import { ClientError, ClientErrorCode } from '../errors.js';
import { parseTxId } from '../parse.js';
import { hex, table, type CommandResult } from '../output.js';
import type { CommandContext } from './context.js';

/** A transaction status as the CLI shows it in JSON. */
export function statusJson(s: TransactionStatus): Record<string, unknown> {
  const committed = s.state === TransactionStatus_State.STATE_COMMITTED;
  return {
    id: hex(s.id),
    state: stateName(s.state),
    ...(committed ? { height: s.height, index: s.index, outcome: s.outcome, fee: s.fee } : {}),
    ...(s.rejection ? { rejection: { code: s.rejection.code, message: s.rejection.message } } : {}),
  };
}

export function statusText(s: TransactionStatus): string[] {
  const rows: [string, string][] = [
    ['id', hex(s.id)],
    ['state', stateName(s.state)],
  ];
  if (s.state === TransactionStatus_State.STATE_COMMITTED) rows.push(['height', s.height.toString()], ['index', s.index.toString()], ['outcome', s.outcome], ['fee', s.fee]);
  if (s.rejection) rows.push(['rejected', `${s.rejection.code}: ${s.rejection.message}`]);
  return table(rows);
}

/** `tx <id>`: an unknown id is an error (exit NOT_FOUND), every known state is not. */
export async function txCommand(ctx: CommandContext): Promise<CommandResult> {
  const id = parseTxId(ctx.positionals[0]);
  const chain = await ctx.connect();
  const s = await chain.transaction(id);
  if (s.state === TransactionStatus_State.STATE_UNKNOWN || s.state === TransactionStatus_State.STATE_UNSPECIFIED) {
    throw new ClientError(ClientErrorCode.notFound, `the node at ${chain.endpoint} has never seen transaction ${hex(id)} (not pending, committed or recently rejected)`, { meta: { id: hex(id) } });
  }
  return { json: statusJson(s), text: statusText(s) };
}
