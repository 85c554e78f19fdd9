import { fromHex } from '../../../services/protocol/src/bytes.js';
import { signRosterChange, type RosterChange } from '../../../services/protocol/src/reception/admin.js';
import { AdminClientError, changeRoster, createLogicClient, unary, type LogicClient } from '../../../services/rpc/src/index.js';
import type { NetworkAgentOptions } from './networkAgent.js';

/** Another change may land between our read of the epoch and our request (a second pool, an exclusion): read and try again this often. */
const EPOCH_RACE_ATTEMPTS = 3;
/** Channels kept to LN leaders; past this the oldest is closed (a leader Pod that moved leaves its old address behind). */
const MAX_CHANNELS = 32;

/**
 * A roster change over gRPC at the cluster's LN leader: read the current epoch (GetRoster), sign
 * the change against it with the operator key, send it (ChangeRoster). The epoch in the signed
 * request makes it compare-and-swap, so a replayed request changes nothing once the epoch moved;
 * when our own read went stale, we read again.
 */
export function grpcRosterChange(timeoutMs: number): NetworkAgentOptions['changeRoster'] {
  const channels = new Map<string, LogicClient>();
  const clientFor = (address: string): LogicClient => {
    let client = channels.get(address);
    if (client === undefined) {
      client = createLogicClient(address);
      channels.set(address, client);
      if (channels.size > MAX_CHANNELS) {
        const [oldest, old] = channels.entries().next().value as [string, LogicClient];
        old.close();
        channels.delete(oldest);
      }
    }
    return client;
  };
  return async (leader, operatorKey, remove, add) => {
    const client = clientFor(leader.address);
    for (let attempt = 1; ; attempt++) {
      const current = await unary(client, 'getRoster', {}, timeoutMs);
      const change: RosterChange = { leader: leader.pubkey, expectEpoch: current.epoch, remove, add: add.map((m) => ({ pubkey: fromHex(m.pubkey), endpoint: m.endpoint })) };
      try {
        return (await changeRoster(client, change, signRosterChange(change, operatorKey), timeoutMs)).epoch;
      } catch (err) {
        if (!(err instanceof AdminClientError) || err.code !== 'EPOCH_MISMATCH' || attempt >= EPOCH_RACE_ATTEMPTS) throw err;
      }
    }
  };
}
