/** A coordination.k8s.io Lease as the election reads it. */
export interface LeaseView {
  holder: string;
  renewTimeMs: number;
  durationSeconds: number;
}

export type LeaseDecision = { action: 'acquire' } | { action: 'renew' } | { action: 'wait'; holder: string; expiresAtMs: number };

/**
 * Whether this candidate may hold the lease now (pure; client-go's leader election rules): a
 * lease nobody holds, or whose holder has not renewed it within its duration, is free to take;
 * our own we renew; anyone else's we wait out.
 */
export function leaseDecision(lease: LeaseView | null, me: string, nowMs: number): LeaseDecision {
  if (lease === null || lease.holder === '') return { action: 'acquire' };
  if (lease.holder === me) return { action: 'renew' };
  const expiresAtMs = lease.renewTimeMs + lease.durationSeconds * 1000;
  return nowMs >= expiresAtMs ? { action: 'acquire' } : { action: 'wait', holder: lease.holder, expiresAtMs };
}
