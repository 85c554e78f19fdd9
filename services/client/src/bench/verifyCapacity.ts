import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DEFAULT_COMMITTEE_SIZE } from '../../../protocol/src/reception/params.js';
import { TransferSigner } from './signer.js';

export interface VerifyWorkerInput {
  count: number;
  signatures: Uint8Array;
  ids: Uint8Array;
  pubkeys: Uint8Array;
  seconds: number;
}

export interface VerifyWorkerOutput {
  verified: number;
  elapsedMs: number;
  failed: boolean;
}

export interface VerifyCapacity {
  /** Signatures this machine verifies per second on all its cores (the nodes' verifier, one worker per core). */
  verifyPerSecond: number;
  cores: number;
  /**
   * Transactions per second a reception layer on this machine could admit: every transaction is
   * verified by each of the committee's members (WP 2.1: 7), so the verify rate ÷ the committee size.
   */
  capacityTps: number;
}

/** Transactions signed up front and cycled through by every worker. */
const POOL = 1024;

/** Compiled code runs next to this file; under ts-jest (TypeScript sources) the compiled copy in dist/. */
function workerScript(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL(here.replace(/\/services\/client\/src\/bench\/verifyCapacity\.ts$/, '/dist/services/client/src/bench/verifyWorker.js'));
  return new URL('./verifyWorker.js', here);
}

/**
 * Measures the nodes' verifier on every core at once (one worker thread per core, `seconds` each,
 * all started together) on real signed transfers: the bench's "what could this machine's
 * reception layer take" baseline, measured in the same run as the load (CONVENTIONS 8).
 */
export async function measureVerifyCapacity(seconds: number, committeeSize = DEFAULT_COMMITTEE_SIZE): Promise<VerifyCapacity> {
  const signer = new TransferSigner();
  const accounts = Array.from({ length: 64 }, () => signer.newAccount());
  const signatures = new Uint8Array(64 * POOL);
  const ids = new Uint8Array(32 * POOL);
  const pubkeys = new Uint8Array(33 * POOL);
  for (let i = 0; i < POOL; i++) {
    const from = accounts[i % accounts.length]!;
    const { tx, id } = signer.sign(from, accounts[(i + 1) % accounts.length]!.address, BigInt(1 + i), BigInt(i));
    signatures.set(tx.signature, 64 * i);
    ids.set(id, 32 * i);
    pubkeys.set(from.publicKey, 33 * i);
  }
  const cores = availableParallelism();
  const input: VerifyWorkerInput = { count: POOL, signatures, ids, pubkeys, seconds };
  const results = await Promise.all(
    Array.from(
      { length: cores },
      () =>
        new Promise<VerifyWorkerOutput>((resolve, reject) => {
          const w = new Worker(workerScript(), { workerData: input });
          w.once('message', (m: VerifyWorkerOutput) => resolve(m));
          w.once('error', reject);
          w.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`verify worker exited with code ${code}`))));
        }),
    ),
  );
  if (results.some((r) => r.failed)) throw new Error('the native verifier rejected a valid signature: the measurement would be meaningless');
  const verifyPerSecond = results.reduce((s, r) => s + r.verified / (r.elapsedMs / 1000), 0);
  return { verifyPerSecond, cores, capacityTps: verifyPerSecond / committeeSize };
}
