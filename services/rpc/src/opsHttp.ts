import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/** A request to an admin route of the ops port (`/admin/...`), its JSON body parsed. */
export interface OpsAdminRequest {
  method: string;
  /** The path, without the query string. */
  path: string;
  /** The parsed JSON body; undefined when the request has none. */
  body: unknown;
}

/** What an admin route answers: an HTTP status and a JSON object (refusals carry `code` and `message`). */
export interface OpsAdminAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Serves the node's admin routes (e.g. an RN's `/admin/drain`, DESIGN §11). Resolves to
 * undefined for a path it does not serve (404). The node decides who may ask: this layer only
 * bounds and parses bodies.
 */
export type OpsAdminHandler = (request: OpsAdminRequest) => Promise<OpsAdminAnswer | undefined>;

/** Largest admin request body read: an admin request is a few fields and a signature. */
export const OPS_ADMIN_MAX_BODY_BYTES = 4096;

/** Codes of the refusals this layer makes itself, in the `code` field of the JSON answer. */
export const OpsHttpErrorCode = {
  /** The body is over OPS_ADMIN_MAX_BODY_BYTES (413). */
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  /** The body is not JSON (400). */
  malformed: 'MALFORMED',
  /** The admin handler failed (500). */
  internal: 'INTERNAL',
} as const;
export type OpsHttpErrorCode = (typeof OpsHttpErrorCode)[keyof typeof OpsHttpErrorCode];

export interface OpsHttpOptions {
  /** host:port; port 0 picks a free one. */
  address: string;
  registry: Registry;
  /** Ready to take traffic (e.g. an RN that knows its roster, an LN that opened its ledger). */
  ready: () => boolean;
  /** Public facts about the node, served as JSON on `/identity` (e.g. an RN's key and endpoint, for the operator). */
  identity?: () => Record<string, string>;
  /** Serves `/admin/...`; without it those paths are 404. */
  admin?: OpsAdminHandler;
  /** Where an admin handler's failure is reported (it answers 500 either way). */
  onAdminError?: (err: unknown) => void;
}

/**
 * The operational endpoints every node serves on its HTTP port, for Kubernetes probes and
 * Prometheus: `/healthz` (the process answers), `/readyz` (it should get traffic) and `/metrics`;
 * `/identity` where the node has one to tell; `/admin/...` where the node has an admin handler.
 * Only admin requests have their body read, up to OPS_ADMIN_MAX_BODY_BYTES.
 */
export async function startOpsHttp(options: OpsHttpOptions): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/admin/') && options.admin) {
      serveAdmin(req, res, path, options.admin, options.onAdminError);
    } else if (req.method !== 'GET') {
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

function answer(res: ServerResponse, status: number, body: Record<string, unknown>, close = false): void {
  res.writeHead(status, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) }).end(JSON.stringify(body));
}

function serveAdmin(req: IncomingMessage, res: ServerResponse, path: string, handler: OpsAdminHandler, onError?: (err: unknown) => void): void {
  const tooLarge = () => answer(res, 413, { code: OpsHttpErrorCode.payloadTooLarge, message: `an admin request body is at most ${OPS_ADMIN_MAX_BODY_BYTES} bytes` }, true);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > OPS_ADMIN_MAX_BODY_BYTES) {
    tooLarge();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return; // the rest is read and thrown away; the connection closes after the answer
    size += chunk.length;
    if (size > OPS_ADMIN_MAX_BODY_BYTES) {
      refused = true;
      chunks.length = 0;
      tooLarge();
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    if (refused) return;
    let body: unknown;
    if (size > 0) {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        answer(res, 400, { code: OpsHttpErrorCode.malformed, message: 'the body is not JSON' });
        return;
      }
    }
    handler({ method: req.method ?? 'GET', path, body }).then(
      (a) => (a === undefined ? res.writeHead(404).end() : answer(res, a.status, a.body)),
      (err: unknown) => {
        onError?.(err);
        answer(res, 500, { code: OpsHttpErrorCode.internal, message: 'internal error' });
      },
    );
  });
}

function splitHostPort(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  if (i < 0) return ['127.0.0.1', address];
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), address.slice(i + 1)];
}
