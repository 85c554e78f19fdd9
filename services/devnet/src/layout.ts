import { join } from 'node:path';

/** Where a devnet keeps everything, under one directory (default `.devnet/`). */
export function devnetLayout(dir: string) {
  return {
    dir,
    config: join(dir, 'devnet.json'),
    endpoints: join(dir, 'endpoints.json'),
    genesis: join(dir, 'genesis.json'),
    roster: join(dir, 'roster.json'),
    /** Funded accounts' keys: the wallet CLI finds them through endpoints.json. */
    keys: join(dir, 'keys'),
    /** Node identities (not accounts a user spends from). */
    nodeKeys: join(dir, 'node-keys'),
    logs: join(dir, 'logs'),
    pids: join(dir, 'pids.json'),
    logicData: join(dir, 'logic-0'),
  };
}
export type DevnetLayout = ReturnType<typeof devnetLayout>;

export interface DevnetConfig {
  chainId: string;
  receptionNodes: number;
  slotMs: number;
  batchMs: number;
  committeeSize: number;
  basePort: number;
  fundedAccounts: number;
}

/** Ports from one base so several devnets can run side by side: LN at base, RN i at base+100+i; HTTP +2000. */
export function portsOf(config: DevnetConfig) {
  return {
    logic: config.basePort,
    logicHttp: config.basePort + 2000,
    reception: (i: number) => config.basePort + 100 + i,
    receptionHttp: (i: number) => config.basePort + 2100 + i,
  };
}

/** The lowest and highest port a devnet of `config` listens on. */
export function portSpan(config: DevnetConfig): [number, number] {
  const ports = portsOf(config);
  return [ports.logic, ports.receptionHttp(config.receptionNodes - 1)];
}

/**
 * Why a devnet's ports must stay out of the kernel's ephemeral range (Linux:
 * /proc/sys/net/ipv4/ip_local_port_range): the nodes' own outgoing connections take local ports
 * from it, and a node cannot listen on a port an open connection holds (EADDRINUSE), so a devnet
 * there fails now and then at start. Returns the warning to print, or undefined when clear.
 */
export function ephemeralPortClash(span: [number, number], ephemeral: [number, number]): string | undefined {
  const [lo, hi] = span;
  if (hi < ephemeral[0] || lo > ephemeral[1]) return undefined;
  return (
    `ports ${lo}-${hi} overlap the kernel's ephemeral range ${ephemeral[0]}-${ephemeral[1]}: ` +
    `an outgoing connection may hold one of them and a node then cannot listen; choose a --base-port below ${ephemeral[0] - (hi - lo) - 1}`
  );
}

/** Parses /proc/sys/net/ipv4/ip_local_port_range ("32768\t60999"); undefined if unreadable. */
export function parsePortRange(text: string): [number, number] | undefined {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  return m === null ? undefined : [Number(m[1]), Number(m[2])];
}
