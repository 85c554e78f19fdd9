/**
 * `make bench`: every figure of the foundation, each with its baseline measured in the same run
 * (CONVENTIONS 8), printed as a table and written to bench/results/ledger.json.
 * Ledger figures run in child processes so each peak RSS is its own. Options:
 *   --quick   small sizes, for a smoke run (not the figures to quote)
 */
import { execFileSync } from 'node:child_process';
import { nodeProcessEnv } from '../../services/common/src/nativeMemory.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchVerify } from './verify.js';
import { benchMpt } from './mptBench.js';
import { benchGrpcOverhead } from './grpcOverheadBench.js';

const quick = process.argv.includes('--quick');
const here = dirname(fileURLToPath(import.meta.url));
const sizes = quick ? ['--accounts', '50000', '--block', '10000', '--blocks', '3'] : ['--accounts', '1000000', '--block', '100000', '--blocks', '5'];

function child(mode: string): Record<string, number> {
  const out = execFileSync(process.execPath, ['--expose-gc', join(here, 'ledgerBench.js'), '--mode', mode, ...sizes], { encoding: 'utf8', maxBuffer: 1 << 20, env: nodeProcessEnv() });
  return JSON.parse(out.trim().split('\n').pop() as string) as Record<string, number>;
}

const log = (s: string) => process.stderr.write(s + '\n');
log('verify: native vs reference, one core each…');
const verify = await benchVerify({ seconds: quick ? 0.5 : 2 });
log('mpt: ours vs @ethereumjs/mpt…');
const mpt = await benchMpt(quick ? 5_000 : 20_000, 3);
log('grpc: CPU of a SubmitTxStream call, of each streamed message, and of a transaction batched on a SubmitTxBatches stream…');
const grpc = await benchGrpcOverhead({ transactions: quick ? 10_000 : 40_000 });
log('ledger baseline (plain Map)…');
const baseline = child('baseline');
log('ledger (roots + durable RocksDB commits)…');
const ledger = child('ledger');
log('single-node chain (inline native verification, one core)…');
const signed = child('signed');

const results = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
  sizes: quick ? 'quick' : { accounts: 1_000_000, block: 100_000, blocks: 5 },
  ledger_transfers_per_s: ledger.ledger_transfers_per_s,
  baseline_map_transfers_per_s: baseline.baseline_map_transfers_per_s,
  single_node_chain_tps: signed.single_node_chain_tps,
  mpt_updates_per_s: mpt.mpt_updates_per_s,
  ethereumjs_mpt_updates_per_s: mpt.ethereumjs_mpt_updates_per_s,
  verify_per_s_fast: Math.round(verify.verify_per_s_fast),
  verify_per_s_reference: Math.round(verify.verify_per_s_reference),
  peak_rss_mb: ledger.peak_rss_mb,
  grpc_stream_call_cpu_us: grpc.grpc_stream_call_cpu_us,
  grpc_stream_message_cpu_us: grpc.grpc_stream_message_cpu_us,
  grpc_chunk_call_tx_cpu_us: grpc.grpc_chunk_call_tx_cpu_us,
  grpc_batch_stream_tx_cpu_us: grpc.grpc_batch_stream_tx_cpu_us,
  ratios: {
    ledger_vs_baseline: +((ledger.ledger_transfers_per_s as number) / (baseline.baseline_map_transfers_per_s as number)).toFixed(3),
    mpt_vs_ethereumjs: +(mpt.mpt_updates_per_s / mpt.ethereumjs_mpt_updates_per_s).toFixed(1),
    verify_fast_vs_reference: +(verify.verify_per_s_fast / verify.verify_per_s_reference).toFixed(1),
    // In verifications: what moving one transaction through gRPC costs next to checking it once.
    grpc_message_vs_verify: +((grpc.grpc_stream_message_cpu_us * verify.verify_per_s_fast) / 1e6).toFixed(2),
    grpc_call_vs_verify: +((grpc.grpc_stream_call_cpu_us * verify.verify_per_s_fast) / 1e6).toFixed(2),
    grpc_batch_stream_vs_chunk_calls: +(grpc.grpc_batch_stream_tx_cpu_us / grpc.grpc_chunk_call_tx_cpu_us).toFixed(3),
  },
  targets: {
    ledger_transfers_per_s: '>= 100000',
    mpt_vs_ethereumjs: '>= 20',
    verify_fast_vs_reference: '>= 15',
    peak_rss_mb: '<= 1000',
  },
};

const rows: [string, number | string, string][] = [
  ['ledger_transfers_per_s', results.ledger_transfers_per_s as number, `${results.ratios.ledger_vs_baseline}x baseline; target >= 100000`],
  ['baseline_map_transfers_per_s', results.baseline_map_transfers_per_s as number, 'bare Map loop, same transfers'],
  ['single_node_chain_tps', results.single_node_chain_tps as number, 'inline native verify, one core'],
  ['mpt_updates_per_s', results.mpt_updates_per_s, `${results.ratios.mpt_vs_ethereumjs}x ethereumjs; target >= 20x`],
  ['ethereumjs_mpt_updates_per_s', results.ethereumjs_mpt_updates_per_s, 'same keys, same run'],
  ['verify_per_s_fast', results.verify_per_s_fast, `${results.ratios.verify_fast_vs_reference}x reference; target >= 15x`],
  ['verify_per_s_reference', results.verify_per_s_reference, '@noble/curves'],
  ['peak_rss_mb', results.peak_rss_mb as number, 'ledger run; target <= 1000'],
  ['grpc_stream_call_cpu_us', results.grpc_stream_call_cpu_us, `${results.ratios.grpc_call_vs_verify}x one verification; client + server`],
  ['grpc_stream_message_cpu_us', results.grpc_stream_message_cpu_us, `${results.ratios.grpc_message_vs_verify}x one verification; client + server`],
  ['grpc_chunk_call_tx_cpu_us', results.grpc_chunk_call_tx_cpu_us, 'per transaction: a SubmitTxStream call per 16 (baseline)'],
  ['grpc_batch_stream_tx_cpu_us', results.grpc_batch_stream_tx_cpu_us, `${results.ratios.grpc_batch_stream_vs_chunk_calls}x baseline: 16 a batch on one SubmitTxBatches stream`],
];
console.log('| figure | value | note |\n| --- | ---: | --- |');
for (const [k, v, note] of rows) console.log(`| ${k} | ${typeof v === 'number' ? v.toLocaleString('en-US') : v} | ${note} |`);
const file = join(here, '../../../bench/results', quick ? 'ledger.quick.json' : 'ledger.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
log(`wrote ${file}`);
