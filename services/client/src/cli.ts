import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ChainConnection } from './chain.js';
import { resolveConnection, type ConnectionConfig } from './config.js';
import { ClientError, ClientErrorCode, EXIT_CODES, toClientError } from './errors.js';
import { toJsonLine, type CliIo, type CommandResult } from './output.js';
import type { CommandContext } from './commands/context.js';
import { balanceCommand } from './commands/balance.js';
import { benchCommand } from './commands/bench.js';
import { blockCommand } from './commands/block.js';
import { keysCommand } from './commands/keys.js';
import { statusCommand } from './commands/status.js';
import { transferCommand } from './commands/transfer.js';
import { txCommand } from './commands/tx.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const GLOBAL_OPTIONS: Options = {
  node: { type: 'string' },
  'keys-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

interface Command {
  usage: string;
  summary: string;
  options: Options;
  flags: string[];
  run(ctx: CommandContext): Promise<CommandResult>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  keys: {
    usage: 'keys new [--name NAME] | keys list',
    summary: 'create a key file in the keys directory, or list them with their addresses',
    options: { name: { type: 'string' } },
    flags: ['--name NAME   file name in the keys directory (default key-<n>)'],
    run: keysCommand,
  },
  balance: {
    usage: 'balance <address>',
    summary: "an account's committed balance and nonce",
    options: {},
    flags: [],
    run: balanceCommand,
  },
  transfer: {
    usage: 'transfer --to <address> --amount <n> [--key <file|name>] [--wait]',
    summary: 'sign and send a transfer; with --wait, follow it until it commits',
    options: { to: { type: 'string' }, amount: { type: 'string' }, key: { type: 'string' }, nonce: { type: 'string' }, force: { type: 'boolean' }, wait: { type: 'boolean' } },
    flags: [
      '--to ADDRESS     recipient, 40 hex digits (0x optional)',
      '--amount N       integer in the smallest unit, 1 … 2^128−1 (the fee, 1000, comes on top)',
      '--key FILE|NAME  sender key file, or its name in the keys directory (default: the first key there)',
      '--nonce N        use this nonce instead of the account\'s next one',
      '--force          send even when the balance does not cover amount + fee',
      '--wait           poll until COMMITTED or REJECTED, at most 10 slots',
    ],
    run: transferCommand,
  },
  tx: {
    usage: 'tx <id>',
    summary: "a transaction's state: PENDING, COMMITTED (height, outcome, fee) or REJECTED (code)",
    options: {},
    flags: [],
    run: txCommand,
  },
  block: {
    usage: 'block <height|latest>',
    summary: 'a committed block: hash, time, state root, transaction ids, coinbase',
    options: {},
    flags: [],
    run: blockCommand,
  },
  status: {
    usage: 'status',
    summary: 'height, last block time, roster size and epoch, pending transactions',
    options: {},
    flags: [],
    run: statusCommand,
  },
  bench: {
    usage: 'bench [--accounts N] [--rate TPS] [--duration S | --count N] [--window N] [--verify]',
    summary: 'fund fresh accounts, load the chain with transfers, report TPS, latency and verify capacity',
    options: {
      accounts: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      count: { type: 'string' },
      verify: { type: 'boolean' },
      'verify-seconds': { type: 'string' },
      direct: { type: 'boolean' },
      chunk: { type: 'string' },
      streams: { type: 'string' },
      window: { type: 'string' },
    },
    flags: [
      '--accounts N        fresh accounts funded from the keys directory\'s funded keys (default 2000)',
      '--rate TPS          target submission rate (default: as fast as the chain takes them)',
      '--duration S        submit for S seconds (default 10 when --count is not given)',
      '--count N           submit N transfers',
      '--verify            afterwards, check every transaction and balance against the model',
      '--verify-seconds S  per-core time of the verify-capacity measurement (default 1.5)',
      '--direct            send to the logic node even when reception nodes could take them',
      '--chunk N           transactions per batch on a reception node\'s stream (default 500, at most 4096)',
      '--streams N         batches in flight per reception node (default 4)',
      '--window N          at most N transfers submitted and not yet committed (default: one slot of verify capacity)',
    ],
    run: benchCommand,
  },
};

const GLOBAL_HELP = [
  '--node HOST:PORT  logic node (default: $CLUSTERCHAIN_NODE, else "logic" of ./.devnet/endpoints.json, else 127.0.0.1:7100)',
  '--keys-dir DIR    key files (default: $CLUSTERCHAIN_KEYS_DIR, else the devnet\'s, else ~/.clusterchain/keys)',
  '--json            print one JSON object (bigints as decimal strings); errors too, as {"error": {...}}',
  '-h, --help        this help',
];

export function helpText(command?: string): string {
  const c = command === undefined ? undefined : COMMANDS[command];
  if (c !== undefined) {
    return [`usage: clusterchain ${c.usage} [options]`, '', c.summary, ...(c.flags.length > 0 ? ['', ...c.flags.map((f) => `  ${f}`)] : []), '', 'options:', ...GLOBAL_HELP.map((f) => `  ${f}`), ''].join('\n');
  }
  const exitCodes = new Map<number, string[]>();
  for (const [code, exit] of Object.entries(EXIT_CODES)) exitCodes.set(exit, [...(exitCodes.get(exit) ?? []), code]);
  return [
    'usage: clusterchain <command> [options]    (clusterchain <command> --help for its flags)',
    '',
    'commands:',
    ...Object.values(COMMANDS).flatMap((x) => [`  ${x.usage}`, `      ${x.summary}`]),
    '',
    'options:',
    ...GLOBAL_HELP.map((f) => `  ${f}`),
    '',
    'exit codes:',
    '  0  success',
    ...[...exitCodes].sort(([a], [b]) => a - b).map(([exit, codes]) => `  ${String(exit).padEnd(2)} ${codes.join(', ')}`),
    '',
  ].join('\n');
}

/** All flags of all commands, to find the command word without mistaking a flag's value for it. */
function allOptions(): Options {
  const out: Options = { ...GLOBAL_OPTIONS };
  for (const c of Object.values(COMMANDS)) Object.assign(out, c.options);
  return out;
}

function usageError(err: unknown): ClientError {
  return new ClientError(ClientErrorCode.usage, `${(err as Error).message}; see clusterchain --help`, { cause: err });
}

function errorJson(e: ClientError): Record<string, unknown> {
  return { code: e.code, exitCode: EXIT_CODES[e.code], message: e.message, ...e.meta };
}

/**
 * The wallet CLI: parses `argv` (without node and the script), runs the command, writes its
 * output and returns the exit code (EXIT_CODES). Never throws.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let json = argv.includes('--json');
  let chain: ChainConnection | undefined;
  try {
    let loose;
    try {
      loose = parseArgs({ args: [...argv], options: allOptions(), allowPositionals: true, strict: false });
    } catch (err) {
      throw usageError(err);
    }
    const [name, ...rest] = loose.positionals;
    if (name === undefined || name === 'help') {
      io.stdout(helpText(rest[0]));
      return loose.values['help'] === true || name === 'help' ? 0 : EXIT_CODES.USAGE;
    }
    const command = COMMANDS[name];
    if (command === undefined) throw new ClientError(ClientErrorCode.usage, `unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (see clusterchain --help)`);
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    } catch (err) {
      throw usageError(err);
    }
    json = parsed.values['json'] === true;
    if (parsed.values['help'] === true) {
      io.stdout(helpText(name));
      return 0;
    }
    const positionals = parsed.positionals.slice(1);
    const maxPositionals = name === 'keys' || name === 'balance' || name === 'tx' || name === 'block' ? 1 : 0;
    if (positionals.length > maxPositionals) throw new ClientError(ClientErrorCode.usage, `unexpected argument "${positionals[maxPositionals]}"; usage: clusterchain ${command.usage}`);
    let config: ConnectionConfig | undefined;
    const ctx: CommandContext = {
      io,
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals,
      json,
      config: async () => (config ??= await resolveConnection({ node: parsed.values['node'] as string | undefined, keysDir: parsed.values['keys-dir'] as string | undefined, env: io.env, cwd: io.cwd })),
      connect: async () => (chain ??= new ChainConnection((await ctx.config()).node)),
    };
    const result = await command.run(ctx);
    if (json) io.stdout(`${toJsonLine(result.failure ? { ...result.json, error: errorJson(result.failure) } : result.json)}\n`);
    else io.stdout(`${result.text.join('\n')}\n`);
    if (result.failure) {
      io.stderr(`clusterchain: ${result.failure.message}\n`);
      return EXIT_CODES[result.failure.code];
    }
    return 0;
  } catch (err) {
    const e = toClientError(err);
    if (json) io.stdout(`${toJsonLine({ error: errorJson(e) })}\n`);
    io.stderr(`clusterchain: ${e.message}\n`);
    if (e.code === ClientErrorCode.internal && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return EXIT_CODES[e.code];
  } finally {
    chain?.close();
  }
}
