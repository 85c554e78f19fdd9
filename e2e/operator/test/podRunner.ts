/**
 * A stand-in for the kubelet's container runtime, for e2e tests on kwok: kwok fakes a Pod's
 * status but runs nothing, so this runs the process a Pod of the node image describes, as a real
 * process on this machine at the Pod's (loopback) address. It does what the kubelet would for
 * our Pods and nothing more: environment (values, ConfigMap and Secret keys, the Pod's IP and
 * name), `$(VAR)` in arguments, ConfigMap/Secret/emptyDir/PVC volumes as directories, and a
 * Service's DNS name resolved to the address of a Pod it selects (what kube-proxy and DNS do).
 * A Pod deleted gets SIGTERM (SIGKILL after its grace period), like a kubelet stopping it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1ConfigMap, V1Container, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import type { Kube } from '../../../operator/src/runtime/kube.js';
import { ROOT } from './kwokCluster.js';

/** The node image's entrypoint (images/Dockerfile, target node): its first argument names the process. */
const ENTRYPOINTS: Record<string, string> = {
  reception: 'dist/services/reception/src/bin/receptionNode.js',
  logic: 'dist/services/logic/src/bin/logicNode.js',
};

interface Running {
  pod: string;
  child: ChildProcess;
  exited: boolean;
}

export class PodRunner {
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  /** Every launch, in order, for the test to read. */
  readonly launched: string[] = [];

  constructor(
    private readonly kube: Kube,
    private readonly namespace: string,
    private readonly dir: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sync(), 300);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.running.values()].map((r) => this.terminate(r, 5_000)));
    this.running.clear();
  }

  private async sync(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const pods = await this.kube.list<V1Pod>('v1', 'Pod', this.namespace, 'app.kubernetes.io/name=clusterchain');
      const live = new Map(pods.filter((p) => p.metadata?.deletionTimestamp === undefined).map((p) => [p.metadata?.uid as string, p]));
      for (const [uid, r] of this.running) {
        if (!live.has(uid)) {
          this.running.delete(uid);
          void this.terminate(r, 15_000);
        }
      }
      for (const [uid, pod] of live) {
        const r = this.running.get(uid);
        if ((r === undefined || r.exited) && pod.status?.podIP && pod.status.phase === 'Running') {
          try {
            this.running.set(uid, await this.launch(pod));
          } catch {
            // a ConfigMap, Secret or Service it needs is not there yet: next round
          }
        }
      }
    } catch {
      // the API server blinked: next round
    } finally {
      this.busy = false;
    }
  }

  private async launch(pod: V1Pod): Promise<Running> {
    const name = pod.metadata?.name as string;
    const ip = pod.status?.podIP as string;
    const container = pod.spec?.containers[0] as V1Container;
    if (!/(^|\/)clusterchain\/node:/.test(container.image ?? '')) throw new Error(`${name}: not the node image`);
    const env = await this.environment(pod, container, ip);
    const mounts = await this.volumes(pod, container);
    const args = (container.args ?? []).map((a) => this.rewrite(a.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (m, v: string) => env[v] ?? m), mounts, ip));
    const resolved = await Promise.all(args.map((a) => this.resolveServices(a)));
    const [kind, ...rest] = resolved;
    const script = ENTRYPOINTS[kind ?? ''];
    if (script === undefined) throw new Error(`${name}: unknown entrypoint ${kind}`);
    const log = createWriteStream(join(this.dir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [join(ROOT, script), ...rest], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const running: Running = { pod: name, child, exited: false };
    child.on('exit', () => (running.exited = true));
    this.launched.push(name);
    return running;
  }

  private async environment(pod: V1Pod, container: V1Container, ip: string): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const e of container.env ?? []) {
      if (e.value !== undefined) env[e.name] = e.value;
      else if (e.valueFrom?.configMapKeyRef) {
        const cm = await this.kube.read<V1ConfigMap>('v1', 'ConfigMap', this.namespace, e.valueFrom.configMapKeyRef.name as string);
        const v = cm?.data?.[e.valueFrom.configMapKeyRef.key];
        if (v === undefined) throw new Error(`ConfigMap key ${e.valueFrom.configMapKeyRef.key} missing`);
        env[e.name] = v;
      } else if (e.valueFrom?.secretKeyRef) {
        const s = await this.kube.read<V1Secret>('v1', 'Secret', this.namespace, e.valueFrom.secretKeyRef.name as string);
        const v = s?.data?.[e.valueFrom.secretKeyRef.key];
        if (v === undefined) throw new Error(`Secret key ${e.valueFrom.secretKeyRef.key} missing`);
        env[e.name] = Buffer.from(v, 'base64').toString('utf8');
      } else if (e.valueFrom?.fieldRef) {
        const path = e.valueFrom.fieldRef.fieldPath;
        env[e.name] = path === 'status.podIP' ? ip : path === 'metadata.name' ? (pod.metadata?.name as string) : path === 'metadata.namespace' ? this.namespace : '';
      }
    }
    return env;
  }

  /** Each mount as a directory: ConfigMap and Secret keys written as files, PVCs kept across restarts. */
  private async volumes(pod: V1Pod, container: V1Container): Promise<Map<string, string>> {
    const mounts = new Map<string, string>();
    for (const m of container.volumeMounts ?? []) {
      const v = pod.spec?.volumes?.find((x) => x.name === m.name);
      const claim = v?.persistentVolumeClaim?.claimName;
      const local = claim ? join(this.dir, 'pvc', claim) : join(this.dir, pod.metadata?.name as string, m.name);
      await mkdir(local, { recursive: true });
      if (v?.configMap) {
        const cm = await this.kube.read<V1ConfigMap>('v1', 'ConfigMap', this.namespace, v.configMap.name as string);
        if (cm === null) throw new Error(`ConfigMap ${v.configMap.name} missing`);
        for (const [k, text] of Object.entries(cm.data ?? {})) await writeFile(join(local, k), text);
      } else if (v?.secret) {
        const s = await this.kube.read<V1Secret>('v1', 'Secret', this.namespace, v.secret.secretName as string);
        if (s === null) throw new Error(`Secret ${v.secret.secretName} missing`);
        for (const [k, b64] of Object.entries(s.data ?? {})) await writeFile(join(local, k), Buffer.from(b64, 'base64'), { mode: 0o600 });
      }
      mounts.set(m.mountPath, local);
    }
    return mounts;
  }

  /** A path under a mount moves to its directory; a wildcard listen address becomes the Pod's own. */
  private rewrite(arg: string, mounts: Map<string, string>, ip: string): string {
    for (const [mountPath, local] of mounts) if (arg === mountPath || arg.startsWith(`${mountPath}/`)) return local + arg.slice(mountPath.length);
    return arg.startsWith('0.0.0.0:') ? `${ip}:${arg.slice('0.0.0.0:'.length)}` : arg;
  }

  /** `svc.ns.svc.cluster.local:port` → the address of a Pod the Service selects. */
  private async resolveServices(arg: string): Promise<string> {
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?(:[0-9]+)?$/.exec(arg);
    if (m === null) return arg;
    const svc = await this.kube.read<V1Service>('v1', 'Service', m[2] as string, m[1] as string);
    const selector = Object.entries(svc?.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    if (selector === '') throw new Error(`Service ${m[1]} selects nothing`);
    const pods = await this.kube.list<V1Pod>('v1', 'Pod', m[2] as string, selector);
    const ip = pods.find((p) => p.status?.podIP && p.metadata?.deletionTimestamp === undefined)?.status?.podIP;
    if (ip === undefined) throw new Error(`Service ${m[1]} has no Pod with an address yet`);
    return `${ip}${m[3] ?? ''}`;
  }

  private terminate(r: Running, graceMs: number): Promise<void> {
    if (r.exited) return Promise.resolve();
    return new Promise((done) => {
      const kill = setTimeout(() => r.child.kill('SIGKILL'), graceMs);
      r.child.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      r.child.kill('SIGTERM');
    });
  }
}
