import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { leaseDecision, type LeaseView } from './leaseDecision.js';

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  /** This replica's identity (its Pod name). */
  identity: string;
  /** How long a lease holds without renewal. */
  leaseDurationSeconds: number;
  /** How often to try: renew as holder, acquire as candidate. Well under the duration. */
  retryPeriodMs: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  onError?: (err: unknown) => void;
}

/**
 * A Lease's times are MicroTime: the API server parses exactly six fractional digits, and the
 * client passes the type through as given, so a Date (three digits) is refused with a 400.
 */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function viewOf(lease: V1Lease): LeaseView {
  const renew = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  return { holder: lease.spec?.holderIdentity ?? '', renewTimeMs: renew ? new Date(renew as unknown as string).getTime() : 0, durationSeconds: lease.spec?.leaseDurationSeconds ?? 0 };
}

/**
 * One active operator replica at a time (DESIGN §11), through a Lease. Every write carries the
 * resourceVersion it read, so two candidates racing for a free lease cannot both win: the API
 * server refuses the second with a conflict. A leader whose renewal fails stops leading at once
 * rather than risk acting beside a successor; on stop it releases the lease so a standby takes
 * over without waiting out the duration.
 */
export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private leading = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    config: KubeConfig,
    private readonly o: LeaderElectorOptions,
  ) {
    this.api = config.makeApiClient(CoordinationV1Api);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.ticking = this.tick().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.o.retryPeriodMs);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    if (!this.leading) return;
    this.setLeading(false);
    try {
      const lease = await this.api.readNamespacedLease({ name: this.o.name, namespace: this.o.namespace });
      if (lease.spec?.holderIdentity === this.o.identity) {
        await this.api.replaceNamespacedLease({ name: this.o.name, namespace: this.o.namespace, body: { ...lease, spec: { ...lease.spec, holderIdentity: '' } } });
      }
    } catch (err) {
      this.o.onError?.(err); // the lease expires by itself
    }
  }

  private async tick(): Promise<void> {
    try {
      let lease: V1Lease | null = null;
      try {
        lease = await this.api.readNamespacedLease({ name: this.o.name, namespace: this.o.namespace });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
      const now = new Date();
      const stamp = microTime(now) as never;
      const decision = leaseDecision(lease ? viewOf(lease) : null, this.o.identity, now.getTime());
      if (decision.action === 'wait') return this.setLeading(false);
      const spec = {
        holderIdentity: this.o.identity,
        leaseDurationSeconds: this.o.leaseDurationSeconds,
        renewTime: stamp,
        ...(decision.action === 'acquire'
          ? { acquireTime: stamp, leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (lease?.spec?.holderIdentity ? 1 : 0) }
          : { acquireTime: lease?.spec?.acquireTime, leaseTransitions: lease?.spec?.leaseTransitions ?? 0 }),
      };
      if (lease === null) await this.api.createNamespacedLease({ namespace: this.o.namespace, body: { metadata: { name: this.o.name, namespace: this.o.namespace }, spec } });
      else await this.api.replaceNamespacedLease({ name: this.o.name, namespace: this.o.namespace, body: { ...lease, spec } }); // carries resourceVersion
      this.setLeading(true);
    } catch (err) {
      // A conflict means someone else wrote first; anything else means we cannot tell: either way, not leading.
      if ((err as { code?: number }).code !== 409) this.o.onError?.(err);
      this.setLeading(false);
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    if (leading) this.o.onStartedLeading();
    else this.o.onStoppedLeading();
  }
}
