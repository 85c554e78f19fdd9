import { status } from '@grpc/grpc-js';
import { codeOf, unary, type LogicClient } from '../../../rpc/src/index.js';
import { withBackoff } from './withBackoff.js';

export type SubmitOutcome =
  | { outcome: 'accepted'; accepted: number; excluded: number[] }
  /** The logic node refused the package (PACKAGE_DROPPED or another final code). */
  | { outcome: 'rejected'; code: string; message: string }
  /** Retried until `giveUpMs` (or the node stopped) without a final answer. */
  | { outcome: 'abandoned'; message: string };

/** Statuses after which the very same bytes may succeed: the LN was away, overloaded or slow. */
const RETRYABLE = new Set<number>([status.UNAVAILABLE, status.RESOURCE_EXHAUSTED, status.DEADLINE_EXCEEDED]);

export interface SubmitDependencies {
  logic: LogicClient;
  timeoutMs: number;
  backoffMs: number;
  backoffMaxMs: number;
  giveUpMs: number;
  onRetry?: () => void;
  /** Checked between attempts: a stopping node gives up at once. */
  cancelled?: () => boolean;
}

/**
 * WP 2.1 step 4: hands a signed package to the LN. On UNAVAILABLE, RESOURCE_EXHAUSTED or a
 * deadline it retries the SAME bytes with exponential backoff and jitter: the LN drops identical
 * bytes it already took (DUPLICATE) and only takes a batch once, so a retry never executes
 * anything twice, whereas re-signing would look like a replay and get RN_k excluded.
 */
export async function submitPackage(bytes: Uint8Array, deps: SubmitDependencies): Promise<SubmitOutcome> {
  const retryable = (err: unknown) => {
    const grpcCode = (err as { code?: unknown }).code;
    return typeof grpcCode === 'number' && RETRYABLE.has(grpcCode);
  };
  try {
    const res = await withBackoff(() => unary(deps.logic, 'submitPackage', { package: Buffer.from(bytes) }, deps.timeoutMs), retryable, {
      backoffMs: deps.backoffMs,
      backoffMaxMs: deps.backoffMaxMs,
      giveUpAt: Date.now() + deps.giveUpMs,
      now: Date.now,
      ...(deps.onRetry ? { onRetry: deps.onRetry } : {}),
      ...(deps.cancelled ? { cancelled: deps.cancelled } : {}),
    });
    return { outcome: 'accepted', accepted: res.accepted, excluded: res.excluded };
  } catch (err) {
    const message = (err as Error).message;
    if (retryable(err)) return { outcome: 'abandoned', message };
    return { outcome: 'rejected', code: codeOf(err) ?? `GRPC_${String((err as { code?: unknown }).code)}`, message };
  }
}
