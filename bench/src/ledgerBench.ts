/**
 * One ledger measurement in its own process (so peak RSS is this run's alone); prints one JSON
 * object. `make bench` runs it through run.ts; by hand:
 *   node --expose-gc dist/bench/src/ledgerBench.js --mode ledger|baseline|signed [--accounts 1000000] [--block 100000] [--blocks 5]
 *
 * ledger:   trusted transfers (decode, execute, all three roots, durable RocksDB commit)
 * baseline: the same transfers as a bare loop over a Map: no roots, no storage
 * signed:   like ledger, plus each signature verified inline by the native verifier, one core
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeTransaction, transactionId } from '../../services/protocol/src/codec/transaction.js';
import { NativeVerifier, nativeSecp256k1 } from '../../services/protocol/src/signature.js';
import type { StorageBackend } from '../../services/storage/src/index.js';
import { LogicLedger } from '../../services/logic/src/ledger/logicLedger.js';
import { senderKey, addressKey } from '../../services/logic/src/ledger/dispatcher.js';
import type { TrustedTransaction } from '../../services/logic/src/ledger/trustedTransaction.js';
import { makeWorkload, makeTransferBatch, decodeBatch, pubkeyOf, type LedgerWorkload } from './ledgerWorkload.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'ledger' },
    accounts: { type: 'string', default: '1000000' },
    block: { type: 'string', default: '100000' },
    blocks: { type: 'string', default: '5' },
    signers: { type: 'string', default: '20000' },
    backend: { type: 'string', default: 'rocksdb' },
  },
});
const ACCOUNTS = Number(values.accounts);
const BLOCK = Number(values.block);
const BLOCKS = Number(values.blocks);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function emit(result: Record<string, number | string>): void {
  process.stdout.write(JSON.stringify({ ...result, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
}

/** Blocks are generated before the clock starts: they stand for what clients sent. */
function makeBlocks(w: LedgerWorkload, sign?: Parameters<typeof makeTransferBatch>[2]): Uint8Array[][] {
  return Array.from({ length: BLOCKS }, () => makeTransferBatch(w, BLOCK, sign));
}

async function runLedger(w: LedgerWorkload, blocks: Uint8Array[][], admit: (encoded: Uint8Array[]) => TrustedTransaction[]): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-bench-'));
  const ledger = await LogicLedger.open({ path: join(dir, 'db'), backend: values.backend as StorageBackend }, w.genesis);
  // The million genesis allocations are the harness's, not the node's: let them go before measuring.
  (w as { genesis: unknown }).genesis = null;
  const producer = senderKey(pubkeyOf(w, 0));
  gc();
  const start = performance.now();
  // Pipelined: block N's write (in RocksDB's threads) overlaps block N+1's execution. Every
  // block is encoded for disk before the next one runs, and the clock stops after the last write.
  let inFlight: Promise<void> = Promise.resolve();
  for (const encoded of blocks) {
    const txs = admit(encoded);
    const block = ledger.engine.executeBlock(txs, { timestamp: BigInt(Date.now()), feeRecipients: [producer] });
    const write = ledger.store.commit(block);
    await inFlight;
    inFlight = write;
  }
  await inFlight;
  const seconds = (performance.now() - start) / 1000;
  await ledger.close();
  await rm(dir, { recursive: true, force: true });
  return (BLOCK * BLOCKS) / seconds;
}

function runBaseline(w: LedgerWorkload, blocks: Uint8Array[][]): number {
  const accounts = new Map<string, { nonce: bigint; balance: bigint }>();
  for (const a of w.genesis.allocations) accounts.set(addressKey(a.address), { nonce: 0n, balance: a.balance });
  const fee = 1_000n;
  gc();
  const start = performance.now();
  for (const encoded of blocks) {
    for (const { tx } of decodeBatch(encoded)) {
      const from = accounts.get(senderKey(tx.pubkey));
      if (from === undefined || from.nonce !== tx.nonce || from.balance < tx.amount + fee) continue;
      from.nonce += 1n;
      from.balance -= tx.amount + fee;
      const key = addressKey(tx.to as Uint8Array);
      const to = accounts.get(key);
      if (to === undefined) accounts.set(key, { nonce: 0n, balance: tx.amount });
      else to.balance += tx.amount;
    }
  }
  return (BLOCK * BLOCKS) / ((performance.now() - start) / 1000);
}

const w = makeWorkload(ACCOUNTS, 42);
if (values.mode === 'baseline') {
  emit({ baseline_map_transfers_per_s: Math.round(runBaseline(w, makeBlocks(w))) });
} else if (values.mode === 'ledger') {
  emit({ ledger_transfers_per_s: Math.round(await runLedger(w, makeBlocks(w), decodeBatch)) });
} else if (values.mode === 'signed') {
  // Real keys for the first `signers` accounts; transfers go from them to any of the accounts.
  const signers = Math.min(Number(values.signers), ACCOUNTS);
  const secrets: Uint8Array[] = [];
  for (let i = 0; i < signers; i++) {
    const sk = new Uint8Array(32);
    new DataView(sk.buffer).setUint32(28, i + 1);
    sk[0] = 0x11;
    secrets.push(sk);
    // Written into the pool, where the genesis address of account i already looks.
    w.pool.set(nativeSecp256k1().publicKeyCreate(sk, true), i * 33);
  }
  const senderOnly: LedgerWorkload = {
    ...w,
    // Senders among the signers; recipients anywhere.
    next: (() => {
      let turn = 0;
      return () => (turn++ % 3 === 0 ? w.next() % signers : w.next());
    })(),
  };
  const blocks = makeBlocks(senderOnly, (unsigned, from) => nativeSecp256k1().ecdsaSign(transactionId(unsigned), secrets[from] as Uint8Array).signature);
  const verifier = new NativeVerifier();
  const tps = await runLedger(w, blocks, (encoded) =>
    encoded.map((bytes) => {
      const d = decodeTransaction(bytes);
      if (!verifier.verify(d.tx.signature, d.id, d.tx.pubkey)) throw new Error('benchmark transaction failed verification');
      return d;
    }),
  );
  emit({ single_node_chain_tps: Math.round(tps) });
} else {
  throw new Error(`unknown mode ${values.mode}`);
}
