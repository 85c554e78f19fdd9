/**
 * Requests over one long-lived bidirectional gRPC stream, each answered by a response that names
 * the request's sequence. grpc-js charges a few hundred µs of CPU for every call (headers, a new
 * HTTP/2 stream, deadline timers, trailers) and ~15 µs for every message: where a node talks to
 * the same peer several times a second (RN_k to its co-signers, a load client to each RN_k), one
 * stream for the connection's life turns the per-call cost into a per-message one.
 */
import { Metadata, status, type ClientDuplexStream, type ServiceError } from '@grpc/grpc-js';

/** What the stream's responses carry to be matched with their request. */
export interface Sequenced {
  sequence: bigint;
}

/** Opens the stream: the generated client's bidi method, bound to one peer. */
export type OpenStream<Req, Res> = (metadata: Metadata) => ClientDuplexStream<Req, Res>;

interface Pending<Res> {
  resolve: (res: Res) => void;
  reject: (err: ServiceError) => void;
  timer: NodeJS.Timeout;
}

/** A refusal shaped as grpc-js shapes a failed call, so callers read one kind of error. */
function streamError(code: status, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
}

/**
 * One peer's stream. `request` sends on the open stream (opening it first if none is open) and
 * resolves with the matching response, or rejects with a grpc-js-shaped error: DEADLINE_EXCEEDED
 * when no answer came in time (the stream stays open: a peer may leave one request unanswered),
 * or the stream's own error when it broke, which fails every request waiting on it. The next
 * request after a break opens a new stream, so a restarted peer is reached again.
 */
export class SequencedStream<Req extends Sequenced, Res extends Sequenced> {
  private call: ClientDuplexStream<Req, Res> | null = null;
  private readonly pending = new Map<bigint, Pending<Res>>();
  private next = 0n;
  private closed = false;

  constructor(private readonly open: OpenStream<Req, Res>) {}

  /** Requests waiting for their answer. */
  get waiting(): number {
    return this.pending.size;
  }

  request(body: Omit<Req, 'sequence'>, timeoutMs: number): Promise<Res> {
    if (this.closed) return Promise.reject(streamError(status.CANCELLED, 'the stream was closed'));
    const call = this.call ?? this.start();
    const sequence = this.next++;
    return new Promise<Res>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(sequence)) reject(streamError(status.DEADLINE_EXCEEDED, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(sequence, { resolve, reject, timer });
      call.write({ ...body, sequence } as Req);
    });
  }

  /** Ends the stream; requests still waiting fail with CANCELLED. */
  close(): void {
    this.closed = true;
    const call = this.call;
    if (call !== null) this.broken(call, streamError(status.CANCELLED, 'the stream was closed'));
    call?.cancel();
  }

  private start(): ClientDuplexStream<Req, Res> {
    const call = this.open(new Metadata());
    this.call = call;
    call.on('data', (res: Res) => {
      const p = this.pending.get(res.sequence);
      if (p === undefined) return; // answered after its deadline, or a sequence we never sent
      this.pending.delete(res.sequence);
      clearTimeout(p.timer);
      p.resolve(res);
    });
    call.on('error', (err: ServiceError) => this.broken(call, err));
    // A server that ends the stream without an error still leaves our requests unanswered.
    call.on('status', () => this.broken(call, streamError(status.UNAVAILABLE, 'the peer ended the stream')));
    return call;
  }

  /** The stream is gone: fail what waits on it; the next request opens another. */
  private broken(call: ClientDuplexStream<Req, Res>, err: ServiceError): void {
    if (this.call !== call) return;
    this.call = null;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}
