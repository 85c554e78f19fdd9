/**
 * The Helm chart (charts/clusterchain) on a real API server (kwok): checked offline against
 * schemas made from this very control plane, installed the way a user would, its RBAC proven by
 * running the operator process under the chart's ServiceAccount through a whole chain's life, then
 * upgraded and uninstalled. kwok fakes the operator's own Pods (no image is pulled); the process
 * under test is the compiled operator (dist/), as in operatorProcess.e2e.test.ts.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { operatorEnv } from '../../../operator/src/config.js';
import { ROOT, fakeNode, marketNode, startKwokCluster, until, type KwokCluster } from './kwokCluster.js';

const run = promisify(execFile);
const BIN = join(ROOT, '.tools/bin');
const CHART = join(ROOT, 'charts/clusterchain');
const EXAMPLE = join(CHART, 'examples/three-clusters.yaml');
const RELEASE = 'clusterchain';
const NS = 'clusterchain-system';
const CHAIN_NS = 'chain';
const SA = `system:serviceaccount:${NS}:clusterchain-operator`;
/** The control plane's version, from where make tools pins it. */
const kubeVersion = async () => /^KUBE_VERSION=(v[0-9.]+)/m.exec(await readFile(join(ROOT, 'scripts/tools.sh'), 'utf8'))?.[1] ?? 'unknown';
const CRD_NAMES = ['chainspaces', 'clusters', 'logicnodes', 'receptionpools'].map((p) => `${p}.clusterchain.io`);

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}
interface Container {
  env: EnvVar[];
  securityContext: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts: { name: string; mountPath: string }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
}
interface PodSpecLike {
  serviceAccountName: string;
  securityContext: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  volumes: { name: string; emptyDir?: object; secret?: { secretName: string } }[];
}

const docs = (text: string): K8sObject[] => parseAllDocuments(text).flatMap((d) => (d.toJS() ? [d.toJS() as K8sObject] : []));
const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => done(port));
    });
  });

describe('the Helm chart on a real API server', () => {
  let k: KwokCluster;
  let dir: string;
  let schemas: string;
  let operator: ChildProcess | undefined;
  let output = '';
  const helmEnv = () => ({ ...process.env, HELM_CONFIG_HOME: join(dir, 'helm/config'), HELM_CACHE_HOME: join(dir, 'helm/cache'), HELM_DATA_HOME: join(dir, 'helm/data') });
  const helm = (args: string[]) => run(join(BIN, 'helm'), ['--kubeconfig', k.kubeconfig, ...args], { env: helmEnv(), maxBuffer: 16 << 20 });
  const getJson = async <T = K8sObject>(args: string[]): Promise<T> => JSON.parse((await k.kubectl(['get', ...args, '-o', 'json'])).stdout) as T;
  /** `kubectl auth can-i` as the chart's ServiceAccount: exit 0 is yes, 1 is no. */
  const canI = async (args: string[]): Promise<boolean> => {
    try {
      await k.kubectl(['auth', 'can-i', ...args, '--as', SA]);
      return true;
    } catch (err) {
      if ((err as { stdout?: string }).stdout?.trim().startsWith('no')) return false;
      throw err;
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-chart-'));
    k = await startKwokCluster(`cc-chart-${process.pid}`);
    // The core schemas come from this API server's own OpenAPI, into the cache make test reads too.
    schemas = (await run(process.execPath, [join(ROOT, 'scripts/kube-schemas.mjs'), 'core', '--kubeconfig', k.kubeconfig])).stdout.trim();
    // Room for the operator's two replicas (kwok runs their Pods), the logic nodes and the slots.
    const windowEnd = new Date(Date.now() + 6 * 3600_000);
    await k.kubectl(['apply', '-f', '-'], [fakeNode('chart-ten-gbe', 10), ...[1, 2, 3].map((i) => marketNode(`chart-market-${i}`, { windowEnd }))].join('---\n'));
    // No provisioner in kwok: a volume for each logic node's claim, as an admin would make.
    const volumes = [0, 1, 2].map(
      (i) => `apiVersion: v1
kind: PersistentVolume
metadata: {name: chart-pv-${i}}
spec:
  capacity: {storage: 100Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: /var/lib/clusterchain-chart-e2e-${i}}
`,
    );
    await k.kubectl(['apply', '-f', '-'], volumes.join('---\n'));
  }, 180_000);

  afterAll(async () => {
    if (operator && operator.exitCode === null) operator.kill('SIGKILL');
    await k?.delete();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('when checked offline, then helm lint, helm template and kubeconform -strict pass for every values set, against this API server’s schemas and the CRDs’ own', async () => {
    const { stdout } = await run('bash', [join(ROOT, 'scripts/chart-check.sh')], {
      env: { ...helmEnv(), KUBE_SCHEMAS_DIR: schemas, CHART_CHECK_REQUIRE_SCHEMAS: '1', CHART_CHECK_REQUIRE_TOOLS: '1' },
      maxBuffer: 16 << 20,
    });
    expect(stdout).toContain('helm lint + template (default values)');
    expect(stdout).toContain('helm lint + template (full-values values)');
    expect(stdout).not.toContain('SKIPPED');
    expect(stdout.trim().split('\n').pop()).toBe('chart-check: ok');
  });

  it('when rendered, then the CRDs are crds/ kept on uninstall, and the operator gets exactly config.ts’s variables, valid, as a non-root Pod with a read-only root filesystem', async () => {
    const rendered = docs((await run(join(BIN, 'helm'), ['template', RELEASE, CHART, '-n', NS, '--kube-version', await kubeVersion()], { env: helmEnv(), maxBuffer: 16 << 20 })).stdout);
    for (const name of CRD_NAMES) {
      const crd = rendered.find((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name === name);
      const source = parseYaml(await readFile(join(ROOT, 'crds', `${name}.yaml`), 'utf8')) as K8sObject;
      expect(crd?.spec).toEqual(source.spec);
      expect(crd?.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    }

    const deployment = rendered.find((o) => o.kind === 'Deployment') as K8sObject & { spec: { replicas: number; template: { spec: PodSpecLike } } };
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers as [Container];
    const names = container.env.map((e) => e.name).sort();
    expect(names).toEqual(Object.keys(operatorEnv.shape).filter((n) => n !== 'KUBECONFIG').sort());
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value ?? (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name' ? 'clusterchain-operator-abc-xyz' : undefined)]));
    const parsed = operatorEnv.parse(env);
    expect(parsed).toMatchObject({ CLUSTERCHAIN_OPERATOR_NAMESPACE: NS, CLUSTERCHAIN_NODE_IMAGE: 'clusterchain/node:0.1.0', CLUSTERCHAIN_WEBHOOK_LISTEN: '0.0.0.0:9443', CLUSTERCHAIN_METRICS_LISTEN: '0.0.0.0:8080' });
    expect(container.env.find((e) => e.name === 'CLUSTERCHAIN_OPERATOR_IDENTITY')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    // The token file is in the mounted webhook Secret.
    const tokenMount = container.volumeMounts.find((m) => parsed.CLUSTERCHAIN_WEBHOOK_TOKEN_FILE?.startsWith(`${m.mountPath}/`));
    expect(pod.volumes.find((v) => v.name === tokenMount?.name)?.secret?.secretName).toBe('clusterchain-operator-webhook-token');
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.volumes.find((v) => v.name === container.volumeMounts.find((m) => m.mountPath === '/tmp')?.name)?.emptyDir).toBeDefined();
    expect([container.livenessProbe.httpGet, container.readinessProbe.httpGet]).toEqual([
      { path: '/healthz', port: 'metrics' },
      { path: '/readyz', port: 'metrics' },
    ]);
    const metrics = rendered.find((o) => o.kind === 'Service' && (o.spec?.['ports'] as { name: string }[]).some((p) => p.name === 'metrics'));
    expect(metrics?.metadata.labels?.['app.kubernetes.io/component']).toBe('operator');
  });

  it('when the CRDs were applied with kubectl before, then helm install refuses them until adopted as README.md says, and then runs the operator Pods Ready with the CRDs Established', async () => {
    await k.kubectl(['apply', '-f', join(ROOT, 'crds')]);
    await expect(helm(['install', RELEASE, CHART, '-n', NS, '--create-namespace'])).rejects.toMatchObject({ stderr: expect.stringContaining('invalid ownership metadata') });
    // README.md, "CRDs installed before the chart".
    await k.kubectl(['annotate', '--overwrite', 'crd', ...CRD_NAMES, `meta.helm.sh/release-name=${RELEASE}`, `meta.helm.sh/release-namespace=${NS}`]);
    await k.kubectl(['label', '--overwrite', 'crd', ...CRD_NAMES, 'app.kubernetes.io/managed-by=Helm']);
    await helm(['install', RELEASE, CHART, '-n', NS, '--create-namespace', '--wait', '--timeout', '120s']);

    await k.kubectl(['wait', '--for', 'condition=Established', '--timeout', '60s', ...CRD_NAMES.map((n) => `crd/${n}`)]);
    const pods = await getJson<{ items: { spec: { serviceAccountName: string }; status: { conditions?: { type: string; status: string }[] } }[] }>(['pods', '-n', NS, '-l', 'app.kubernetes.io/component=operator']);
    expect(pods.items).toHaveLength(2);
    for (const p of pods.items) {
      expect(p.spec.serviceAccountName).toBe('clusterchain-operator');
      expect(p.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
    const pdb = await getJson(['pdb', 'clusterchain-operator', '-n', NS]);
    expect(pdb.spec?.['maxUnavailable']).toBe(1);
  });

  it('when installed, then its ServiceAccount may do every verb the operator uses, in any namespace, and nothing it must not', async () => {
    const allowed: string[][] = [
      ...['chainspaces', 'clusters', 'receptionpools'].flatMap((r) => ['get', 'list', 'watch', 'patch'].map((v) => [v, `${r}.clusterchain.io`])),
      ...['get', 'list', 'watch', 'create', 'patch', 'delete'].map((v) => [v, 'logicnodes.clusterchain.io']),
      ...['chainspaces', 'clusters', 'receptionpools', 'logicnodes'].flatMap((r) => [
        ['update', `${r}.clusterchain.io`, '--subresource=status'],
        ['update', `${r}.clusterchain.io`, '--subresource=finalizers'],
      ]),
      ...['get', 'list', 'watch', 'create', 'patch', 'delete'].map((v) => [v, 'pods']),
      ...['get', 'create', 'patch', 'delete'].map((v) => [v, 'configmaps']),
      ...['get', 'list', 'create', 'delete'].map((v) => [v, 'secrets']),
      ...['get', 'create', 'patch', 'delete'].map((v) => [v, 'services']),
      ...['get', 'create', 'patch', 'delete'].map((v) => [v, 'leases.coordination.k8s.io']),
      ...['get', 'list', 'watch', 'create', 'patch'].map((v) => [v, 'statefulsets.apps']),
      ...['get', 'create', 'patch', 'delete'].map((v) => [v, 'poddisruptionbudgets.policy']),
    ];
    const forbidden: string[][] = [
      ['watch', 'secrets'],
      ['update', 'secrets'],
      ['patch', 'secrets'],
      ['create', 'chainspaces.clusterchain.io'],
      ['delete', 'clusters.clusterchain.io'],
      ['update', 'receptionpools.clusterchain.io'],
      ['patch', 'receptionpools.clusterchain.io', '--subresource=status'],
      ['update', 'leases.coordination.k8s.io/clusterchain-operator'],
      ['delete', 'statefulsets.apps'],
      ['create', 'persistentvolumeclaims'],
      ['create', 'events'],
      ['watch', 'poddisruptionbudgets.policy'],
      ['create', 'pods', '--subresource=exec'],
      ['get', 'pods', '--subresource=log'],
      ['create', 'rolebindings.rbac.authorization.k8s.io'],
      ['*', '*'],
    ];
    const clusterWide: [string[], boolean][] = [
      [['list', 'nodes'], true],
      [['watch', 'nodes'], true],
      [['patch', 'nodes'], true],
      [['delete', 'nodes'], false],
      [['create', 'nodes'], false],
      [['update', 'nodes'], false],
      [['watch', 'secrets', '--all-namespaces'], false],
      [['list', 'pods', '--all-namespaces'], true],
      [['watch', 'statefulsets.apps', '--all-namespaces'], true],
      [['watch', 'clusters.clusterchain.io', '--all-namespaces'], true],
      [['update', 'customresourcedefinitions.apiextensions.k8s.io'], false],
      // The leader Lease: its own, in the release namespace only.
      [['get', 'leases.coordination.k8s.io/clusterchain-operator', '-n', NS], true],
      [['update', 'leases.coordination.k8s.io/clusterchain-operator', '-n', NS], true],
      [['create', 'leases.coordination.k8s.io', '-n', NS], true],
      [['update', 'leases.coordination.k8s.io/another-lease', '-n', NS], false],
    ];
    const cases: [string[], boolean][] = [...allowed.map((a): [string[], boolean] => [[...a, '-n', CHAIN_NS], true]), ...forbidden.map((f): [string[], boolean] => [[...f, '-n', CHAIN_NS], false]), ...clusterWide];
    const answers = await Promise.all(cases.map(async ([args, want]) => ({ check: args.join(' '), want, got: await canI(args) })));
    expect(answers.filter((a) => a.got !== a.want)).toEqual([]);
  });

  it('when the operator runs under the chart’s ServiceAccount, then it leads through the chart’s Lease, runs the three-cluster example, scales a pool on an alert with the chart’s token, tears the chain down, and is never refused', async () => {
    // The ServiceAccount's own token, in a kubeconfig of its own: no admin credentials left in it.
    const token = (await k.kubectl(['create', 'token', 'clusterchain-operator', '-n', NS, '--duration', '1h'])).stdout.trim();
    const { clusters } = JSON.parse((await k.kubectl(['config', 'view', '--raw', '--minify', '-o', 'json'])).stdout) as { clusters: [{ cluster: { server: string; 'certificate-authority-data': string } }] };
    const saKubeconfig = join(dir, 'operator-sa.kubeconfig');
    await writeFile(
      saKubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'kwok', cluster: clusters[0].cluster }],
        users: [{ name: 'operator-sa', user: { token } }],
        contexts: [{ name: 'operator-sa', context: { cluster: 'kwok', user: 'operator-sa' } }],
        'current-context': 'operator-sa',
      }),
    );
    const whoami = await run(join(BIN, 'kubectl'), ['--kubeconfig', saKubeconfig, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    expect(whoami.stdout).toBe(SA);

    // The environment the chart gives the operator, as installed; the listeners on loopback, the
    // webhook token file as the Secret's volume would hold it.
    const deployment = await getJson<{ spec: { template: { spec: PodSpecLike } } }>(['deployment', 'clusterchain-operator', '-n', NS]);
    const env: Record<string, string> = {};
    for (const e of (deployment.spec.template.spec.containers[0] as Container).env) env[e.name] = e.value ?? (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name' ? 'chart-e2e-operator' : '');
    const secret = await getJson(['secret', 'clusterchain-operator-webhook-token', '-n', NS]);
    const webhookToken = Buffer.from(secret.data?.['token'] ?? '', 'base64').toString('utf8');
    expect(webhookToken).toMatch(/^[A-Za-z0-9]{48}$/);
    const tokenFile = join(dir, 'webhook-token');
    await writeFile(tokenFile, webhookToken);
    const webhookPort = await freePort();
    operator = spawn(process.execPath, [join(ROOT, 'dist/operator/src/bin/operator.js')], {
      env: { ...process.env, ...env, KUBECONFIG: saKubeconfig, CLUSTERCHAIN_WEBHOOK_TOKEN_FILE: tokenFile, CLUSTERCHAIN_WEBHOOK_LISTEN: `127.0.0.1:${webhookPort}`, CLUSTERCHAIN_METRICS_LISTEN: '127.0.0.1:0', CLUSTERCHAIN_LEASE_SECONDS: '5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    operator.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    operator.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await until('the operator to lead', async () => (output.includes('leading: starting the controllers') ? true : undefined), 30_000);
    expect((await getJson(['lease', 'clusterchain-operator', '-n', NS])).spec?.['holderIdentity']).toBe('chart-e2e-operator');

    await k.kubectl(['create', 'namespace', CHAIN_NS]);
    await k.kubectl(['apply', '-n', CHAIN_NS, '-f', EXAMPLE]);
    let seen = '';
    await until(
      'the chain to be Ready: 3 logic nodes Running, 3 pools of 8 Ready slots',
      async () => {
        const cs = await getJson(['chainspace', 'tri', '-n', CHAIN_NS]);
        const lns = await getJson<{ items: K8sObject[] }>(['logicnodes', '-n', CHAIN_NS]);
        const pools = await getJson<{ items: K8sObject[] }>(['receptionpools', '-n', CHAIN_NS]);
        const clusters = await getJson<{ items: K8sObject[] }>(['clusters', '-n', CHAIN_NS]);
        seen = JSON.stringify({ chainSpace: cs.status, clusters: clusters.items.map((c) => c.status), logicNodes: lns.items.map((l) => l.status?.['phase']), pools: pools.items.map((p) => [p.status?.['phase'], p.status?.['readyReplicas']]) });
        const ok = cs.status?.['phase'] === 'Ready' && cs.status['readyClusters'] === 3 && lns.items.filter((l) => l.status?.['phase'] === 'Running').length === 3 && pools.items.filter((p) => p.status?.['readyReplicas'] === 8).length === 3;
        return ok ? true : undefined;
      },
      90_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nlast seen: ${seen}\noperator said (last 3000 characters): ${output.slice(-3000)}`);
    });

    // DoS: Alertmanager's call with the chart's token scales pool-a by its step (8 -> 12).
    const alert = (authorization: string) =>
      fetch(`http://127.0.0.1:${webhookPort}/alertmanager`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ version: '4', status: 'firing', alerts: [{ status: 'firing', labels: { namespace: CHAIN_NS, clusterchain_io_reception_pool: 'pool-a', dos: 'true' }, fingerprint: 'chart-e2e', startsAt: new Date().toISOString() }] }),
      });
    await until('the webhook to read the token file', async () => ((await alert('Bearer wrong')).status === 401 && (await alert(`Bearer ${webhookToken}`)).status === 200 ? true : undefined), 30_000);
    await until('pool-a to scale to 12 Ready slots', async () => {
      const pool = await getJson(['receptionpool', 'pool-a', '-n', CHAIN_NS]);
      return pool.spec?.['replicas'] === 12 && pool.status?.['readyReplicas'] === 12 ? true : undefined;
    });

    // Teardown through the finalizers: everything the operator made goes with the chain.
    await k.kubectl(['delete', '-n', CHAIN_NS, '-f', EXAMPLE, '--timeout', '90s']);
    await until('nothing the operator made to be left', async () => {
      const left = await getJson<{ items: K8sObject[] }>(['pods,statefulsets,services,configmaps,secrets,leases', '-n', CHAIN_NS, '-l', 'app.kubernetes.io/name=clusterchain']);
      return left.items.length === 0 ? true : undefined;
    });

    const exited = new Promise<number | null>((r) => operator?.once('exit', r));
    operator.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect((await getJson(['lease', 'clusterchain-operator', '-n', NS])).spec?.['holderIdentity'] ?? '').toBe('');
    // Retried conflicts are normal; a refusal by RBAC ("<resource> is forbidden: User ...", 403) is a missing rule.
    expect(output).not.toMatch(/HTTP-Code: 403|is forbidden: User/);
  }, 240_000);

  it('when upgraded, then the webhook token stays and a changed CRD follows the chart; when uninstalled, then the CRDs stay', async () => {
    const tokenOf = async () => (await getJson(['secret', 'clusterchain-operator-webhook-token', '-n', NS])).data?.['token'];
    const before = await tokenOf();

    // A next chart version whose CRD gained a short name: `helm upgrade` carries it to the cluster.
    const next = join(dir, 'chart-next');
    await cp(CHART, next, { recursive: true });
    const crdFile = join(next, 'files-crds/clusters.clusterchain.io.yaml');
    await writeFile(crdFile, (await readFile(crdFile, 'utf8')).replace(/shortNames:\n(\s+)- ccl\n/, 'shortNames:\n$1- ccl\n$1- ccnext\n'));
    await helm(['upgrade', RELEASE, next, '-n', NS, '--wait', '--timeout', '120s', '--set', 'operator.logLevel=debug']);
    expect((await getJson<{ spec: { names: { shortNames: string[] } } }>(['crd', 'clusters.clusterchain.io'])).spec.names.shortNames).toEqual(['ccl', 'ccnext']);
    expect(await tokenOf()).toBe(before);
    const env = (await getJson<{ spec: { template: { spec: PodSpecLike } } }>(['deployment', 'clusterchain-operator', '-n', NS])).spec.template.spec.containers[0]?.env;
    expect(env?.find((e) => e.name === 'LOG_LEVEL')?.value).toBe('debug');

    await helm(['upgrade', RELEASE, CHART, '-n', NS, '--wait', '--timeout', '120s']);
    expect((await getJson<{ spec: { names: { shortNames: string[] } } }>(['crd', 'clusters.clusterchain.io'])).spec.names.shortNames).toEqual(['ccl']);
    expect(await tokenOf()).toBe(before);

    await helm(['uninstall', RELEASE, '-n', NS, '--wait']);
    const crds = await getJson<{ items: K8sObject[] }>(['crd', '-l', 'app.kubernetes.io/part-of=clusterchain']);
    expect(crds.items.map((c) => c.metadata.name).sort()).toEqual(CRD_NAMES);
    await expect(k.kubectl(['get', 'deployment', 'clusterchain-operator', '-n', NS])).rejects.toMatchObject({ stderr: expect.stringContaining('NotFound') });
  });
});
