import { status } from '@grpc/grpc-js';
import { publicKeyOf } from '../../protocol/src/keys.js';
import { signRosterChange, type RosterChange } from '../../protocol/src/reception/admin.js';
import { Misconduct } from '../../protocol/src/reception/exclusion.js';
import { openSignedRoster } from '../../protocol/src/reception/roster.js';
import { secretKey, verifier } from '../../protocol/test/support/receptionFixture.js';
import { AdminClientError, changeRoster, unary, type Roster } from '../../rpc/src/index.js';
import { LEADER_KEY, startNodeHarness, type NodeHarness } from './nodeFixture.js';

const OPERATOR_KEY = secretKey(31337);
const ADMIN = { adminPubkey: publicKeyOf(OPERATOR_KEY) };
const LEADER = publicKeyOf(LEADER_KEY);
const successor = { pubkey: publicKeyOf(secretKey(5000)), endpoint: '10.0.0.50:7101' };

function signed(change: RosterChange, key = OPERATOR_KEY): [RosterChange, Uint8Array] {
  return [change, signRosterChange(change, key)];
}

/** The refusal of a call, as code and gRPC status (and the epoch an EPOCH_MISMATCH names). */
async function refusal(run: Promise<unknown>): Promise<{ code: string; grpc: number | undefined; currentEpoch?: bigint }> {
  const err = await run.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof AdminClientError)) throw err;
  return { code: err.code, grpc: err.meta.grpcStatus, ...(err.meta.currentEpoch === undefined ? {} : { currentEpoch: err.meta.currentEpoch }) };
}

async function changesCounted(h: NodeHarness, outcome: string): Promise<number> {
  const m = await h.running.registry.getSingleMetric('clusterchain_logic_roster_changes_total')!.get();
  return m.values.filter((v) => v.labels['outcome'] === outcome).reduce((s, v) => s + v.value, 0);
}

describe('ChangeRoster at a logic node leader (DESIGN §11)', () => {
  let h: NodeHarness;
  beforeEach(async () => {
    h = await startNodeHarness(1, 10, ADMIN);
  });
  afterEach(async () => {
    await h.close();
  });

  it('when the operator swaps a member for its successor, then epoch+1 is published once, WatchRoster subscribers get it signed by the leader, and it survives a restart', async () => {
    const seen: Roster[] = [];
    const watch = h.client.watchRoster({});
    watch.on('data', (r: Roster) => seen.push(r));
    watch.on('error', () => undefined);
    const old = h.cluster.roster.members[3]!;
    expect(await changeRoster(h.client, ...signed({ leader: LEADER, expectEpoch: 1n, remove: [old.pubkey], add: [successor] }))).toEqual({ epoch: 2n, changed: true });

    const until = Date.now() + 5_000;
    while (!seen.some((r) => r.epoch === 2n) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    watch.cancel();
    expect(seen.map((r) => r.epoch)).toEqual([1n, 2n]);
    const published = openSignedRoster(seen[1]!.encoded, seen[1]!.signature, LEADER, verifier).roster;
    const expected = [...h.cluster.roster.members.filter((m) => m !== old), successor];
    expect(published.members.map((m) => m.endpoint)).toEqual(expected.map((m) => m.endpoint));
    expect(h.running.node.roster.isExcluded(old.pubkey)).toBe(false);
    expect(await changesCounted(h, 'changed')).toBe(1);

    await h.restart();
    const roster = await unary(h.client, 'getRoster', {});
    expect(roster.epoch).toBe(2n);
    expect(roster.members.map((m) => m.endpoint)).toEqual(expected.map((m) => m.endpoint));
  });

  it('when the expected epoch is no longer current, then the change is refused FAILED_PRECONDITION EPOCH_MISMATCH naming the current epoch, and a replay of an applied change is useless', async () => {
    const first = signed({ leader: LEADER, expectEpoch: 1n, remove: [h.cluster.roster.members[0]!.pubkey], add: [] });
    await changeRoster(h.client, ...first);
    const stale = signed({ leader: LEADER, expectEpoch: 1n, remove: [h.cluster.roster.members[1]!.pubkey], add: [] });
    expect(await refusal(changeRoster(h.client, ...stale))).toEqual({ code: 'EPOCH_MISMATCH', grpc: status.FAILED_PRECONDITION, currentEpoch: 2n });
    // The first request again: what it asked is done, so it publishes nothing.
    expect(await changeRoster(h.client, ...first)).toEqual({ epoch: 2n, changed: false });
    expect(h.running.node.roster.current.roster.epoch).toBe(2n);
    expect(await changesCounted(h, 'EPOCH_MISMATCH')).toBe(1);
  });

  it('when the signature is not the operator key over this very change, then it is refused PERMISSION_DENIED BAD_SIGNATURE', async () => {
    const change: RosterChange = { leader: LEADER, expectEpoch: 1n, remove: [], add: [successor] };
    expect(await refusal(changeRoster(h.client, ...signed(change, secretKey(1))))).toEqual({ code: 'BAD_SIGNATURE', grpc: status.PERMISSION_DENIED });
    const [, sig] = signed(change);
    expect(await refusal(changeRoster(h.client, { ...change, add: [{ ...successor, endpoint: 'evil:1' }] }, sig))).toEqual({ code: 'BAD_SIGNATURE', grpc: status.PERMISSION_DENIED });
    expect(await refusal(changeRoster(h.client, change, new Uint8Array(64)))).toEqual({ code: 'BAD_SIGNATURE', grpc: status.PERMISSION_DENIED });
    expect(h.running.node.roster.current.roster.epoch).toBe(1n);
  });

  it('when a signed change is for another leader, then it is refused FAILED_PRECONDITION NOT_LEADER', async () => {
    const change: RosterChange = { leader: publicKeyOf(secretKey(7)), expectEpoch: 1n, remove: [], add: [successor] };
    expect(await refusal(changeRoster(h.client, ...signed(change)))).toEqual({ code: 'NOT_LEADER', grpc: status.FAILED_PRECONDITION });
  });

  it('when a change is malformed, then it is refused INVALID_ARGUMENT MALFORMED', async () => {
    const shortKey = { leader: LEADER, expectEpoch: 1n, remove: [new Uint8Array(5)], add: [] };
    expect(await refusal(changeRoster(h.client, shortKey, new Uint8Array(64)))).toEqual({ code: 'MALFORMED', grpc: status.INVALID_ARGUMENT });
    const nothing = { leader: LEADER, expectEpoch: 1n, remove: [], add: [] };
    expect(await refusal(changeRoster(h.client, nothing, new Uint8Array(64)))).toEqual({ code: 'MALFORMED', grpc: status.INVALID_ARGUMENT });
  });

  it('when a change alters nothing, then the current epoch is answered with changed=false and nothing is published', async () => {
    const present = h.cluster.roster.members[2]!;
    const change: RosterChange = { leader: LEADER, expectEpoch: 1n, remove: [publicKeyOf(secretKey(4242))], add: [present] };
    expect(await changeRoster(h.client, ...signed(change))).toEqual({ epoch: 1n, changed: false });
    expect((await unary(h.client, 'getRoster', {})).epoch).toBe(1n);
    expect(await changesCounted(h, 'unchanged')).toBe(1);
  });

  it('when a change would re-admit an excluded key, then it is refused FAILED_PRECONDITION EXCLUDED_MEMBER', async () => {
    const liar = h.cluster.roster.members[4]!;
    await h.running.node.roster.exclude([{ index: 4, pubkey: liar.pubkey, misconduct: Misconduct.falseVerdict }]);
    const change: RosterChange = { leader: LEADER, expectEpoch: 2n, remove: [], add: [liar] };
    expect(await refusal(changeRoster(h.client, ...signed(change)))).toEqual({ code: 'EXCLUDED_MEMBER', grpc: status.FAILED_PRECONDITION });
    expect(h.running.node.roster.current.roster.epoch).toBe(2n);
  });
});

describe('ChangeRoster without --admin-pubkey', () => {
  it('when the node has no admin key, then every roster change is refused PERMISSION_DENIED ADMIN_DISABLED', async () => {
    const h = await startNodeHarness(1, 10);
    try {
      const change: RosterChange = { leader: LEADER, expectEpoch: 1n, remove: [], add: [successor] };
      expect(await refusal(changeRoster(h.client, ...signed(change)))).toEqual({ code: 'ADMIN_DISABLED', grpc: status.PERMISSION_DENIED });
      expect(h.running.node.roster.current.roster.epoch).toBe(1n);
    } finally {
      await h.close();
    }
  });
});

describe('a logic node of a fresh cluster', () => {
  it('when it starts with an empty roster, then it serves epoch 1 with no member and the operator adds reception nodes one by one', async () => {
    const h = await startNodeHarness(1, 0, ADMIN);
    try {
      const first = await unary(h.client, 'getRoster', {});
      expect({ epoch: first.epoch, members: first.members.length }).toEqual({ epoch: 1n, members: 0 });
      expect((await unary(h.client, 'getStatus', {})).rosterSize).toBe(0);
      const rn = (i: number) => ({ pubkey: publicKeyOf(secretKey(6000 + i)), endpoint: `10.0.1.${i}:7101` });
      for (let i = 0; i < 3; i++) {
        expect(await changeRoster(h.client, ...signed({ leader: LEADER, expectEpoch: BigInt(i + 1), remove: [], add: [rn(i)] }))).toEqual({ epoch: BigInt(i + 2), changed: true });
      }
      const roster = await unary(h.client, 'getRoster', {});
      expect(roster.members.map((m) => [m.index, m.endpoint])).toEqual([0, 1, 2].map((i) => [i, rn(i).endpoint]));
      await h.running.node.produceBlock(); // blocks go on with or without reception nodes
      expect((await unary(h.client, 'getStatus', {})).height).toBe(1n);
    } finally {
      await h.close();
    }
  });
});
