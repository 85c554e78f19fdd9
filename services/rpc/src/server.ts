/**
 * Starting and stopping a grpc-js server as promises, with our options, so that a service's
 * `static async create()` can await its port and its shutdown.
 */
import type { Http2Server, ServerHttp2Session } from 'node:http2';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { defaultRpcOptions, serverOptions, type RpcOptions } from './channel.js';

const windowOf = new WeakMap<Server, number>();
/** HTTP/2 servers already hooked: a grpc-js server bound twice lists the first one again. */
const widened = new WeakSet<Http2Server>();

/** A grpc-js server with our message-size, keepalive and flow-control defaults; add services, then `listen`. */
export function createServer(options: Partial<RpcOptions> = {}): Server {
  const server = new Server(serverOptions(options));
  windowOf.set(server, options.flowControlWindowBytes ?? defaultRpcOptions.flowControlWindowBytes);
  return server;
}

/**
 * grpc-js's client takes `grpc-node.flow_control_window`, its server does not yet (grpc-node
 * PR #3058), so every server session would keep HTTP/2's 64 KB windows. Until it does, each new
 * session advertises ours itself. The server list is a private field of grpc-js: if a release
 * renames it, fail loudly here rather than silently serve with the slow windows.
 */
function widenReceiveWindows(server: Server, windowBytes: number): void {
  const http2Servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map)) throw new Error('grpc-js internals changed: Server.http2Servers is gone; cannot set the HTTP/2 flow-control window');
  for (const h of http2Servers.keys() as IterableIterator<Http2Server>) {
    if (widened.has(h)) continue;
    widened.add(h);
    h.on('session', (session: ServerHttp2Session) => {
      session.settings({ initialWindowSize: windowBytes });
      session.setLocalWindowSize(2 * windowBytes);
    });
  }
}

/**
 * Binds `address` (host:port; port 0 picks a free one) and resolves to the bound port. grpc-js
 * starts serving once bound (no `start()` since 1.10).
 */
export function listen(
  server: Server,
  address: string,
  credentials: ServerCredentials = ServerCredentials.createInsecure(),
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (err, port) => {
      if (err) return reject(err);
      try {
        widenReceiveWindows(server, windowOf.get(server) ?? defaultRpcOptions.flowControlWindowBytes);
      } catch (e) {
        server.forceShutdown();
        return reject(e as Error);
      }
      resolve(port);
    });
  });
}

/**
 * Stops accepting calls and waits for open ones to finish, for at most `graceMs`; then cancels
 * what is left (a WatchRoster stream never finishes by itself).
 */
export function stop(server: Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.forceShutdown(), graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
