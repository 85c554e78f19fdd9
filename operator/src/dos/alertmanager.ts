import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The Alertmanager webhook payload (version 4), as far as the operator reads it. */
export const alertmanagerWebhook = z.object({
  version: z.literal('4'),
  status: z.enum(['firing', 'resolved']),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: z.record(z.string(), z.string()),
        fingerprint: z.string().min(1).max(64),
        startsAt: z.string(),
        endsAt: z.string().optional(),
      }),
    )
    .max(1000),
});
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhook>;

/** Labels that name the ReceptionPool an alert is about (the chart's PrometheusRule sets them). */
export const POOL_NAMESPACE_LABEL = 'namespace';
export const POOL_NAME_LABEL = 'clusterchain_io_reception_pool';
/**
 * Only alerts the rules mark as a DoS signal scale a pool: others name a pool too (an empty slot,
 * a forced handoff) and adding reception nodes would not answer them.
 */
export const DOS_LABEL = 'dos';

export interface PoolAlert {
  pool: { namespace: string; name: string };
  fingerprint: string;
  firing: boolean;
}

/** The DoS alerts of a webhook call that name a pool; others are not ours and are ignored. */
export function poolAlertsOf(payload: AlertmanagerWebhook): PoolAlert[] {
  const out: PoolAlert[] = [];
  for (const a of payload.alerts) {
    const namespace = a.labels[POOL_NAMESPACE_LABEL];
    const name = a.labels[POOL_NAME_LABEL];
    if (namespace === undefined || name === undefined || a.labels[DOS_LABEL] !== 'true') continue;
    out.push({ pool: { namespace, name }, fingerprint: a.fingerprint, firing: a.status === 'firing' });
  }
  return out;
}

/**
 * True when the Authorization header carries exactly `Bearer <token>`. Compared in constant
 * time, so the token cannot be guessed byte by byte from response times; an empty configured
 * token refuses everything rather than accepting an empty header.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (token.length === 0 || header === undefined || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
