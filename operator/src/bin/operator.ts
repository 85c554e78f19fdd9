/**
 * The operator process: node dist/operator/src/bin/operator.js (configuration from the
 * environment, operator/src/config.ts). Every replica serves the Alertmanager webhook; only the
 * one holding the Lease reconciles. SIGINT/SIGTERM stop it cleanly and release the Lease.
 */
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { createLogger } from '../../../services/common/src/logger.js';
import { stopOnSignal } from '../../../services/common/src/stopOnSignal.js';
import { startOpsHttp } from '../../../services/rpc/src/opsHttp.js';
import { grpcRosterChange } from '../agents/grpcRoster.js';
import { NetworkAgent } from '../agents/networkAgent.js';
import { operatorEnv, tokenReader } from '../config.js';
import { createWebhookServer } from '../dos/webhookServer.js';
import { createOperatorMetrics, poolEventsOf } from '../metrics.js';
import { startOperator, type RunningOperator } from '../operator.js';
import { Kube } from '../runtime/kube.js';
import { LeaderElector } from '../runtime/leaderElector.js';

const parsed = operatorEnv.safeParse(process.env);
const log = createLogger('operator', parsed.success ? parsed.data.LOG_LEVEL : 'info');
if (!parsed.success) {
  log.fatal({ issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'invalid configuration');
  process.exit(2);
}
const env = parsed.data;

const kc = new KubeConfig();
if (env.KUBECONFIG) {
  if (!existsSync(env.KUBECONFIG)) {
    log.fatal({ KUBECONFIG: env.KUBECONFIG }, 'KUBECONFIG names a file that does not exist');
    process.exit(2);
  }
  kc.loadFromFile(env.KUBECONFIG);
} else if (process.env['KUBERNETES_SERVICE_HOST']) kc.loadFromCluster();
else {
  // Neither: loadFromCluster would give a client with no server, failing every call forever.
  log.fatal('no Kubernetes API to talk to: set KUBECONFIG, or run the operator in a cluster (its service account)');
  process.exit(2);
}
const kube = new Kube(kc);
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const metrics = createOperatorMetrics(registry);
const agent = new NetworkAgent(kube, { timeoutMs: env.CLUSTERCHAIN_AGENT_TIMEOUT_MS, changeRoster: grpcRosterChange(env.CLUSTERCHAIN_AGENT_TIMEOUT_MS) });

let running: RunningOperator | null = null;
let starting: Promise<void> = Promise.resolve();
const elector = new LeaderElector(kc, {
  namespace: env.CLUSTERCHAIN_OPERATOR_NAMESPACE,
  name: 'clusterchain-operator',
  identity: env.CLUSTERCHAIN_OPERATOR_IDENTITY,
  leaseDurationSeconds: env.CLUSTERCHAIN_LEASE_SECONDS,
  retryPeriodMs: Math.max(500, (env.CLUSTERCHAIN_LEASE_SECONDS * 1000) / 5),
  onStartedLeading: () => {
    log.info({ identity: env.CLUSTERCHAIN_OPERATOR_IDENTITY }, 'leading: starting the controllers');
    starting = starting.then(async () => {
      running = await startOperator({
        kube,
        log,
        nodeImage: env.CLUSTERCHAIN_NODE_IMAGE,
        agent,
        drainTimeoutMs: env.CLUSTERCHAIN_DRAIN_TIMEOUT_SECONDS * 1000,
        events: poolEventsOf(metrics),
        observeReconcile: (kind, outcome, seconds) => {
          metrics.reconciles.inc({ kind, outcome });
          metrics.reconcileSeconds.observe({ kind }, seconds);
        },
      });
      metrics.leader.set(1);
    });
  },
  onStoppedLeading: () => {
    log.warn('no longer leading: stopping the controllers');
    starting = starting.then(async () => {
      await running?.stop();
      running = null;
      metrics.leader.set(0);
    });
  },
  onError: (err) => log.warn({ err: (err as Error).message }, 'leader election round failed'),
});

const webhook = createWebhookServer({
  token: tokenReader(env.CLUSTERCHAIN_WEBHOOK_TOKEN_FILE),
  onAlerts: (alerts) => {
    for (const a of alerts) metrics.alerts.inc({ status: a.firing ? 'firing' : 'resolved' });
    if (running === null) return false;
    log.info({ alerts: alerts.length }, 'pool alerts received');
    running.alerts(alerts);
    return true;
  },
});
const [host, port] = [env.CLUSTERCHAIN_WEBHOOK_LISTEN.slice(0, env.CLUSTERCHAIN_WEBHOOK_LISTEN.lastIndexOf(':')), Number(env.CLUSTERCHAIN_WEBHOOK_LISTEN.split(':').pop())];
webhook.listen(port, host, () => log.info({ listen: env.CLUSTERCHAIN_WEBHOOK_LISTEN }, 'alertmanager webhook serving'));
const ops = await startOpsHttp({
  address: env.CLUSTERCHAIN_METRICS_LISTEN,
  registry,
  ready: () => true,
});
setInterval(() => metrics.queueDepth.set(running?.queueDepth() ?? 0), 1000).unref();
log.info({ listen: env.CLUSTERCHAIN_METRICS_LISTEN }, 'metrics serving');
elector.start();

stopOnSignal(
  {
    async stop() {
      await elector.stop(); // releases the Lease: a standby takes over at once
      await starting;
      await running?.stop();
      await new Promise<void>((r) => webhook.close(() => r()));
      await ops.close();
    },
  },
  log,
);
