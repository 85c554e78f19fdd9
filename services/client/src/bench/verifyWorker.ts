/**
 * One core's share of the verify-capacity measurement: verifies the pre-signed transactions it
 * was handed, round and round, for `seconds`, and reports how many. With the verifier the nodes
 * run (KeyCachingVerifier): the ceiling must be the one the reception layer itself could reach.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KeyCachingVerifier } from '../../../protocol/src/keyCachingVerifier.js';
import type { VerifyWorkerInput, VerifyWorkerOutput } from './verifyCapacity.js';

const input = workerData as VerifyWorkerInput;
const verifier = new KeyCachingVerifier();
const BATCH = 50;
const n = input.count;
const sig = (i: number) => input.signatures.subarray(64 * i, 64 * i + 64);
const id = (i: number) => input.ids.subarray(32 * i, 32 * i + 32);
const key = (i: number) => input.pubkeys.subarray(33 * i, 33 * i + 33);

let verified = 0;
let next = 0;
const start = performance.now();
let elapsed = 0;
let failed = false;
while (elapsed < input.seconds * 1000) {
  for (let b = 0; b < BATCH; b++) {
    // A rejection would mean the measurement skipped the work: report it rather than a rate.
    if (!verifier.verify(sig(next), id(next), key(next))) failed = true;
    next = next + 1 === n ? 0 : next + 1;
  }
  verified += BATCH;
  elapsed = performance.now() - start;
}
const out: VerifyWorkerOutput = { verified, elapsedMs: elapsed, failed };
parentPort?.postMessage(out);
