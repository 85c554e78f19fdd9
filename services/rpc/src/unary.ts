import { Metadata, type CallOptions, type Client, type ServiceError } from '@grpc/grpc-js';

/** The unary methods of a generated client: (request, metadata, options, callback). */
type UnaryMethod<Req, Res> = (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: (err: ServiceError | null, res: Res) => void) => unknown;

type UnaryNames<C> = {
  [K in keyof C]: C[K] extends UnaryMethod<infer _Req, infer _Res> ? K : never;
}[keyof C];

type RequestOf<M> = M extends UnaryMethod<infer Req, infer _Res> ? Req : never;
type ResponseOf<M> = M extends UnaryMethod<infer _Req, infer Res> ? Res : never;

/** Default deadline of a unary call: every call ends, even towards a peer that hangs. */
export const DEFAULT_DEADLINE_MS = 10_000;

/**
 * Calls a unary method of a generated grpc-js client as a promise, always with a deadline:
 *   const status = await unary(logic, 'getStatus', {});
 */
export function unary<C extends Client, K extends UnaryNames<C>>(client: C, method: K, request: RequestOf<C[K]>, deadlineMs = DEFAULT_DEADLINE_MS): Promise<ResponseOf<C[K]>> {
  return new Promise((resolve, reject) => {
    const fn = client[method] as unknown as UnaryMethod<RequestOf<C[K]>, ResponseOf<C[K]>>;
    fn.call(client, request, new Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}
