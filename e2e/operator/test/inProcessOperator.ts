import { pino } from 'pino';
import { grpcRosterChange } from '../../../operator/src/agents/grpcRoster.js';
import { NetworkAgent } from '../../../operator/src/agents/networkAgent.js';
import { startOperator, type OperatorConfig, type RunningOperator } from '../../../operator/src/operator.js';
import { Kube } from '../../../operator/src/runtime/kube.js';

/** The operator's controllers in the test process, against a kwok cluster, wired as bin/operator.ts wires them. */
export function startInProcessOperator(kubeconfig: string, over: Partial<OperatorConfig> = {}): Promise<RunningOperator> {
  const kube = Kube.fromFile(kubeconfig);
  return startOperator({
    kube,
    log: pino({ level: process.env['E2E_LOG'] ?? 'silent' }),
    nodeImage: 'clusterchain/node:e2e',
    // kwok hands Pods addresses from each Node's podCIDR, which these tests keep on loopback; the
    // agent refuses anything else, so no test ever sends a packet off this machine.
    agent: new NetworkAgent(kube, { timeoutMs: 500, allowAddress: (ip) => ip.startsWith('127.'), changeRoster: grpcRosterChange(2000) }),
    drainTimeoutMs: 2000,
    ...over,
  });
}
