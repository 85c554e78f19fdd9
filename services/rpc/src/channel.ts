/**
 * How our gRPC connections are configured, client and server alike, so that both ends of every
 * link agree on message sizes and keepalive.
 */
import { credentials as grpcCredentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { LogicClient } from './gen/clusterchain/v1/logic.js';
import { ReceptionClient } from './gen/clusterchain/v1/reception.js';

const MiB = 1024 * 1024;

export interface RpcOptions {
  /** Largest message either end sends or accepts, in bytes. */
  maxMessageBytes: number;
  /** How long a connection may stay silent before we ping it, in ms. */
  keepaliveTimeMs: number;
  /** How long to wait for the ping's answer before dropping the connection, in ms. */
  keepaliveTimeoutMs: number;
  /** HTTP/2 receive window of every stream (and, twice it, of the connection), in bytes. */
  flowControlWindowBytes: number;
}

export const defaultRpcOptions: Readonly<RpcOptions> = {
  // grpc-js's 4 MiB default is too small for a package: a 0.3 s batch of a busy RN plus its 7
  // signed verdicts. 16 MiB leaves room while still bounding what a peer can make us buffer.
  maxMessageBytes: 16 * MiB,
  // RNs are rented machines that vanish (relay, market eviction) and WatchRoster streams sit
  // idle between epochs: a ping every 30 s notices a dead peer in under a minute and keeps
  // middleboxes from dropping a quiet stream. Our servers are grpc-js, which accepts pings this
  // often (a C-core or Go server would need its minimum ping interval lowered to match).
  keepaliveTimeMs: 30_000,
  keepaliveTimeoutMs: 10_000,
  // HTTP/2 starts every stream at a 64 KB window: a 700 KB batch then needs a dozen WINDOW_UPDATE
  // round trips, each waiting for the receiver's event loop to read. On a loaded RN that was
  // 2-6 s for one CoSign, long enough to list honest members absent. One message's worth lets
  // any message we accept arrive in one go; the message limit still bounds what is buffered.
  flowControlWindowBytes: 16 * MiB,
};

/** grpc-js options for a server: our message limits, and pings towards clients too. */
export function serverOptions(options: Partial<RpcOptions> = {}): ChannelOptions {
  const o = { ...defaultRpcOptions, ...options };
  return {
    'grpc.max_receive_message_length': o.maxMessageBytes,
    'grpc.max_send_message_length': o.maxMessageBytes,
    'grpc.keepalive_time_ms': o.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': o.keepaliveTimeoutMs,
  };
}

/**
 * grpc-js options for a client channel: the server's, plus what only a client can set (the
 * server's receive window is set per session by `listen`, see server.ts).
 */
export function channelOptions(options: Partial<RpcOptions> = {}): ChannelOptions {
  return {
    ...serverOptions(options),
    // Ping also while no call is open, so that a channel kept for the next call is known alive.
    'grpc.keepalive_permit_without_calls': 1,
    'grpc-node.flow_control_window': options.flowControlWindowBytes ?? defaultRpcOptions.flowControlWindowBytes,
  };
}

export interface ClientOptions extends Partial<RpcOptions> {
  /**
   * Insecure by default: for loopback, tests and the devnet. Links that leave the cluster's
   * network (rented RNs) pass TLS credentials.
   */
  credentials?: ChannelCredentials;
}

/** A client of the Reception service of the RN at `address` (host:port). */
export function createReceptionClient(address: string, options: ClientOptions = {}): ReceptionClient {
  const { credentials = grpcCredentials.createInsecure(), ...rpc } = options;
  return new ReceptionClient(address, credentials, channelOptions(rpc));
}

/** A client of the Logic service of the LN at `address` (host:port). */
export function createLogicClient(address: string, options: ClientOptions = {}): LogicClient {
  const { credentials = grpcCredentials.createInsecure(), ...rpc } = options;
  return new LogicClient(address, credentials, channelOptions(rpc));
}
