import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { alertmanagerWebhook, bearerMatches, poolAlertsOf, type PoolAlert } from './alertmanager.js';

/** Alertmanager sends small JSON documents; anything larger is refused before it is buffered. */
export const MAX_WEBHOOK_BYTES = 1 << 20;
export const WEBHOOK_PATH = '/alertmanager';

export interface WebhookServerOptions {
  /** Read on every request, so a rotated Secret applies without a restart. */
  token: () => string;
  /**
   * Gets the alerts that name a pool; the reconcile happens through the work queue. False when
   * this replica does not lead: the call is refused with 503 and Alertmanager sends it again,
   * to the leader once the Service routes there (an alert must not be acknowledged and lost).
   */
  onAlerts: (alerts: PoolAlert[]) => boolean;
}

function reply(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ code, message }));
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_WEBHOOK_BYTES) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_WEBHOOK_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * The DoS webhook (WP 2.3, DESIGN §11): Alertmanager POSTs its alerts here with a bearer token;
 * anything without the token, malformed, oversized or elsewhere is refused with a coded JSON
 * error and never reaches the scaler.
 */
export function createWebhookServer(o: WebhookServerOptions): Server {
  return createServer((req, res) => {
    void (async () => {
      if (req.url !== WEBHOOK_PATH) return reply(res, 404, 'NOT_FOUND', `POST alerts to ${WEBHOOK_PATH}`);
      if (req.method !== 'POST') return reply(res, 405, 'METHOD_NOT_ALLOWED', 'only POST');
      if (!bearerMatches(req.headers.authorization, o.token())) return reply(res, 401, 'UNAUTHENTICATED', 'a valid bearer token is required');
      const body = await readBody(req);
      if (body === null) {
        // The rest of the body is not read: answer, then close the connection once the answer is out.
        res.on('finish', () => req.destroy());
        return reply(res, 413, 'TOO_LARGE', `at most ${MAX_WEBHOOK_BYTES} bytes`, { connection: 'close' });
      }
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        return reply(res, 400, 'MALFORMED', 'the body is not JSON');
      }
      const parsed = alertmanagerWebhook.safeParse(json);
      if (!parsed.success) return reply(res, 400, 'MALFORMED', `not an Alertmanager v4 payload: ${parsed.error.issues[0]?.message ?? ''}`);
      const alerts = poolAlertsOf(parsed.data);
      if (alerts.length > 0 && !o.onAlerts(alerts)) return reply(res, 503, 'NOT_LEADER', 'this replica does not lead; retry', { 'retry-after': '5' });
      reply(res, 200, 'OK', `${alerts.length} pool alerts taken`);
    })().catch(() => reply(res, 500, 'INTERNAL', 'internal error'));
  });
}
