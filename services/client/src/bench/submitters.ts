import { status, type ServiceError } from '@grpc/grpc-js';
import { codeOf, createReceptionClient, SequencedStream, unary, unpackTxBatchResults, type LogicClient, type ReceptionClient, type TxBatch, type TxBatchResults } from '../../../rpc/src/index.js';
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
 * Refusals of a transaction that is fine but came at a bad time: the logic node's overload and
 * stop, and a reception node's back-pressure (a full buffer, a sender over its rate), which it
 * answers per transaction inside a stream's results.
 */
const RETRY_LATER = new Set(['OVERLOADED', 'RESOURCE_EXHAUSTED', 'STOPPING', 'UNAVAILABLE', 'MEMPOOL_FULL', 'RATE_LIMITED']);

/**
 * What a refusal code means for the transaction: retry later, already there (a retry of ours
 * that had landed: accepted), or refused for good.
 */
function outcomeOfRejection(code: string, message: string): SubmitOutcome {
  if (RETRY_LATER.has(code)) return { kind: 'retry', reason: code, transport: false };
  if (code === 'DUPLICATE') return { kind: 'accepted' };
  return { kind: 'rejected', code, message };
}

/** How long a chunk may wait for its answer: a healthy RN answers a chunk within a batch interval or two. */
const CHUNK_DEADLINE_MS = 30_000;

/**
 * A reception node's SubmitTxBatches: one long-lived stream per RN, one message per chunk and one
 * answer per chunk, saying of each transaction whether it was accepted. A chunk that gets no answer in time, or whose
 * stream breaks, is retried like a failed call (the stream reopens for the next chunk).
 */
export class BatchStreamSubmitter implements Submitter {
  private readonly client: ReceptionClient;
  private readonly stream: SequencedStream<TxBatch, TxBatchResults>;

  constructor(readonly name: string, readonly endpoint: string) {
    const client = createReceptionClient(endpoint);
    this.client = client;
    this.stream = new SequencedStream((metadata) => client.submitTxBatches(metadata));
  }

  async submit(txs: readonly SignedTransfer[]): Promise<SubmitOutcome[]> {
    let res: TxBatchResults;
    try {
      res = await this.stream.request({ transactions: txs.map((tx) => Buffer.from(tx.encoded.buffer, tx.encoded.byteOffset, tx.encoded.byteLength)) }, CHUNK_DEADLINE_MS);
    } catch (err) {
      const o = outcomeOfCallError(err as ServiceError);
      return txs.map(() => o);
    }
    return unpackTxBatchResults(res, txs.length).map((r): SubmitOutcome => {
      if (r === undefined) return { kind: 'retry', reason: 'NO_RESULT', transport: false };
      if (r.id !== undefined) return { kind: 'accepted' };
      return outcomeOfRejection(r.rejection.code, r.rejection.message);
    });
  }

  close(): void {
    this.stream.close();
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
