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
