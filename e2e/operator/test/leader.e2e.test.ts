/** One active operator replica at a time, through a Lease on a real API server (kwok). */
import { KubeConfig } from '@kubernetes/client-node';
import { LeaderElector } from '../../../operator/src/runtime/leaderElector.js';
import { startKwokCluster, type KwokCluster } from './kwokCluster.js';

async function until(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('leader election on a real API server', () => {
  let k: KwokCluster;
  beforeAll(async () => {
    k = await startKwokCluster(`cc-lease-${process.pid}`);
  }, 180_000);
  afterAll(async () => {
    await k?.delete();
  });

  it('when three replicas compete, then exactly one leads at any time; when it stops, another takes over without waiting out the lease', async () => {
    const config = new KubeConfig();
    config.loadFromFile(k.kubeconfig);
    const transitions: string[] = [];
    const errors: string[] = [];
    const electors = ['a', 'b', 'c'].map(
      (identity) =>
        new LeaderElector(config, {
          namespace: 'default',
          name: 'clusterchain-operator',
          identity,
          leaseDurationSeconds: 30, // long: a takeover within seconds proves the release, not an expiry
          retryPeriodMs: 200,
          onStartedLeading: () => transitions.push(`+${identity}`),
          onStoppedLeading: () => transitions.push(`-${identity}`),
          onError: (err) => errors.push(`${identity}: ${String((err as { body?: unknown }).body ?? (err as Error).message)}`.slice(0, 600)),
        }),
    );
    const leaders = () => electors.filter((e) => e.isLeader);
    try {
      for (const e of electors) e.start();
      await until('a leader', () => leaders().length === 1).catch((err: Error) => {
        throw new Error(`${err.message}; first errors: ${errors.slice(0, 2).join(' | ')}`);
      });
      // Hold for a dozen rounds: nobody else ever leads meanwhile.
      for (let i = 0; i < 12; i++) {
        await new Promise((r) => setTimeout(r, 200));
        expect(leaders()).toHaveLength(1);
      }
      const first = leaders()[0]!;
      const started = Date.now();
      await first.stop();
      await until('a new leader', () => leaders().length === 1 && leaders()[0] !== first, 10_000);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(transitions.filter((t) => t.startsWith('+'))).toHaveLength(2);
    } finally {
      for (const e of electors) await e.stop();
    }
    expect(leaders()).toHaveLength(0);
  });
});
