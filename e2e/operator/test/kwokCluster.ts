/**
 * A throwaway Kubernetes control plane for end-to-end tests: `kwokctl` with the binary runtime,
 * every component from `make tools` (.tools/bin), listening on loopback only, kept out of
 * ~/.kube/config. Real etcd and kube-apiserver; kwok fakes the Nodes and Pods.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, '.tools/bin');
const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok', 'kwokctl'];

export interface KwokCluster {
  name: string;
  kubeconfig: string;
  kubectl(args: string[], input?: string): Promise<{ stdout: string; stderr: string }>;
  delete(): Promise<void>;
}

export async function startKwokCluster(name: string): Promise<KwokCluster> {
  const missing = COMPONENTS.filter((c) => !existsSync(join(BIN, c)));
  if (missing.length > 0) throw new Error(`${missing.join(', ')} not in .tools/bin: run 'make tools' first (make e2e does)`);
  const dir = await mkdtemp(join(tmpdir(), 'cc-kwok-'));
  // kwokctl runs the first kubectl on PATH: ours, so client and server versions match.
  const env = { ...process.env, PATH: `${BIN}:${process.env['PATH'] ?? ''}`, KWOK_KUBECTL_BINARY: join(BIN, 'kubectl'), KWOK_WORKDIR: join(dir, 'kwok') };
  const config = join(dir, 'kwokctl.yaml');
  await writeFile(
    config,
    [
      'apiVersion: config.kwok.x-k8s.io/v1alpha1',
      'kind: KwokctlConfiguration',
      'options:',
      '  runtime: binary',
      '  bindAddress: 127.0.0.1',
      ...['etcd', 'kubeApiserver', 'kubeControllerManager', 'kubeScheduler', 'kwokController', 'kubectl'].map(
        (k, i) => `  ${k}Binary: ${join(BIN, ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl'][i] as string)}`,
      ),
      '',
    ].join('\n'),
  );
  const kwokctl = (args: string[]) => run(join(BIN, 'kwokctl'), ['--name', name, ...args], { env, maxBuffer: 16 << 20 });
  await kwokctl(['--config', config, 'create', 'cluster', '--kubeconfig', '', '--wait', '120s']);
  const kubeconfig = join(dir, 'kubeconfig.yaml');
  await writeFile(kubeconfig, (await kwokctl(['get', 'kubeconfig'])).stdout);
  return {
    name,
    kubeconfig,
    kubectl: (args, input) =>
      new Promise((done, fail) => {
        const child = execFile(join(BIN, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], { env, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
          err ? fail(Object.assign(err, { stdout, stderr })) : done({ stdout, stderr }),
        );
        if (input !== undefined) child.stdin?.end(input);
      }),
    async delete() {
      await kwokctl(['delete', 'cluster']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Pod CIDR on loopback for a fake Node: kwok gives Pods addresses from their Node's podCIDR
 * (else from 10.0.0.0/24), and the operator calls Pods at their addresses. On loopback, a call to
 * a Pod that runs nothing is refused at once, and no packet ever leaves the machine.
 */
export function loopbackPodCIDR(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `127.${100 + (h % 100)}.${(h >>> 8) & 255}.0/24`;
}

/** A fake Node kwok keeps Ready, with the NIC label logic nodes select on. */
export const fakeNode = (name: string, nicGbps: number) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  annotations: {kwok.x-k8s.io/node: fake}
  labels: {kubernetes.io/hostname: ${name}, kubernetes.io/os: linux, type: kwok, clusterchain.io/nic-gbps: "${nicGbps}"}
spec: {podCIDR: ${loopbackPodCIDR(name)}}
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
`;

/** No storage provisioner in a kwok cluster: a volume a logic node's claim can bind to, as an admin would make. */
export const volume = `apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-ln-0}
spec:
  capacity: {storage: 100Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: /var/lib/clusterchain-e2e}
`;

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A rented market machine (DESIGN §8, §11): tainted, labelled with its offer, annotated with its window's end. */
export function marketNode(name: string, offer: { reputation?: number; cores?: number; memoryMiB?: number; bandwidthMbps?: number; windowEnd: Date; podCIDR?: string }): string {
  return `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  annotations: {kwok.x-k8s.io/node: fake, clusterchain.io/window-end: "${offer.windowEnd.toISOString()}"}
  labels:
    kubernetes.io/hostname: ${name}
    kubernetes.io/os: linux
    type: kwok
    clusterchain.io/market: "true"
    clusterchain.io/reputation: "${offer.reputation ?? 80}"
    clusterchain.io/cores: "${offer.cores ?? 8}"
    clusterchain.io/memory-mib: "${offer.memoryMiB ?? 16384}"
    clusterchain.io/bandwidth-mbps: "${offer.bandwidthMbps ?? 10000}"
spec:
  taints: [{key: clusterchain.io/market, value: "true", effect: NoSchedule}]
  podCIDR: ${offer.podCIDR ?? loopbackPodCIDR(name)}
status:
  allocatable: {cpu: "${offer.cores ?? 8}", memory: ${offer.memoryMiB ?? 16384}Mi, pods: "110"}
  capacity: {cpu: "${offer.cores ?? 8}", memory: ${offer.memoryMiB ?? 16384}Mi, pods: "110"}
`;
}

const CRD_NAMES = ['chainspaces', 'clusters', 'receptionpools', 'logicnodes'].map((p) => `crd/${p}.clusterchain.io`);

/** Our CRDs (crds/) installed and Established. */
export async function installCrds(k: KwokCluster): Promise<void> {
  await k.kubectl(['apply', '-f', join(ROOT, 'crds')]);
  await k.kubectl(['wait', '--for', 'condition=Established', '--timeout', '60s', ...CRD_NAMES]);
}

/** A namespace Pods can be made in: the controller manager has given it its default ServiceAccount. */
export async function createNamespace(k: KwokCluster, name: string): Promise<void> {
  await k.kubectl(['create', 'namespace', name]);
  await k.kubectl(['wait', '--for=create', `serviceaccount/default`, '-n', name, '--timeout=60s']);
}

/**
 * The control plane most suites start from: our CRDs installed, `objects` (Nodes, volumes:
 * YAML documents) applied, and the namespace `chain` ready for Pods. A failed step deletes the
 * cluster again, so a suite whose beforeAll threw leaves nothing running.
 */
export async function startChainControlPlane(name: string, objects: readonly string[]): Promise<KwokCluster> {
  const k = await startKwokCluster(name);
  try {
    await installCrds(k);
    if (objects.length > 0) await k.kubectl(['apply', '-f', '-'], objects.join('---\n'));
    await createNamespace(k, 'chain');
    return k;
  } catch (err) {
    await k.delete();
    throw err;
  }
}
