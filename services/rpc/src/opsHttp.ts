import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface OpsHttpOptions {
  /** host:port; port 0 picks a free one. */
  address: string;
  registry: Registry;
  /** Ready to take traffic (e.g. an RN that knows its roster, an LN that opened its ledger). */
  ready: () => boolean;
  /** Public facts about the node, served as JSON on `/identity` (e.g. an RN's key and endpoint, for the operator). */
  identity?: () => Record<string, string>;
}

/**
 * The operational endpoints every node serves on its HTTP port, for Kubernetes probes and
 * Prometheus: `/healthz` (the process answers), `/readyz` (it should get traffic) and `/metrics`;
 * `/identity` where the node has one to tell. Nothing else is served; no request body is read.
 */
export async function startOpsHttp(options: OpsHttpOptions): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const ready = options.ready();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : 'not ready\n');
    } else if (path === '/identity' && options.identity) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(options.identity()));
    } else if (path === '/metrics') {
      options.registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  const [host, portText] = splitHostPort(options.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(portText), host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function splitHostPort(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  if (i < 0) return ['127.0.0.1', address];
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), address.slice(i + 1)];
}
