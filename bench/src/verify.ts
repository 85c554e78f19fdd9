import { sha256 } from '../../services/protocol/src/hash.js';
import {
  NativeVerifier,
  nativeSecp256k1,
  NobleVerifier,
  type SignatureVerifier,
} from '../../services/protocol/src/signature.js';

/**
 * Signature verification throughput on one core (the main thread): libsecp256k1, which serves
 * the hot path, against @noble/curves, the reference, measured in the same run so the report
 * carries its own baseline (CONVENTIONS 8).
 */
export interface VerifyBenchOptions {
  /** How long each verifier is measured, after a short warm-up. */
  seconds?: number;
}

export interface VerifyBenchResult {
  /** NativeVerifier (libsecp256k1): valid signatures verified per second. */
  verify_per_s_fast: number;
  /** NobleVerifier (@noble/curves): valid signatures verified per second. */
  verify_per_s_reference: number;
}

/** Long enough that the rate is stable to a few percent; both together take ~5 s with warm-up. */
const DEFAULT_SECONDS = 2;
/** Distinct keys and messages, so that no verifier profits from a repeated key or a warm cache. */
const POOL_SIZE = 2000;
/** Verifications between clock reads: the clock costs nothing next to 50 verifications. */
const BATCH = 50;

interface SignedMessage {
  signature: Uint8Array;
  digest: Uint8Array;
  pubkey: Uint8Array;
}

/** Deterministic keys and messages, signed by libsecp256k1 (~9x faster to make than with noble). */
function signedPool(size: number): SignedMessage[] {
  const lib = nativeSecp256k1();
  const label = new TextEncoder().encode('clusterchain bench verify');
  const pool: SignedMessage[] = [];
  for (let i = 0; pool.length < size; i++) {
    const counter = new Uint8Array(label.length + 4);
    counter.set(label);
    new DataView(counter.buffer).setUint32(label.length, i);
    const sk = sha256(counter);
    if (!lib.privateKeyVerify(sk)) continue; // a hash ≥ n: about one chance in 2^128
    const digest = sha256(sk);
    pool.push({ signature: lib.ecdsaSign(digest, sk).signature, digest, pubkey: lib.publicKeyCreate(sk, true) });
  }
  return pool;
}

/** Verifications per second over `seconds`, cycling through the pool. */
function rate(verifier: SignatureVerifier, pool: SignedMessage[], seconds: number): number {
  const budgetMs = seconds * 1000;
  let count = 0;
  let next = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let i = 0; i < BATCH; i++) {
      const m = pool[next] as SignedMessage;
      next = next + 1 === pool.length ? 0 : next + 1;
      // A rejection is either a bug or a fast path that skipped the work: the rate would lie.
      if (!verifier.verify(m.signature, m.digest, m.pubkey)) {
        throw new Error(`${verifier.name} rejected a valid signature: the benchmark would be meaningless`);
      }
    }
    count += BATCH;
    elapsed = performance.now() - start;
  }
  return count / (elapsed / 1000);
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function benchVerify(opts: VerifyBenchOptions = {}): Promise<VerifyBenchResult> {
  const seconds = opts.seconds ?? DEFAULT_SECONDS;
  const pool = signedPool(POOL_SIZE);
  const fast = new NativeVerifier();
  const reference = new NobleVerifier();
  // Warm-up: lets V8 optimise both paths before the clock starts.
  rate(fast, pool, Math.min(0.25, seconds / 4));
  rate(reference, pool, Math.min(0.25, seconds / 4));
  await yieldToEventLoop();
  const verify_per_s_fast = rate(fast, pool, seconds);
  await yieldToEventLoop();
  const verify_per_s_reference = rate(reference, pool, seconds);
  return { verify_per_s_fast, verify_per_s_reference };
}
