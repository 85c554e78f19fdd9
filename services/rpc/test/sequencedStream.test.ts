import { status, type Server, type ServerDuplexStream, type ServiceError } from '@grpc/grpc-js';
import {
  createReceptionClient,
  createServer,
  listen,
  ReceptionService,
  SequencedStream,
  stop,
  toServiceError,
  type CoSignStreamRequest,
  type CoSignStreamResponse,
  type ReceptionClient,
  type ReceptionServer,
} from '../src/index.js';

const unimplemented = (_call: unknown, cb: (e: ServiceError) => void) => cb(toServiceError('UNIMPLEMENTED', 'not here', status.UNIMPLEMENTED));

/**
 * A peer whose CoSignStream does what the batch asks: [1, n] answers after n ms (so later
 * requests can be answered first), [2] is never answered, [3] ends the stream, [4] fails it.
 */
function peer(streamsOpened: { n: number }): ReceptionServer {
  return {
    submitTx: unimplemented,
    submitTxStream: unimplemented,
    submitTxBatches: (call) => call.end(),
    forwardTx: unimplemented,
    coSign: unimplemented,
    coSignStream: (call: ServerDuplexStream<CoSignStreamRequest, CoSignStreamResponse>) => {
      streamsOpened.n++;
      call.on('data', (req: CoSignStreamRequest) => {
        const [what, ms] = req.batch;
        if (what === 1) setTimeout(() => call.write({ sequence: req.sequence, answer: { $case: 'cosignature', cosignature: req.batch } }), ms ?? 0);
        if (what === 3) call.end();
        if (what === 4) call.emit('error', toServiceError('BROKEN', 'peer failed', status.INTERNAL));
      });
    },
  };
}

describe('SequencedStream: requests over one long-lived bidi stream', () => {
  const opened = { n: 0 };
  let server: Server;
  let port: number;
  let client: ReceptionClient;
  const open = () => new SequencedStream<CoSignStreamRequest, CoSignStreamResponse>((md) => client.coSignStream(md));
  const ask = (s: SequencedStream<CoSignStreamRequest, CoSignStreamResponse>, bytes: number[], timeoutMs = 3_000) =>
    s.request({ batch: Buffer.from(bytes) }, timeoutMs).then((r) => (r.answer?.$case === 'cosignature' ? Array.from(r.answer.cosignature) : null));
  const failure = (p: Promise<unknown>) => p.then(() => 'answered', (e: ServiceError) => status[e.code]);

  beforeAll(async () => {
    server = createServer();
    server.addService(ReceptionService, peer(opened));
    port = await listen(server, '127.0.0.1:0');
    client = createReceptionClient(`127.0.0.1:${port}`);
  });
  afterAll(async () => {
    client.close();
    await stop(server, 500);
  });

  it('when answers come out of order, then each request gets its own, all on one stream', async () => {
    const s = open();
    const before = opened.n;
    try {
      const answers = await Promise.all([ask(s, [1, 60]), ask(s, [1, 1]), ask(s, [1, 30])]);
      expect(answers).toEqual([[1, 60], [1, 1], [1, 30]]);
      expect(opened.n - before).toBe(1);
      expect(s.waiting).toBe(0);
    } finally {
      s.close();
    }
  });

  it('when one request is never answered, then it alone fails DEADLINE_EXCEEDED and the stream keeps answering', async () => {
    const s = open();
    const before = opened.n;
    try {
      const withheld = failure(ask(s, [2], 150));
      expect(await ask(s, [1, 0])).toEqual([1, 0]);
      expect(await withheld).toBe('DEADLINE_EXCEEDED');
      expect(await ask(s, [1, 5])).toEqual([1, 5]);
      expect(opened.n - before).toBe(1);
    } finally {
      s.close();
    }
  });

  it.each([
    ['ends the stream', 3],
    ['fails the stream', 4],
  ])('when the peer %s, then every waiting request fails at once and the next request opens a new stream', async (_what, how) => {
    const s = open();
    const before = opened.n;
    try {
      const waiting = failure(ask(s, [2], 10_000));
      const started = Date.now();
      const breaking = failure(ask(s, [how], 10_000));
      expect(await waiting).not.toBe('answered');
      expect(await breaking).not.toBe('answered');
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(s.waiting).toBe(0);
      expect(await ask(s, [1, 0])).toEqual([1, 0]);
      expect(opened.n - before).toBe(2);
    } finally {
      s.close();
    }
  });

  it('when the peer restarts, then requests fail while it is away and are answered once it is back', async () => {
    const restarted = createServer();
    const opened2 = { n: 0 };
    restarted.addService(ReceptionService, peer(opened2));
    const p = await listen(restarted, '127.0.0.1:0');
    const c2 = createReceptionClient(`127.0.0.1:${p}`);
    const s = new SequencedStream<CoSignStreamRequest, CoSignStreamResponse>((md) => c2.coSignStream(md));
    try {
      expect(await ask(s, [1, 0])).toEqual([1, 0]);
      await stop(restarted, 0);
      expect(await failure(ask(s, [1, 0]))).toBe('UNAVAILABLE');
      const back = createServer();
      back.addService(ReceptionService, peer(opened2));
      await listen(back, `127.0.0.1:${p}`);
      try {
        let answer: number[] | null | string = 'none';
        for (let i = 0; i < 50 && answer === 'none'; i++) answer = await ask(s, [1, 0], 1_000).catch(() => new Promise((r) => setTimeout(() => r('none'), 100)));
        expect(answer).toEqual([1, 0]);
      } finally {
        await stop(back, 200);
      }
    } finally {
      s.close();
      c2.close();
    }
  });

  it('when closed, then waiting requests fail CANCELLED and new ones are refused', async () => {
    const s = open();
    const waiting = failure(ask(s, [2], 10_000));
    await new Promise((r) => setTimeout(r, 20));
    s.close();
    expect(await waiting).toBe('CANCELLED');
    expect(await failure(ask(s, [1, 0]))).toBe('CANCELLED');
  });
});
