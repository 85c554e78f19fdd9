/**
 * Starting and stopping a grpc-js server as promises, with our options, so that a service's
 * `static async create()` can await its port and its shutdown.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { serverOptions, type RpcOptions } from './channel.js';

/** A grpc-js server with our message-size and keepalive defaults; add services, then `listen`. */
export function createServer(options: Partial<RpcOptions> = {}): Server {
  return new Server(serverOptions(options));
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
    server.bindAsync(address, credentials, (err, port) => (err ? reject(err) : resolve(port)));
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
