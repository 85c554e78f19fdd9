/**
 * A real grpc-js server on loopback with tiny in-test handlers, called through the generated
 * clients: proves the generated code, our options and the error mapping work on the wire.
 */
import { Metadata, status, type Server, type ServiceError, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { ProtocolError, ProtocolErrorCode } from '../../protocol/src/errors.js';
import { createLogicClient, createReceptionClient } from '../src/channel.js';
import type { SubmitTxRequest } from '../src/gen/clusterchain/v1/common.js';
import { LogicService, type LogicClient, type LogicServer, type Status } from '../src/gen/clusterchain/v1/logic.js';
import {
  ReceptionService,
  type ReceptionClient,
  type ReceptionServer,
  type SubmitResult,
  type SubmitTxStreamResponse,
} from '../src/gen/clusterchain/v1/reception.js';
import { createServer, listen, stop } from '../src/server.js';
import { codeOf, serviceErrorOf, toServiceError } from '../src/status.js';

const STATUS: Status = {
  chainId: 'clusterchain-devnet',
  // Above 2^53: a JS number would round these.
  height: 2n ** 60n + 1n,
  headHash: Buffer.alloc(32, 0xab),
  lastBlockTimeMs: 1_763_700_000_123n,
  rosterEpoch: 2n ** 64n - 1n,
  rosterSize: 7,
  pending: 4_294_967_295,
  slotMs: 3000,
};

/** What the GetStatus handler does next: answer STATUS, or fail with this error. */
let statusFailure: unknown;

const logic: Pick<LogicServer, 'getStatus'> = {
  getStatus(_call, callback) {
    if (statusFailure === undefined) callback(null, STATUS);
    else callback(serviceErrorOf(statusFailure));
  },
};

/** Accepts a transaction whose first byte is non-zero (id = its bytes reversed); refuses the rest. */
const reception: Pick<ReceptionServer, 'submitTxStream'> = {
  submitTxStream(call, callback) {
    const results: SubmitResult[] = [];
    call.on('data', (request: SubmitTxRequest) => {
      results.push(
        request.transaction[0] === 0 || request.transaction.length === 0
          ? { result: { $case: 'rejection', rejection: { code: 'BAD_SIGNATURE', message: 'signature does not verify' } } }
          : { result: { $case: 'id', id: Buffer.from(request.transaction).reverse() } },
      );
    });
    call.on('end', () => callback(null, { results }));
    call.on('error', (err) => callback(err as ServiceError));
  },
};

let server: Server;
let logicClient: LogicClient;
let receptionClient: ReceptionClient;

beforeAll(async () => {
  server = createServer();
  server.addService(LogicService, logic as UntypedServiceImplementation);
  server.addService(ReceptionService, reception as UntypedServiceImplementation);
  const port = await listen(server, '127.0.0.1:0');
  logicClient = createLogicClient(`127.0.0.1:${port}`);
  receptionClient = createReceptionClient(`127.0.0.1:${port}`);
});

afterAll(async () => {
  logicClient?.close();
  receptionClient?.close();
  if (server) await stop(server, 1_000);
});

beforeEach(() => {
  statusFailure = undefined;
});

function getStatus(): Promise<Status> {
  return new Promise((resolve, reject) => {
    logicClient.getStatus({}, (err, response) => (err ? reject(err) : resolve(response)));
  });
}

function submitStream(transactions: Buffer[]): Promise<SubmitTxStreamResponse> {
  return new Promise((resolve, reject) => {
    const stream = receptionClient.submitTxStream((err, response) => (err ? reject(err) : resolve(response)));
    for (const transaction of transactions) stream.write({ transaction });
    stream.end();
  });
}

/** Sends `payload` as the raw request body of `method`, bypassing the generated serializer. */
function sendRaw(method: string, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    logicClient.makeUnaryRequest(
      method,
      () => payload,
      (body: Buffer) => body,
      {},
      (err, response) => (err || response === undefined ? reject(err) : resolve(response)),
    );
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (err) {
    return err as ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('Logic.GetStatus over a real loopback server', () => {
  it('when the server answers, then every field round-trips, uint64 above 2^53 exactly as bigint', async () => {
    const got = await getStatus();
    expect(got).toEqual(STATUS);
    expect(typeof got.height).toBe('bigint');
    expect(got.height).toBe(1152921504606846977n);
    expect(got.rosterEpoch).toBe(18446744073709551615n);
  });

  it('when the handler fails with a coded error, then the client reads that code and the mapped status', async () => {
    statusFailure = new ProtocolError(ProtocolErrorCode.unknownVersion, 'version 9');
    const err = await rejectionOf(getStatus());
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.details).toBe('version 9');
    expect(codeOf(err)).toBe(ProtocolErrorCode.unknownVersion);
  });

  it('when the handler fails with an explicit status, then that status and code arrive', async () => {
    statusFailure = toServiceError('MEMPOOL_FULL', 'mempool is full', status.RESOURCE_EXHAUSTED);
    const err = await rejectionOf(getStatus());
    expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(codeOf(err)).toBe('MEMPOOL_FULL');
  });

  it('when the handler fails with an uncoded error, then the client sees INTERNAL and no code', async () => {
    statusFailure = new Error('disk path /var/lib/x');
    const err = await rejectionOf(getStatus());
    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toBe('internal error');
    expect(codeOf(err)).toBeUndefined();
  });

  it('when a call carries metadata of its own, then the error code is still read from the trailers only', async () => {
    statusFailure = toServiceError('BAD_NONCE', 'nonce', status.FAILED_PRECONDITION);
    const err = await rejectionOf(
      new Promise((resolve, reject) => {
        const md = new Metadata();
        md.set('x-request', 'r1');
        logicClient.getStatus({}, md, (e, r) => (e ? reject(e) : resolve(r)));
      }),
    );
    expect(codeOf(err)).toBe('BAD_NONCE');
  });
});

describe('Reception.SubmitTxStream over a real loopback server', () => {
  it('when the client streams transactions, then it gets one result per request in order, each id or rejection', async () => {
    const response = await submitStream([Buffer.from([1, 2, 3]), Buffer.from([0, 9]), Buffer.from([7])]);
    expect(response.results).toEqual([
      { result: { $case: 'id', id: Buffer.from([3, 2, 1]) } },
      { result: { $case: 'rejection', rejection: { code: 'BAD_SIGNATURE', message: 'signature does not verify' } } },
      { result: { $case: 'id', id: Buffer.from([7]) } },
    ]);
  });

  it('when the client streams nothing, then the response has no results', async () => {
    expect((await submitStream([])).results).toEqual([]);
  });
});

describe('undecodable requests', () => {
  const junk: Array<[label: string, payload: Buffer]> = [
    // Field 1, length-delimited, claims 5 bytes, has 1.
    ['a truncated length-delimited field', Buffer.from([0x0a, 0x05, 0x01])],
    // A varint tag that never ends.
    ['an unterminated varint', Buffer.from([0xff, 0xff, 0xff])],
    // Wire type 7 does not exist.
    ['an invalid wire type', Buffer.from([0x0f, 0x00])],
    // Field 1, fixed64, with 3 of its 8 bytes.
    ['a truncated fixed64', Buffer.from([0x09, 0x01, 0x02, 0x03])],
    // Field 1, length-delimited, claims 4 GiB - 1.
    ['a length far past the end', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])],
  ];

  it.each(junk)(
    'when a request body is %s, then the call fails with INTERNAL or INVALID_ARGUMENT and the server serves the next call',
    async (_label, payload) => {
      for (const method of ['/clusterchain.v1.Logic/GetStatus', '/clusterchain.v1.Reception/SubmitTxStream']) {
        const err = await rejectionOf(sendRaw(method, payload));
        expect([status.INTERNAL, status.INVALID_ARGUMENT]).toContain(err.code);
        expect(codeOf(err)).toBeUndefined();
      }
      expect((await getStatus()).height).toBe(STATUS.height);
      expect((await submitStream([Buffer.from([5])])).results).toHaveLength(1);
    },
  );
});

describe('message size limit', () => {
  it('when a request exceeds the configured maxMessageBytes, then it fails with RESOURCE_EXHAUSTED', async () => {
    const small = createServer({ maxMessageBytes: 1024 });
    small.addService(ReceptionService, reception as UntypedServiceImplementation);
    const port = await listen(small, '127.0.0.1:0');
    // The client allows more, so that it is the server's limit that refuses.
    const client = createReceptionClient(`127.0.0.1:${port}`, { maxMessageBytes: 1024 * 1024 });
    try {
      const err = await rejectionOf(
        new Promise((resolve, reject) => {
          const stream = client.submitTxStream((e, r) => (e ? reject(e) : resolve(r)));
          stream.write({ transaction: Buffer.alloc(4096, 1) });
          stream.end();
        }),
      );
      expect(err.code).toBe(status.RESOURCE_EXHAUSTED);
    } finally {
      client.close();
      await stop(small, 1_000);
    }
  });
});
