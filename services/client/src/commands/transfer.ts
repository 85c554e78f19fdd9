import { encodeTransaction, transactionId } from '../../../protocol/src/codec/transaction.js';
import { signTransaction } from '../../../protocol/src/keys.js';
import { TransactionStatus_State } from '../../../rpc/src/index.js';
import { stateName, type SubmitRoute } from '../chain.js';
import { ClientError, ClientErrorCode } from '../errors.js';
import { TRANSFER_FEE } from '../fees.js';
import { resolveKey } from '../keyStore.js';
import { parseAddressArg, parseAmount, parseU64 } from '../parse.js';
import { hex, table, type CommandResult } from '../output.js';
import { stringFlag, type CommandContext } from './context.js';
import { statusJson } from './tx.js';

/** `--wait` gives up after this many slots (the node's slot length from GetStatus). */
export const WAIT_SLOTS = 10;

function routeText(r: SubmitRoute): string {
  return r.kind === 'reception' ? `reception node ${r.index} (${r.endpoint})${r.routed ? '' : ', not its routed RN_k, which did not answer'}` : `logic node ${r.endpoint} directly: ${r.reason}`;
}

/**
 * `transfer --to A --amount N [--key F] [--nonce N] [--force] [--wait]`: reads the sender's
 * account (its nonce; refuses when balance < amount + fee unless --force), signs, submits along
 * WP 2.1's route, prints the id; with --wait, polls until committed or rejected, 10 slots at most.
 */
export async function transferCommand(ctx: CommandContext): Promise<CommandResult> {
  const to = parseAddressArg(stringFlag(ctx, 'to'), '--to');
  const amount = parseAmount(stringFlag(ctx, 'amount'));
  const nonceFlag = stringFlag(ctx, 'nonce');
  const nonceArg = nonceFlag === undefined ? undefined : parseU64(nonceFlag, '--nonce');
  const { keysDir } = await ctx.config();
  const key = await resolveKey(stringFlag(ctx, 'key'), keysDir);
  const chain = await ctx.connect();
  const account = await chain.account(key.address);
  const balance = BigInt(account.balance);
  const base = { from: hex(key.address), to: hex(to), amount, fee: TRANSFER_FEE, key: key.path };
  if (balance < amount + TRANSFER_FEE && ctx.values['force'] !== true) {
    throw new ClientError(
      ClientErrorCode.insufficientBalance,
      `insufficient balance: ${hex(key.address)} holds ${balance}, the transfer needs amount ${amount} + fee ${TRANSFER_FEE} = ${amount + TRANSFER_FEE}; nothing was sent (--force sends anyway)`,
      { meta: { ...base, balance } },
    );
  }
  const nonce = nonceArg ?? account.nonce;
  const tx = signTransaction({ nonce, to, amount, gasLimit: 0n, code: new Uint8Array(0), data: new Uint8Array(0), pubkey: key.publicKey }, key.secretKey);
  const id = hex(transactionId(tx));
  const submitted = await chain.submit(encodeTransaction(tx), tx.signature);
  const summary = { ...base, id, nonce, route: submitted.route };
  const text = [`submitted ${id}`, ...table([['from', base.from], ['to', base.to], ['amount', amount.toString()], ['nonce', nonce.toString()], ['via', routeText(submitted.route)]]).map((l) => `  ${l}`)];
  if (ctx.values['wait'] !== true) return { json: { ...summary, state: 'SUBMITTED' }, text };

  const { slotMs } = await chain.status();
  const timeoutMs = WAIT_SLOTS * slotMs;
  const { status, timedOut } = await chain.waitFor(transactionId(tx), timeoutMs, Math.max(50, Math.min(500, slotMs / 10)));
  const meta = { ...summary, ...statusJson(status) };
  if (timedOut) {
    throw new ClientError(
      ClientErrorCode.timeout,
      `transaction ${id} is ${stateName(status.state)} after ${WAIT_SLOTS} slots (${timeoutMs / 1000} s): the chain may be stalled or overloaded. Check \`clusterchain status\`, then \`clusterchain tx ${id}\`; if it stays UNKNOWN, send it again`,
      { meta },
    );
  }
  if (status.state === TransactionStatus_State.STATE_REJECTED) {
    const code = status.rejection?.code ?? 'UNKNOWN';
    throw new ClientError(ClientErrorCode.txRejected, `transaction ${id} was rejected: ${code}: ${status.rejection?.message ?? ''}`, { meta: { ...meta, nodeCode: code } });
  }
  const committedText = [...text, `committed at height ${status.height} (index ${status.index}): ${status.outcome}, fee ${status.fee}`];
  if (status.outcome === 'INSUFFICIENT_BALANCE' || status.outcome === 'INSUFFICIENT_FEE') {
    throw new ClientError(ClientErrorCode.insufficientBalance, `transaction ${id} committed at height ${status.height} but failed: ${status.outcome} (fee charged: ${status.fee}); the balance no longer covered amount + fee`, { meta });
  }
  if (status.outcome !== 'SUCCESS') {
    const hint = status.outcome === 'BAD_NONCE' ? ' (another transaction of this account used the same nonce; send again)' : '';
    throw new ClientError(ClientErrorCode.txFailed, `transaction ${id} committed at height ${status.height} but failed: ${status.outcome}${hint}`, { meta });
  }
  return { json: meta, text: committedText };
}
