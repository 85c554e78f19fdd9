import { status, type Server, type ServerUnaryCall, type ServiceError, type sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ReceptionService, serviceErrorOf, toServiceError, type ReceptionServer, type Rejection, type SubmitResult } from '../../rpc/src/index.js';
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

function rejectionOf(err: unknown, log: Logger): Rejection {
  if (err instanceof ReceptionError || err instanceof UpstreamRejection) return { code: err.code, message: err.message };
  log.error({ err, method: 'SubmitTxStream' }, 'handler failed');
  return { code: 'INTERNAL', message: 'internal error' };
}

export interface ReceptionServiceHandle {
  /** Answers CoSign calls a withholding (test-only) node is sitting on, so a stop does not hang. */
  releaseHeld(): void;
}

/** Thin handlers over ReceptionNode: check the request's shape, call the node, map the answer. */
export function addReceptionService(server: Server, node: ReceptionNode, log: Logger): ReceptionServiceHandle {
  const held = new Set<sendUnaryData<never>>();

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
      const limit = node.options.streamConcurrency;
      let open = 0;
      let paused = false;
      call.on('data', (req: { transaction: Buffer }) => {
        if (results.length >= node.options.maxStreamRequests) {
          const message = `a stream carries at most ${node.options.maxStreamRequests} transactions`;
          results.push(Promise.resolve({ result: { $case: 'rejection', rejection: { code: ReceptionErrorCode.streamTooLong, message } } }));
          return;
        }
        open++;
        results.push(
          node
            .submit(req.transaction)
            .then(
              (id): SubmitResult => ({ result: { $case: 'id', id: Buffer.from(id) } }),
              (err: unknown): SubmitResult => ({ result: { $case: 'rejection', rejection: rejectionOf(err, log) } }),
            )
            .finally(() => {
              open--;
              if (paused && open < limit) {
                paused = false;
                call.resume();
              }
            }),
        );
        if (open >= limit && !paused) {
          paused = true;
          call.pause();
        }
      });
      call.on('end', () => {
        void Promise.all(results).then((r) => callback(null, { results: r }));
      });
      call.on('error', (err) => log.debug({ err: err.message }, 'submit stream failed'));
    },

    forwardTx: unary('ForwardTx', async (req) => ({ id: Buffer.from(await node.forward(req.transaction, req.epoch)) })),

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
    releaseHeld() {
      for (const cb of held) cb(toServiceError(ReceptionErrorCode.stopping, 'stopping', RECEPTION_STATUS.STOPPING));
      held.clear();
    },
  };
}
