import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { codeOf, createReceptionClient, unary, type LogicClient, type ReceptionClient } from '../../../rpc/src/index.js';
import type { SignedTransfer } from './signer.js';

/** What became of one transaction handed to a node. */
export type SubmitOutcome =
  | { kind: 'accepted' }
  /** Not taken, through no fault of the transaction (overload, transport): send it again later. */
  | { kind: 'retry'; reason: string; transport: boolean }
  | { kind: 'rejected'; code: string; message: string };

/** A way into the chain for chunks of transactions: one reception node's stream, or the logic node. */
export interface Submitter {
  readonly name: string;
  submit(txs: readonly SignedTransfer[]): Promise<SubmitOutcome[]>;
  close(): void;
}

/** A whole call failed: overload and transport trouble are retried, anything else refuses every transaction. */
function outcomeOfCallError(err: ServiceError): SubmitOutcome {
  const code = codeOf(err) ?? status[err.code] ?? 'UNKNOWN';
  switch (err.code) {
    case status.RESOURCE_EXHAUSTED:
      return { kind: 'retry', reason: code, transport: false };
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
    case status.INTERNAL:
      return { kind: 'retry', reason: code, transport: true };
    default:
      return { kind: 'rejected', code, message: err.details };
  }
}

/**
 * The codes a node answers for a transaction that is fine but came at a bad time (retry), or that
 * it already has (a retry of ours that had landed: accepted).
 */
function outcomeOfRejection(code: string, message: string): SubmitOutcome {
  if (code === 'OVERLOADED' || code === 'RESOURCE_EXHAUSTED' || code === 'STOPPING' || code === 'UNAVAILABLE') return { kind: 'retry', reason: code, transport: false };
  if (code === 'DUPLICATE') return { kind: 'accepted' };
  return { kind: 'rejected', code, message };
}

/** Streams per chunk: a deadline that a healthy RN meets with room (it answers on half-close). */
const STREAM_DEADLINE_MS = 30_000;

/** A reception node's SubmitTxStream: one client stream per chunk, one result per transaction. */
export class StreamSubmitter implements Submitter {
  private readonly client: ReceptionClient;

  constructor(readonly name: string, readonly endpoint: string) {
    this.client = createReceptionClient(endpoint);
  }

  submit(txs: readonly SignedTransfer[]): Promise<SubmitOutcome[]> {
    return new Promise((resolve) => {
      const call = this.client.submitTxStream(new Metadata(), { deadline: Date.now() + STREAM_DEADLINE_MS }, (err, res) => {
        if (err) {
          const o = outcomeOfCallError(err);
          resolve(txs.map(() => o));
          return;
        }
        resolve(
          txs.map((_, i): SubmitOutcome => {
            const r = res.results[i]?.result;
            if (r === undefined) return { kind: 'retry', reason: 'NO_RESULT', transport: false };
            if (r.$case === 'id') return { kind: 'accepted' };
            return outcomeOfRejection(r.rejection.code, r.rejection.message);
          }),
        );
      });
      call.on('error', () => undefined); // reported through the callback
      for (const tx of txs) call.write({ transaction: Buffer.from(tx.encoded.buffer, tx.encoded.byteOffset, tx.encoded.byteLength) });
      call.end();
    });
  }

  close(): void {
    this.client.close();
  }
}

/** Unary calls in flight per chunk on the direct path. */
const DIRECT_CONCURRENCY = 64;

/** The logic node's SubmitTx (the sparse path): unary calls, DIRECT_CONCURRENCY at a time. */
export class DirectSubmitter implements Submitter {
  constructor(
    readonly name: string,
    private readonly client: LogicClient,
  ) {}

  async submit(txs: readonly SignedTransfer[]): Promise<SubmitOutcome[]> {
    const out: SubmitOutcome[] = new Array(txs.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < txs.length) {
        const i = next++;
        const tx = txs[i] as SignedTransfer;
        try {
          await unary(this.client, 'submitTx', { transaction: Buffer.from(tx.encoded.buffer, tx.encoded.byteOffset, tx.encoded.byteLength) });
          out[i] = { kind: 'accepted' };
        } catch (err) {
          const e = err as ServiceError;
          const code = codeOf(e);
          out[i] = code === undefined ? outcomeOfCallError(e) : e.code === status.UNAVAILABLE ? outcomeOfCallError(e) : outcomeOfRejection(code, e.details);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(DIRECT_CONCURRENCY, txs.length) }, lane));
    return out;
  }

  close(): void {
    // The logic client belongs to the connection.
  }
}
