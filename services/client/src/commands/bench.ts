import { DEFAULT_BENCH_OPTIONS, MAX_CHUNK, type BenchOptions } from '../bench/options.js';
import { runBench, type BenchReport } from '../bench/runBench.js';
import { ClientError, ClientErrorCode } from '../errors.js';
import { parsePositiveInt, parseSeconds } from '../parse.js';
import type { CommandResult } from '../output.js';
import { stringFlag, type CommandContext } from './context.js';

function optional<T>(ctx: CommandContext, flag: string, parse: (text: string, what: string) => T): T | undefined {
  const v = stringFlag(ctx, flag);
  return v === undefined ? undefined : parse(v, `--${flag}`);
}

export function benchOptionsOf(ctx: CommandContext): BenchOptions {
  return {
    accounts: optional(ctx, 'accounts', (t, w) => parsePositiveInt(t, w, 1_000_000)) ?? DEFAULT_BENCH_OPTIONS.accounts,
    rate: optional(ctx, 'rate', (t, w) => parsePositiveInt(t, w, 10_000_000)),
    durationS: optional(ctx, 'duration', parseSeconds),
    count: optional(ctx, 'count', (t, w) => parsePositiveInt(t, w, 100_000_000)),
    verify: ctx.values['verify'] === true,
    verifySeconds: optional(ctx, 'verify-seconds', parseSeconds) ?? DEFAULT_BENCH_OPTIONS.verifySeconds,
    direct: ctx.values['direct'] === true,
    chunkSize: optional(ctx, 'chunk', (t, w) => parsePositiveInt(t, w, MAX_CHUNK)) ?? DEFAULT_BENCH_OPTIONS.chunkSize,
    streamsPerRn: optional(ctx, 'streams', (t, w) => parsePositiveInt(t, w, 64)) ?? DEFAULT_BENCH_OPTIONS.streamsPerRn,
    window: optional(ctx, 'window', (t, w) => parsePositiveInt(t, w, 10_000_000)),
  };
}

function reportText(r: BenchReport): string[] {
  const lines = [
    `bench: ${r.accounts} accounts, ${r.path === 'reception' ? 'routed to reception nodes' : 'direct to the logic node'}`,
    `  submitted     ${r.submitted} (${r.submit_tps} tx/s)   rejected ${r.rejected}${r.rejected > 0 ? ` ${JSON.stringify(r.rejections)}` : ''}   retries ${r.retries}`,
    `  committed     ${r.committed} in ${r.duration_s} s over ${r.slots} blocks = ${r.committed_tps} tx/s${r.uncommitted > 0 ? `   NOT COMMITTED ${r.uncommitted}` : ''}`,
    `  latency       p50 ${r.p50_ms} ms   p99 ${r.p99_ms} ms (submit → seen in a block; at most ${r.window} uncommitted at once)`,
    `  capacity      ${r.verify_per_s} verifications/s on ${r.cores} cores ÷ 7 = ${r.verify_capacity_tps} tx/s (this machine's reception ceiling)`,
  ];
  if (r.verify) {
    const v = r.verify;
    lines.push(
      `  verify        ${v.ok ? 'OK' : 'FAILED'}: ${v.transactions.committed_success}/${v.transactions.checked} transactions SUCCESS, ${v.accounts.checked - v.accounts.mismatched}/${v.accounts.checked} balances as modelled, supply ${v.supply.conserved ? 'conserved' : 'NOT conserved'} (funded ${v.supply.funded} = final ${v.supply.final} + fees ${v.supply.fees})`,
    );
    for (const e of v.examples) lines.push(`    ${e}`);
  }
  return lines;
}

/** `bench`: the load generator; a failed --verify still prints the whole report, then exits VERIFY_FAILED. */
export async function benchCommand(ctx: CommandContext): Promise<CommandResult> {
  const options = benchOptionsOf(ctx);
  const { keysDir } = await ctx.config();
  const chain = await ctx.connect();
  const io = ctx.io;
  let drawn = false;
  const report = await runBench(chain, keysDir, options, {
    note: (m) => {
      if (drawn) io.stderr('\n');
      drawn = false;
      io.stderr(`${m}\n`);
    },
    progress: io.stderrIsTTY
      ? (line) => {
          drawn = true;
          io.stderr(`\r\x1b[K${line}`);
        }
      : undefined,
  });
  if (drawn) io.stderr('\n');
  const result: CommandResult = { json: { ...report }, text: reportText(report) };
  if (report.verify && !report.verify.ok) {
    result.failure = new ClientError(ClientErrorCode.verifyFailed, `bench --verify failed: ${JSON.stringify(report.verify.transactions.problems)}, ${report.verify.accounts.mismatched} balances off, supply ${report.verify.supply.conserved ? 'conserved' : 'not conserved'}`);
  }
  return result;
}
