import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * The operator process's configuration, from its environment (the chart sets it): checked whole
 * at start, so a typo stops the process with a message instead of surfacing mid-reconcile.
 */
export const operatorEnv = z.object({
  /** A kubeconfig file; unset: the in-cluster service account. */
  KUBECONFIG: z.string().min(1).optional(),
  /** The node image (images/Dockerfile, target node): `clusterchain-node reception|logic [flags]` as its entrypoint. */
  CLUSTERCHAIN_NODE_IMAGE: z.string().min(1).default('clusterchain/node:latest'),
  /** How long a reception node gets to confirm its drain in a relay handoff before the operator goes on without it. */
  CLUSTERCHAIN_DRAIN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Each call to a node (identity, drain, roster change) gives up after this long. */
  CLUSTERCHAIN_AGENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
  /** Prometheus scrapes the operator's metrics here (/metrics), with /healthz and /readyz. */
  CLUSTERCHAIN_METRICS_LISTEN: z.string().regex(/^[^:]*:[0-9]+$/).default('0.0.0.0:8080'),
  /** Where the leader Lease lives. */
  CLUSTERCHAIN_OPERATOR_NAMESPACE: z.string().min(1).default('clusterchain-system'),
  /** This replica's name in the Lease (the chart passes the Pod name). */
  CLUSTERCHAIN_OPERATOR_IDENTITY: z.string().min(1).default(hostname()),
  CLUSTERCHAIN_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(15),
  /** The Alertmanager webhook's listen address, and the file holding its bearer token (a mounted Secret). */
  CLUSTERCHAIN_WEBHOOK_LISTEN: z.string().regex(/^[^:]*:[0-9]+$/).default('0.0.0.0:9443'),
  CLUSTERCHAIN_WEBHOOK_TOKEN_FILE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type OperatorEnv = z.infer<typeof operatorEnv>;

/** The webhook token, read per request: a rotated Secret applies without a restart. No file: every request is refused. */
export function tokenReader(file: string | undefined): () => string {
  if (file === undefined) return () => '';
  let cached = { at: 0, token: '' };
  void readFile(file, 'utf8').then((t) => (cached = { at: Date.now(), token: t.trim() }), () => undefined);
  return () => {
    if (Date.now() - cached.at > 10_000) void readFile(file, 'utf8').then((t) => (cached = { at: Date.now(), token: t.trim() }), () => undefined);
    return cached.token;
  };
}
