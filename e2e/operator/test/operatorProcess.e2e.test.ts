/**
 * The operator as it ships: the compiled process, configured by its environment, against a real
 * API server (kwok). It takes the Lease, reconciles a LogicNode, and on SIGTERM exits 0 and
 * releases the Lease for a standby.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fakeNode, type KwokCluster, ROOT, startChainControlPlane, until, volume } from './kwokCluster.js';

describe('the operator process on a real API server', () => {
  let k: KwokCluster;
  let operator: ChildProcess;
  let output = '';

  beforeAll(async () => {
    k = await startChainControlPlane(`cc-op-${process.pid}`, [fakeNode('ten-gbe', 10), volume]);
    operator = spawn(process.execPath, [join(ROOT, 'dist/operator/src/bin/operator.js')], {
      env: { ...process.env, KUBECONFIG: k.kubeconfig, CLUSTERCHAIN_OPERATOR_NAMESPACE: 'default', CLUSTERCHAIN_OPERATOR_IDENTITY: 'op-a', CLUSTERCHAIN_LEASE_SECONDS: '5', CLUSTERCHAIN_WEBHOOK_LISTEN: '127.0.0.1:0', CLUSTERCHAIN_METRICS_LISTEN: '127.0.0.1:0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    operator.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    operator.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  }, 180_000);

  afterAll(async () => {
    if (operator && operator.exitCode === null) operator.kill('SIGKILL');
    await k?.delete();
  });

  it('when started, then it leads, reconciles the example LogicNode, and on SIGTERM exits 0 leaving the Lease free', async () => {
    await until('the operator to lead', async () => (output.includes('leading: starting the controllers') ? true : undefined), 30_000);
    await k.kubectl(['apply', '-f', join(ROOT, 'operator/examples/one-cluster.yaml')]);
    await until('the LogicNode to run', async () => {
      const ln = JSON.parse((await k.kubectl(['get', 'logicnode', 'cluster-a-ln-0', '-n', 'chain', '-o', 'json'])).stdout) as { status?: { phase?: string } };
      return ln.status?.phase === 'Running' ? true : undefined;
    });
    const holder = JSON.parse((await k.kubectl(['get', 'lease', 'clusterchain-operator', '-n', 'default', '-o', 'json'])).stdout) as { spec: { holderIdentity: string } };
    expect(holder.spec.holderIdentity).toBe('op-a');

    const exited = new Promise<number | null>((r) => operator.once('exit', r));
    operator.kill('SIGTERM');
    expect(await exited).toBe(0);
    const released = JSON.parse((await k.kubectl(['get', 'lease', 'clusterchain-operator', '-n', 'default', '-o', 'json'])).stdout) as { spec: { holderIdentity?: string } };
    expect(released.spec.holderIdentity ?? '').toBe('');
  });

  it('when its configuration is invalid, then it refuses to start with exit code 2 and says which setting', async () => {
    const bad = spawn(process.execPath, [join(ROOT, 'dist/operator/src/bin/operator.js')], { env: { ...process.env, KUBECONFIG: k.kubeconfig, CLUSTERCHAIN_LEASE_SECONDS: 'soon' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    bad.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    expect(await new Promise((r) => bad.once('exit', r))).toBe(2);
    expect(out).toContain('CLUSTERCHAIN_LEASE_SECONDS');
  });

  it.each([
    ['a KUBECONFIG that does not exist', { KUBECONFIG: '/nonexistent/kubeconfig' }, 'KUBECONFIG names a file that does not exist'],
    ['neither a KUBECONFIG nor a cluster around it', {}, 'no Kubernetes API to talk to'],
  ])('when it has %s, then it refuses to start with exit code 2 and says so', async (_what, extra, message) => {
    const env: Record<string, string | undefined> = { ...process.env, ...extra };
    if (!('KUBECONFIG' in extra)) delete env['KUBECONFIG'];
    delete env['KUBERNETES_SERVICE_HOST'];
    const bad = spawn(process.execPath, [join(ROOT, 'dist/operator/src/bin/operator.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    bad.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    expect(await new Promise((r) => bad.once('exit', r))).toBe(2);
    expect(out).toContain(message);
  });
});
