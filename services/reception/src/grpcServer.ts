import { status, type Server, type ServerDuplexStream, type ServerUnaryCall, type ServiceError, type sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Hash } from '../../protocol/src/types.js';
import {
  packTxBatchResults,
  ReceptionService,
  serviceErrorOf,
  toServiceError,
  type CoSignStreamRequest,
  type CoSignStreamResponse,
  type ReceptionServer,
  type Rejection,
  type SubmitResult,
  type TxBatch,
  type TxBatchResults,
  type TxOutcome,
} from '../../rpc/src/index.js';
import { RECEPTION_STATUS, ReceptionError, ReceptionErrorCode, UpstreamRejection } from './errors.js';
import type { ReceptionNode } from './receptionNode.js';

/** Any failure as the gRPC error our clients read: status from the one table, code in the trailer. */
function errorOf(err: unknown, log: Logger, method: string): ServiceError {
  if (err instanceof ReceptionError) return toServiceError(err.code, err.message, RECEPTION_STATUS[err.code]);
  if (err instanceof UpstreamRejection) return toServiceError(err.code, err.message, err.grpcStatus);
  const e = serviceErrorOf(err);
  if (e.code === status.INTERNAL) log.error({ err, method }, 'handler failed');
  return e;
}

function rejectionOf(err: unknown, log: Logger, method: string): Rejection {
  if (err instanceof ReceptionError || err instanceof UpstreamRejection) return { code: err.code, message: err.message };
  log.error({ err, method }, 'handler failed');
  return { code: 'INTERNAL', message: 'internal error' };
}

/** One streamed transaction's result: its id, or its refusal as a value. */
function submitResultOf(submitted: Promise<Hash>, log: Logger, method: string): Promise<SubmitResult> {
  return submitted.then(
    (id): SubmitResult => ({ result: { $case: 'id', id: Buffer.from(id) } }),
    (err: unknown): SubmitResult => ({ result: { $case: 'rejection', rejection: rejectionOf(err, log, method) } }),
  );
}

/**
 * Pauses a client's stream while `limit` or more of its requests are being processed, and
 * resumes it below: a stream cannot make an RN hold more than its share of work at once.
 */
function throttle(call: { pause(): void; resume(): void }, limit: number) {
  let open = 0;
  let paused = false;
  return {
    started(n: number): void {
      open += n;
      if (open >= limit && !paused) {
        paused = true;
        call.pause();
      }
    },
    finished(n: number): void {
      open -= n;
      if (paused && open < limit) {
        paused = false;
        call.resume();
      }
    },
  };
}

export interface ReceptionServiceHandle {
  /**
   * Answers CoSign calls a withholding (test-only) node is sitting on, and ends the long-lived
   * streams that peers and clients keep open, so that a stop does not wait out its grace period.
   */
  release(): void;
}

/** Thin handlers over ReceptionNode: check the request's shape, call the node, map the answer. */
export function addReceptionService(server: Server, node: ReceptionNode, log: Logger): ReceptionServiceHandle {
  const held = new Set<sendUnaryData<never>>();
  const streams = new Set<ServerDuplexStream<unknown, unknown>>();
  /** Keeps a long-lived stream until it ends, so that release() can end it. */
  const tracked = <Req, Res>(call: ServerDuplexStream<Req, Res>): ServerDuplexStream<Req, Res> => {
    const c = call as ServerDuplexStream<unknown, unknown>;
    streams.add(c);
    const forget = () => streams.delete(c);
    call.on('finish', forget);
    call.on('cancelled', forget);
    call.on('error', forget);
    return call;
  };
  /** Writes unless the stream was ended meanwhile (released, or the client went away). */
  const send = <Res>(call: ServerDuplexStream<unknown, Res>, res: Res): void => {
    if (!call.cancelled && !call.writableEnded) call.write(res);
  };

  function unary<Req, Res>(name: string, handle: (req: Req) => Promise<Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      handle(call.request).then(
        (res) => callback(null, res),
        (err: unknown) => callback(errorOf(err, log, name)),
      );
    };
  }

  const impl: ReceptionServer = {
    submitTx: unary('SubmitTx', async (req) => ({ id: Buffer.from(await node.submit(req.transaction)) })),

    submitTxStream: (call, callback) => {
      const results: Promise<SubmitResult>[] = [];
      const work = throttle(call, node.options.streamConcurrency);
      call.on('data', (req: { transaction: Buffer }) => {
        if (results.length >= node.options.maxStreamRequests) {
          const message = `a stream carries at most ${node.options.maxStreamRequests} transactions`;
          node.countRejections(ReceptionErrorCode.streamTooLong, 1);
          results.push(Promise.resolve({ result: { $case: 'rejection', rejection: { code: ReceptionErrorCode.streamTooLong, message } } }));
          return;
        }
        work.started(1);
        results.push(submitResultOf(node.submit(req.transaction), log, 'SubmitTxStream').finally(() => work.finished(1)));
      });
      call.on('end', () => {
        void Promise.all(results).then((r) => callback(null, { results: r }));
      });
      call.on('error', (err) => log.debug({ err: err.message }, 'submit stream failed'));
    },

    submitTxBatches: (stream: ServerDuplexStream<TxBatch, TxBatchResults>) => {
      const call = tracked(stream);
      const work = throttle(call, node.options.streamConcurrency);
      let batchesOpen = 0;
      let ended = false;
      const endIfDone = () => {
        if (ended && batchesOpen === 0 && !call.writableEnded) call.end();
      };
      call.on('data', (batch: TxBatch) => {
        const n = batch.transactions.length;
        let outcomes: Promise<TxOutcome[]>;
        if (n > node.options.maxBatchTransactions) {
          const rejection = { code: ReceptionErrorCode.batchTooLarge, message: `a batch carries at most ${node.options.maxBatchTransactions} transactions, this one ${n}: split it` };
          outcomes = Promise.resolve(batch.transactions.map((): TxOutcome => ({ rejection })));
          node.countRejections(ReceptionErrorCode.batchTooLarge, n);
        } else {
          work.started(n);
          outcomes = node
            .submitMany(batch.transactions)
            .then(
              (submitted) => submitted.map(({ id, error }): TxOutcome => (id !== undefined ? { id } : { rejection: rejectionOf(error, log, 'SubmitTxBatches') })),
              // Only a defect gets here (refusals are values): every transaction hears INTERNAL, the stream goes on.
              (err: unknown) => batch.transactions.map((): TxOutcome => ({ rejection: rejectionOf(err, log, 'SubmitTxBatches') })),
            )
            .finally(() => work.finished(n));
        }
        batchesOpen++;
        void outcomes.then((o) => {
          batchesOpen--;
          send(call, packTxBatchResults(batch.sequence, o));
          endIfDone();
        });
      });
      call.on('end', () => {
        ended = true;
        endIfDone();
      });
      call.on('error', (err) => log.debug({ err: err.message }, 'submit batches stream failed'));
    },

    forwardTx: unary('ForwardTx', async (req) => ({ id: Buffer.from(await node.forward(req.transaction, req.epoch)) })),

    coSignStream: (stream: ServerDuplexStream<CoSignStreamRequest, CoSignStreamResponse>) => {
      const call = tracked(stream);
      call.on('data', (req: CoSignStreamRequest) => {
        let answer: Uint8Array | null;
        try {
          answer = node.coSign(req.batch);
        } catch (err) {
          send(call, { sequence: req.sequence, answer: { $case: 'rejection', rejection: rejectionOf(err, log, 'CoSignStream') } });
          return;
        }
        // null: test-only withholding; the asker's deadline settles the unanswered request.
        if (answer !== null) send(call, { sequence: req.sequence, answer: { $case: 'cosignature', cosignature: Buffer.from(answer) } });
      });
      call.on('end', () => {
        if (!call.writableEnded) call.end();
      });
      call.on('error', (err) => log.debug({ err: err.message }, 'co-sign stream failed'));
    },

    coSign: (call, callback) => {
      let answer: Uint8Array | null;
      try {
        answer = node.coSign(call.request.batch);
      } catch (err) {
        callback(errorOf(err, log, 'CoSign'));
        return;
      }
      if (answer !== null) {
        callback(null, { cosignature: Buffer.from(answer) });
        return;
      }
      // Test-only withholding: never answer; the caller's deadline ends the call.
      const cb = callback as sendUnaryData<never>;
      held.add(cb);
      call.on('cancelled', () => held.delete(cb));
    },
  };
  server.addService(ReceptionService, impl);
  return {
    release() {
      for (const cb of held) cb(toServiceError(ReceptionErrorCode.stopping, 'stopping', RECEPTION_STATUS.STOPPING));
      held.clear();
      for (const call of streams) if (!call.writableEnded) call.end();
      streams.clear();
    },
  };
}
