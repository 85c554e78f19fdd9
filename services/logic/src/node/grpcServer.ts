import { status, type Server, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { U64_MAX } from '../../../protocol/src/codec/varint.js';
import { ADDRESS_LENGTH } from '../../../protocol/src/params.js';
import { HASH_LENGTH } from '../../../protocol/src/hash.js';
import { TX_STATUS_NAMES } from '../../../protocol/src/types.js';
import type { SignedRoster } from '../../../protocol/src/reception/roster.js';
import { CURRENT_EPOCH_METADATA_KEY, LogicService, TransactionStatus_State, serviceErrorOf, toServiceError, type LogicServer, type Roster } from '../../../rpc/src/index.js';
import { NodeError, NodeErrorCode } from './errors.js';
import type { LogicNode } from './logicNode.js';

/** The gRPC status of each of the logic node's codes: the one table (CONVENTIONS 4). */
const STATUS_OF: Readonly<Record<NodeErrorCode, status>> = {
  MALFORMED: status.INVALID_ARGUMENT,
  BAD_SIGNATURE: status.INVALID_ARGUMENT,
  PACKAGE_DROPPED: status.FAILED_PRECONDITION,
  OVERLOADED: status.RESOURCE_EXHAUSTED,
  DUPLICATE: status.ALREADY_EXISTS,
  NOT_FOUND: status.NOT_FOUND,
  INVALID_CONFIG: status.INTERNAL,
  STOPPING: status.UNAVAILABLE,
  ADMIN_DISABLED: status.PERMISSION_DENIED,
  NOT_LEADER: status.FAILED_PRECONDITION,
  EPOCH_MISMATCH: status.FAILED_PRECONDITION,
  EXCLUDED_MEMBER: status.FAILED_PRECONDITION,
};

/**
 * Where an admin method reads a code differently: a request not signed by the operator key is
 * refused, not malformed (a transaction's BAD_SIGNATURE is the caller's bad bytes).
 */
const ADMIN_STATUS_OF: Readonly<Partial<Record<NodeErrorCode, status>>> = {
  BAD_SIGNATURE: status.PERMISSION_DENIED,
};

function invalid(message: string): Error {
  return toServiceError(NodeErrorCode.malformed, message, status.INVALID_ARGUMENT);
}

function rosterMessage(r: SignedRoster): Roster {
  return {
    epoch: r.roster.epoch,
    members: r.roster.members.map((m, index) => ({ index, pubkey: Buffer.from(m.pubkey), endpoint: m.endpoint })),
    encoded: Buffer.from(r.encoded),
    signature: Buffer.from(r.signature),
  };
}

/**
 * Thin handlers: check the shape of the request, call the node, map the answer. Every failure
 * reaches the client as a gRPC status with our code in the `clusterchain-code` trailer.
 */
export function addLogicService(server: Server, node: LogicNode, log: Logger): void {
  function unary<Req, Res>(name: string, handle: (req: Req) => Promise<Res> | Res, statusOf: Readonly<Partial<Record<NodeErrorCode, status>>> = {}) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      Promise.resolve()
        .then(() => handle(call.request))
        .then(
          (res) => callback(null, res),
          (err: unknown) => {
            const code = (err as { code?: unknown }).code;
            if (typeof code === 'string' && code in STATUS_OF) {
              const e = toServiceError(code, (err as Error).message, statusOf[code as NodeErrorCode] ?? STATUS_OF[code as NodeErrorCode]);
              const current = err instanceof NodeError ? err.meta['currentEpoch'] : undefined;
              if (typeof current === 'bigint') e.metadata.set(CURRENT_EPOCH_METADATA_KEY, current.toString());
              callback(e);
            } else {
              const e = serviceErrorOf(err);
              if (e.code === status.INTERNAL) log.error({ err, method: name }, 'handler failed');
              callback(e);
            }
          },
        );
    };
  }

  const impl: LogicServer = {
    submitPackage: unary('SubmitPackage', async (req) => node.submitPackage(req.package)),
    submitTx: unary('SubmitTx', async (req) => ({ id: Buffer.from(await node.submitTransaction(req.transaction)) })),
    getAccount: unary('GetAccount', (req) => {
      if (req.address.length !== ADDRESS_LENGTH) throw invalid(`address must be ${ADDRESS_LENGTH} bytes, got ${req.address.length}`);
      const a = node.account(req.address);
      return { address: req.address, nonce: a.nonce, balance: a.balance.toString(), exists: a.exists };
    }),
    getTransaction: unary('GetTransaction', async (req) => {
      if (req.id.length !== HASH_LENGTH) throw invalid(`id must be ${HASH_LENGTH} bytes, got ${req.id.length}`);
      const s = await node.transaction(req.id);
      const base = { id: req.id, height: 0n, index: 0, outcome: '', fee: '0', rejection: undefined };
      switch (s.state) {
        case 'committed':
          return { ...base, state: TransactionStatus_State.STATE_COMMITTED, height: s.location.height, index: s.location.index, outcome: TX_STATUS_NAMES[s.location.summary.status], fee: s.location.summary.fee.toString() };
        case 'pending':
          return { ...base, state: TransactionStatus_State.STATE_PENDING };
        case 'rejected':
          return { ...base, state: TransactionStatus_State.STATE_REJECTED, outcome: s.rejection.code, rejection: s.rejection };
        default:
          return { ...base, state: TransactionStatus_State.STATE_UNKNOWN };
      }
    }),
    getBlock: unary('GetBlock', async (req) => {
      const which = req.which;
      if (which === undefined) throw invalid('name a height or latest');
      if (which.$case === 'height' && (which.height < 0n || which.height > U64_MAX)) throw invalid('height out of range');
      const b = await node.blockSummary(which.$case === 'latest' ? 'latest' : which.height);
      if (b === null) throw toServiceError(NodeErrorCode.notFound, `no block at height ${which.$case === 'height' ? which.height : 'latest'}`, status.NOT_FOUND);
      return {
        height: b.height,
        hash: Buffer.from(b.hash),
        header: Buffer.from(b.headerBytes),
        timestampMs: b.header.timestamp,
        transactionCount: b.transactionIds.length,
        coinbase: b.header.coinbase.map((c) => ({ account: Buffer.from(c.account), reward: c.reward.toString() })),
        stateRoot: Buffer.from(b.header.stateRoot),
        parentHash: Buffer.from(b.header.parentHash),
        transactionIds: b.transactionIds.slice(0, MAX_IDS_IN_BLOCK_ANSWER).map((id) => Buffer.from(id)),
      };
    }),
    getStatus: unary('GetStatus', () => {
      const s = node.status();
      return {
        chainId: s.chainId,
        height: s.height,
        headHash: Buffer.from(s.headHash),
        lastBlockTimeMs: BigInt(s.lastBlockTimeMs),
        rosterEpoch: s.roster.roster.epoch,
        rosterSize: s.roster.roster.members.length,
        pending: s.pending,
        slotMs: s.slotMs,
      };
    }),
    getRoster: unary('GetRoster', () => rosterMessage(node.roster.current)),
    changeRoster: unary(
      'ChangeRoster',
      (req) => node.changeRoster({ leader: req.leader, expectEpoch: req.expectEpoch, remove: req.remove, add: req.add.map((m) => ({ pubkey: m.pubkey, endpoint: m.endpoint })) }, req.signature),
      ADMIN_STATUS_OF,
    ),
    watchRoster: (call) => {
      call.write(rosterMessage(node.roster.current));
      const unwatch = node.roster.watch((r) => call.write(rosterMessage(r)));
      call.on('cancelled', unwatch);
      call.on('close', unwatch);
    },
  };
  server.addService(LogicService, impl);
}

/** Ids listed in a block answer: enough for tools, bounded so the answer stays far under the message cap. */
const MAX_IDS_IN_BLOCK_ANSWER = 20_000;
