import type { Logger } from 'pino';
import { z } from 'zod';
import { fromHex } from '../../../protocol/src/bytes.js';
import { DRAIN_REQUEST_MAX_SKEW_MS, verifyDrainRequest } from '../../../protocol/src/reception/admin.js';
import type { SignatureVerifier } from '../../../protocol/src/signature.js';
import type { OpsAdminAnswer, OpsAdminHandler } from '../../../rpc/src/index.js';
import { ReceptionError, ReceptionErrorCode } from '../errors.js';
import type { DrainStatus } from '../receptionNode.js';

/** The path of the drain endpoint on the RN's ops HTTP port. */
export const DRAIN_PATH = '/admin/drain';

/** POST /admin/drain: when the operator made the request, and its signature over it (hex). */
const DrainBodySchema = z.object({
  issuedAtMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  signature: z.string().regex(/^[0-9a-fA-F]{128}$/, 'a 64-byte signature in hex'),
});
export type DrainBody = z.infer<typeof DrainBodySchema>;

/** The HTTP status of each refusal of the admin endpoint: the one table for this port. */
const HTTP_STATUS: Readonly<Partial<Record<ReceptionErrorCode, number>>> = {
  ADMIN_DISABLED: 403,
  BAD_SIGNATURE: 401,
  STALE_REQUEST: 401,
  MALFORMED: 400,
  STOPPING: 503,
};

export interface DrainEndpointDependencies {
  node: { drain(): DrainStatus; readonly drainStatus: DrainStatus };
  /** This RN's public key: a drain request must name it. */
  pubkey: Uint8Array;
  /** The operator key's public half; undefined: POST is refused (ADMIN_DISABLED). */
  adminPubkey: Uint8Array | undefined;
  verifier: SignatureVerifier;
  log: Logger;
  clock?: () => number;
}

function refusal(code: ReceptionErrorCode, message: string): OpsAdminAnswer {
  return { status: HTTP_STATUS[code] ?? 500, body: { code, message } };
}

/**
 * The RN's admin routes on its ops HTTP port (DESIGN §11, relay handoff):
 * - `GET /admin/drain` → `{ state, buffered, packagesInFlight }`, no authentication (it tells
 *   nothing a metric does not);
 * - `POST /admin/drain` with `{ issuedAtMs, signature }`: a DrainRequest for THIS RN's key
 *   signed by the operator key, made within DRAIN_REQUEST_MAX_SKEW_MS of this RN's clock.
 *   Starts the drain (idempotent) and answers as GET does.
 */
export function drainEndpoint(deps: DrainEndpointDependencies): OpsAdminHandler {
  const clock = deps.clock ?? Date.now;
  const status = (s: DrainStatus): OpsAdminAnswer => ({ status: 200, body: { ...s } });

  const post = (raw: unknown): OpsAdminAnswer => {
    if (deps.adminPubkey === undefined) return refusal(ReceptionErrorCode.adminDisabled, 'this reception node was started without --admin-pubkey: admin requests are disabled');
    const parsed = DrainBodySchema.safeParse(raw);
    if (!parsed.success) {
      return refusal(ReceptionErrorCode.malformed, `a drain request is { "issuedAtMs": integer, "signature": hex }: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const { issuedAtMs, signature } = parsed.data;
    if (!verifyDrainRequest({ node: deps.pubkey, issuedAtMs }, fromHex(signature), deps.adminPubkey, deps.verifier)) {
      deps.log.warn({ issuedAtMs }, 'drain request refused: not signed by the operator key for this node');
      return refusal(ReceptionErrorCode.badSignature, 'the drain request is not signed by the operator key for this reception node');
    }
    const skew = clock() - issuedAtMs;
    if (Math.abs(skew) > DRAIN_REQUEST_MAX_SKEW_MS) {
      deps.log.warn({ issuedAtMs, skewMs: skew }, 'drain request refused: stale');
      return refusal(ReceptionErrorCode.staleRequest, `the drain request was made ${skew} ms from this node's clock, beyond ±${DRAIN_REQUEST_MAX_SKEW_MS} ms`);
    }
    try {
      return status(deps.node.drain());
    } catch (err) {
      if (err instanceof ReceptionError) return refusal(err.code, err.message);
      throw err;
    }
  };

  return async ({ method, path, body }) => {
    if (path !== DRAIN_PATH) return undefined;
    if (method === 'GET') return status(deps.node.drainStatus);
    if (method === 'POST') return post(body);
    return { status: 405, body: { code: 'METHOD_NOT_ALLOWED', message: 'GET or POST' } };
  };
}
