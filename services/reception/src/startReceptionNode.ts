import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { KeyCachingVerifier } from '../../protocol/src/keyCachingVerifier.js';
import { createLogicClient, createServer, listen, startOpsHttp, stop as stopServer } from '../../rpc/src/index.js';
import { toHex } from '../../protocol/src/bytes.js';
import { drainEndpoint } from './admin/drainEndpoint.js';
import { ReceptionError, ReceptionErrorCode } from './errors.js';
import { addReceptionService } from './grpcServer.js';
import { createReceptionMetrics } from './metrics.js';
import { Byzantine, type Misbehaviour } from './misbehaviour.js';
import { DEFAULT_RECEPTION_OPTIONS, type ReceptionNodeOptions } from './options.js';
import { ReceptionPeers } from './peers/receptionPeers.js';
import { ReceptionNode } from './receptionNode.js';
import { RosterFollower } from './roster/rosterFollower.js';

export interface ReceptionNodeProcessConfig extends Partial<ReceptionNodeOptions> {
  /** This RN's secret key: its roster identity, signs co-signatures and packages. */
  key: Uint8Array;
  /** host:port of the logic node it follows and hands packages to. */
  logic: string;
  /** The cluster leader's public key: rosters it did not sign are ignored. */
  leaderPubkey: Uint8Array;
  /** gRPC listen address, host:port (port 0: any free port). */
  listen: string;
  /** HTTP address for /healthz, /readyz, /metrics and /identity. */
  http: string;
  /** host:port peers and the logic node reach this RN at (default: the bound listen address). */
  advertise?: string;
  log: Logger;
  /** TEST ONLY: lie as misbehaviour.ts says. */
  misbehaviour?: Misbehaviour;
  /** Seal a batch every `batchMs` (default true); tests may call `node.seal()` themselves. */
  autoSeal?: boolean;
  /** The operator key's public half (33 bytes): enables POST /admin/drain. Without it drain requests are refused (ADMIN_DISABLED). */
  adminPubkey?: Uint8Array;
}

export interface RunningReceptionNode {
  node: ReceptionNode;
  grpcPort: number;
  httpPort: number;
  registry: Registry;
  stop(): Promise<void>;
}

/** Composition root of a reception node process: the node, its gRPC service, its ops HTTP port. */
export async function startReceptionNode(config: ReceptionNodeProcessConfig): Promise<RunningReceptionNode> {
  const options: ReceptionNodeOptions = { ...DEFAULT_RECEPTION_OPTIONS, ...stripUndefined(config) };
  validate(options);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'clusterchain_reception_process_' });
  const metrics = createReceptionMetrics(registry);
  metrics.mempoolCapacity.set(options.mempoolCapacity);
  // Senders repeat: each key is decompressed once, not on each of its verifications.
  const verifier = new KeyCachingVerifier();
  const pubkey = publicKeyOf(config.key);
  const logic = createLogicClient(config.logic);
  const peers = new ReceptionPeers();
  const roster = new RosterFollower({
    logic,
    leaderPubkey: config.leaderPubkey,
    selfPubkey: pubkey,
    verifier,
    log: config.log,
    keptEpochs: options.keptEpochs,
    backoffMs: options.rosterBackoffMs,
    backoffMaxMs: options.rosterBackoffMaxMs,
  });
  if (config.misbehaviour) config.log.warn({ misbehaviour: config.misbehaviour.name }, 'MISBEHAVING ON PURPOSE (test only)');
  const node = new ReceptionNode(options, {
    key: config.key,
    pubkey,
    verifier,
    logic,
    peers,
    roster,
    log: config.log,
    metrics,
    ...(config.misbehaviour ? { byzantine: new Byzantine(config.misbehaviour) } : {}),
  });
  const server = createServer();
  const service = addReceptionService(server, node, config.log);
  let grpcPort: number;
  let ops: Awaited<ReturnType<typeof startOpsHttp>>;
  try {
    grpcPort = await listen(server, config.listen);
    const endpoint = config.advertise ?? `${config.listen.slice(0, config.listen.lastIndexOf(':'))}:${grpcPort}`;
    // What the operator reads to put this RN in a roster: its key and where to reach it.
    ops = await startOpsHttp({
      address: config.http,
      registry,
      ready: () => node.ready,
      // The roster epoch it follows, once it follows one: the operator waits for it (synced) before
      // putting this RN in a roster.
      identity: () => ({ pubkey: toHex(pubkey), endpoint, ...(node.roster === undefined ? {} : { rosterEpoch: String(node.roster.epoch) }) }),
      admin: drainEndpoint({ node, pubkey, adminPubkey: config.adminPubkey, verifier, log: config.log }),
      onAdminError: (err) => config.log.error({ err }, 'admin request failed'),
    });
  } catch (err) {
    server.forceShutdown();
    peers.close();
    logic.close();
    throw err;
  }
  roster.start();
  if (config.autoSeal !== false) node.start();
  config.log.info({ grpc: grpcPort, http: ops.port, logic: config.logic, batchMs: options.batchMs, committeeSize: options.committeeSize, admin: config.adminPubkey !== undefined }, 'reception node serving');
  return {
    node,
    grpcPort,
    httpPort: ops.port,
    registry,
    async stop() {
      // The server keeps answering CoSign while the node drains: peers may still need us.
      await node.stop();
      service.release();
      await stopServer(server, 2000);
      await ops.close();
      peers.close();
      logic.close();
    },
  };
}

function validate(o: ReceptionNodeOptions): void {
  const positive: (keyof ReceptionNodeOptions)[] = ['batchMs', 'committeeSize', 'coSignTimeoutMs', 'mempoolCapacity', 'senderRatePerSecond', 'senderBurst', 'senderTableSize', 'streamConcurrency', 'maxBatchTransactions', 'maxPackagesInFlight', 'keptEpochs'];
  for (const k of positive) {
    if (!(o[k] > 0)) throw new ReceptionError(ReceptionErrorCode.invalidConfig, `${k} must be positive, got ${o[k]}`, { fatal: true });
  }
  if (!(o.directBelowTps >= 0)) throw new ReceptionError(ReceptionErrorCode.invalidConfig, `directBelowTps must be 0 or more, got ${o.directBelowTps}`, { fatal: true });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
