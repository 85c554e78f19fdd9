import { Metadata, type Server } from '@grpc/grpc-js';
import {
  createReceptionClient,
  createServer,
  listen,
  packTxBatchResults,
  ReceptionService,
  stop,
  type ReceptionClient,
  type ReceptionServer,
  type SubmitResult,
  SequencedStream,
  type TxBatch,
  type TxBatchResults,
  unpackTxBatchResults,
} from '../../services/rpc/src/index.js';

/**
 * What gRPC itself costs the reception layer, in CPU: a SubmitTxStream call, and each message
 * streamed in it. Client and server run in this process over loopback, so the figures are the
 * CPU of both ends together — as on the devnet, where the bench client and the RNs share the
 * machine. The handlers do nothing but answer, so nothing else is counted.
 *
 * Issue 3 §6 asks the reception layer for 0.7× of verify capacity; every transaction crosses at
 * least one streamed message, and every batch one CoSign call per committee peer. Reported next
 * to one verification measured in the same run, these say how much of the budget the transport
 * alone takes (README, "Throughput through the reception layer"). The last two figures compare,
 * per transaction, the bench's old way in (a SubmitTxStream call per 16-transaction chunk) with
 * its way now (16-transaction batches on one SubmitTxBatches stream), in the same run.
 */
export interface GrpcOverheadOptions {
  /** Transactions streamed per measurement. */
  transactions?: number;
}

export interface GrpcOverheadResult {
  /** CPU per SubmitTxStream call (stream set-up, headers, trailers, the response), µs. */
  grpc_stream_call_cpu_us: number;
  /** CPU per message streamed in a call (framing, protobuf, an answer per message), µs. */
  grpc_stream_message_cpu_us: number;
  /** CPU per transaction sent as the bench now sends: SubmitTxStream calls of SHORT_STREAM messages (the baseline), µs. */
  grpc_chunk_call_tx_cpu_us: number;
  /** CPU per transaction in SHORT_STREAM-transaction batches on one long-lived SubmitTxBatches stream, µs. */
  grpc_batch_stream_tx_cpu_us: number;
}

/** The two stream lengths the per-call and per-message costs are solved from. */
const SHORT_STREAM = 16;
const LONG_STREAM = 128;
/** Streams in flight at once, as the bench keeps several per RN. */
const LANES = 8;
/** About a signed transfer's encoded size. */
const TRANSACTION_BYTES = 150;
const DEFAULT_TRANSACTIONS = 40_000;
/** Rounds of both lengths, interleaved; the median of each is kept (the call cost is a small difference). */
const ROUNDS = 3;

function answeringService(): ReceptionServer {
  const id = Buffer.alloc(32, 1);
  return {
    submitTx: (_call, callback) => callback(null, { id }),
    submitTxStream: (call, callback) => {
      const results: SubmitResult[] = [];
      call.on('data', () => results.push({ result: { $case: 'id', id } }));
      call.on('end', () => callback(null, { results }));
    },
    submitTxBatches: (call) => {
      call.on('data', (batch: TxBatch) => call.write(packTxBatchResults(batch.sequence, batch.transactions.map(() => ({ id })))));
      call.on('end', () => call.end());
    },
    forwardTx: (_call, callback) => callback(null, { id }),
    coSign: (_call, callback) => callback(null, { cosignature: Buffer.alloc(64) }),
    coSignStream: (call) => {
      call.on('data', (req: { sequence: bigint }) => call.write({ sequence: req.sequence, answer: { $case: 'cosignature', cosignature: Buffer.alloc(64) } }));
      call.on('end', () => call.end());
    },
  };
}

function oneStream(client: ReceptionClient, messages: number, transaction: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const call = client.submitTxStream(new Metadata(), (err, res) => {
      if (err) reject(err);
      else if (res.results.length !== messages) reject(new Error(`${res.results.length} results for ${messages} messages`));
      else resolve();
    });
    for (let i = 0; i < messages; i++) call.write({ transaction });
    call.end();
  });
}

/** Process CPU per transaction, sending `total` in batches of `perBatch` over one SubmitTxBatches stream, LANES batches in flight. */
async function cpuPerBatchedTransaction(client: ReceptionClient, perBatch: number, total: number): Promise<number> {
  const transactions = Array.from({ length: perBatch }, () => Buffer.alloc(TRANSACTION_BYTES, 7));
  const stream = new SequencedStream<TxBatch, TxBatchResults>((md) => client.submitTxBatches(md));
  const batches = Math.ceil(total / perBatch);
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < batches) {
      started++;
      const res = await stream.request({ transactions }, 30_000);
      if (unpackTxBatchResults(res, perBatch).some((r) => r?.id === undefined)) throw new Error(`not every one of ${perBatch} transactions was answered accepted`);
    }
  };
  try {
    const before = process.cpuUsage();
    await Promise.all(Array.from({ length: LANES }, lane));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / (batches * perBatch);
  } finally {
    stream.close();
  }
}

/** Process CPU (user + system) per transaction, streaming `total` of them `perStream` a call. */
async function cpuPerTransaction(client: ReceptionClient, perStream: number, total: number): Promise<number> {
  const transaction = Buffer.alloc(TRANSACTION_BYTES, 7);
  const streams = Math.ceil(total / perStream);
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < streams) {
      started++;
      await oneStream(client, perStream, transaction);
    }
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: LANES }, lane));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (streams * perStream);
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export async function benchGrpcOverhead(opts: GrpcOverheadOptions = {}): Promise<GrpcOverheadResult> {
  const total = opts.transactions ?? DEFAULT_TRANSACTIONS;
  const server: Server = createServer();
  server.addService(ReceptionService, answeringService());
  // Port 0: the kernel picks a free one, so this never collides with a running devnet.
  const port = await listen(server, '127.0.0.1:0');
  const client = createReceptionClient(`127.0.0.1:${port}`);
  try {
    // Warm-up: lets V8 optimise grpc-js's paths before the clock starts.
    await cpuPerTransaction(client, SHORT_STREAM, Math.min(total, 20_000));
    await cpuPerTransaction(client, LONG_STREAM, Math.min(total, 20_000));
    await cpuPerBatchedTransaction(client, SHORT_STREAM, Math.min(total, 20_000));
    const shorts: number[] = [];
    const longs: number[] = [];
    const batched: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      shorts.push(await cpuPerTransaction(client, SHORT_STREAM, total));
      longs.push(await cpuPerTransaction(client, LONG_STREAM, total));
      batched.push(await cpuPerBatchedTransaction(client, SHORT_STREAM, total));
    }
    const short = median(shorts);
    const long = median(longs);
    // cost per tx at n messages a stream = message + call / n; two lengths give both.
    const call = ((short - long) * SHORT_STREAM * LONG_STREAM) / (LONG_STREAM - SHORT_STREAM);
    const message = long - call / LONG_STREAM;
    return {
      grpc_stream_call_cpu_us: Math.round(call),
      grpc_stream_message_cpu_us: +message.toFixed(1),
      grpc_chunk_call_tx_cpu_us: +short.toFixed(1),
      grpc_batch_stream_tx_cpu_us: +median(batched).toFixed(1),
    };
  } finally {
    client.close();
    await stop(server, 1_000);
  }
}
