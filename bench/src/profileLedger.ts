// Ad-hoc phase timing of the ledger path (not part of make bench): node dist/bench/src/profileLedger.js
import { LedgerEngine } from '../../services/logic/src/ledger/ledgerEngine.js';
import { makeWorkload, makeTransferBatch, decodeBatch } from './ledgerWorkload.js';

const ACCOUNTS = Number(process.argv[2] ?? 1_000_000);
const BLOCK = Number(process.argv[3] ?? 100_000);
const BLOCKS = Number(process.argv[4] ?? 3);
let t = performance.now();
const lap = (label: string) => {
  const now = performance.now();
  console.log(`${label.padEnd(28)} ${(now - t).toFixed(0)} ms`);
  t = now;
};
const w = makeWorkload(ACCOUNTS);
lap('workload');
const { engine } = LedgerEngine.fromGenesis(w.genesis);
lap('genesis (1M root)');
const producer = Buffer.from(w.pubkeys[0]!.subarray(13)).toString('latin1');
for (let b = 0; b < BLOCKS; b++) {
  const enc = makeTransferBatch(w, BLOCK);
  lap('make batch');
  const txs = decodeBatch(enc);
  lap('decode');
  const block = engine.executeBlock(txs, { timestamp: BigInt(Date.now()), feeRecipients: [producer] });
  lap(`execute+build (${block.changed.length} changed)`);
}
console.log('rss MB', (process.memoryUsage().rss / 1e6).toFixed(0));
