import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from 'pino';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { KeyCachingVerifier } from '../../../protocol/src/keyCachingVerifier.js';
import type { RosterMember } from '../../../protocol/src/reception/roster.js';
import type { StorageBackend } from '../../../storage/src/index.js';
import { createReceptionClient, createServer, listen, startOpsHttp, stop as stopServer, type CoSignResponse, type ReceptionClient } from '../../../rpc/src/index.js';
import type { Genesis } from '../ledger/genesis.js';
import { addLogicService } from './grpcServer.js';
import { LogicNode, type LogicNodeDependencies } from './logicNode.js';
import { createLogicNodeMetrics } from './metrics.js';
import { sampleDiskUsage } from './storageSize.js';
import { DEFAULT_LOGIC_NODE_OPTIONS, type LogicNodeOptions } from './options.js';

export interface LogicNodeProcessConfig extends Partial<LogicNodeOptions> {
  dataDir: string;
  key: Uint8Array;
  genesis: Genesis;
  initialRoster: readonly RosterMember[];
  /** gRPC listen address, host:port (port 0: any free port). */
  listen: string;
  /** HTTP address for /healthz, /readyz, /metrics. */
  http: string;
  log: Logger;
  backend?: StorageBackend;
  /** Produce blocks on a timer (default true); tests drive `node.produceBlock()` themselves. */
  autoProduce?: boolean;
  /** How absent members are asked (default: CoSign over gRPC at their roster endpoint). */
  challenge?: LogicNodeDependencies['challenge'];
  /** The operator key's public half (33 bytes): enables ChangeRoster. Without it ChangeRoster is refused. */
  adminPubkey?: Uint8Array;
}

export interface RunningLogicNode {
  node: LogicNode;
  grpcPort: number;
  httpPort: number;
  registry: Registry;
  stop(): Promise<void>;
}

/** Composition root of a logic node process: the node, its gRPC service, its ops HTTP port. */
export async function startLogicNode(config: LogicNodeProcessConfig): Promise<RunningLogicNode> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'clusterchain_logic_process_' });
  const metrics = createLogicNodeMetrics(registry);
  const clients = new Map<string, ReceptionClient>();
  const clientFor = (endpoint: string): ReceptionClient => {
    let c = clients.get(endpoint);
    if (c === undefined) clients.set(endpoint, (c = createReceptionClient(endpoint)));
    return c;
  };
  const options: LogicNodeOptions = { ...DEFAULT_LOGIC_NODE_OPTIONS, ...stripUndefined(config), dataDir: config.dataDir };
  const node = await LogicNode.create(options, {
    key: config.key,
    genesis: config.genesis,
    initialRoster: config.initialRoster,
    verifier: new KeyCachingVerifier(),
    log: config.log,
    metrics,
    ...(config.backend ? { backend: config.backend } : {}),
    ...(config.adminPubkey ? { adminPubkey: config.adminPubkey } : {}),
    challenge:
      config.challenge ??
      ((member, batch, timeoutMs) =>
        new Promise<Uint8Array>((resolve, reject) => {
          clientFor(member.endpoint).coSign({ batch: Buffer.from(batch) }, new Metadata(), { deadline: Date.now() + timeoutMs }, (err: ServiceError | null, res?: CoSignResponse) =>
            err || res === undefined ? reject(err ?? new Error('empty answer')) : resolve(res.cosignature),
          );
        })),
  });
  const server = createServer();
  addLogicService(server, node, config.log);
  let grpcPort: number;
  let ops: Awaited<ReturnType<typeof startOpsHttp>>;
  try {
    grpcPort = await listen(server, config.listen);
    ops = await startOpsHttp({ address: config.http, registry, ready: () => true });
  } catch (err) {
    server.forceShutdown();
    await node.stop();
    throw err;
  }
  if (config.autoProduce !== false) node.start();
  const stopSampling = sampleDiskUsage(options.dataDir, metrics.storageBytes);
  config.log.info({ grpc: grpcPort, http: ops.port, slotMs: options.slotMs, admin: config.adminPubkey !== undefined }, 'logic node serving');
  return {
    node,
    grpcPort,
    httpPort: ops.port,
    registry,
    async stop() {
      stopSampling();
      await stopServer(server, 2000);
      await ops.close();
      await node.stop();
      for (const c of clients.values()) c.close();
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
