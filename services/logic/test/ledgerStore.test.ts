import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toHex } from '../../protocol/src/bytes.js';
import { Bucket, LevelDatabaseController, type DatabaseController } from '../../storage/src/index.js';
import { LedgerEngine } from '../src/ledger/ledgerEngine.js';
import { LedgerStore } from '../src/store/ledgerStore.js';
import { addressOfPubkey, fakePubkey, senderKey, transfer } from './fixtures.js';

const genesis = {
  timestamp: 0n,
  allocations: Array.from({ length: 30 }, (_, i) => ({ address: addressOfPubkey(fakePubkey(i + 1)), balance: 1_000_000n + BigInt(i) })),
};

describe('LedgerStore genesis', () => {
  let dir: string;
  let db: DatabaseController;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-store-'));
    db = await LevelDatabaseController.create({ path: join(dir, 'db') });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('when genesis is written in chunks over the leftovers of a crashed attempt, then the state loads and matches its root', async () => {
    // A crashed earlier genesis: accounts on disk, no head (one of them not in this genesis).
    await db.put(Bucket.account, addressOfPubkey(fakePubkey(999)), Uint8Array.of(1, 0, 5));
    const store = new LedgerStore(db, 7); // 30 accounts: four chunks and a final batch
    const { engine, block } = LedgerEngine.fromGenesis(genesis);
    await store.commitGenesis(block);
    const head = await store.head();
    expect(head?.height).toBe(0n);
    const state = await store.loadState(head!);
    expect(state.accountCount).toBe(30);
    expect(toHex(state.root())).toBe(toHex(engine.state.root()));
    // And the chain goes on from it.
    const next = engine.executeBlock([transfer(fakePubkey(1), addressOfPubkey(fakePubkey(2)), 5n, 0n)], { timestamp: 1n, feeRecipients: [senderKey(fakePubkey(3))] });
    await store.commit(next);
    expect((await store.head())?.height).toBe(1n);
  });

  it('when the database already has a chain, then genesis is refused and nothing is written', async () => {
    const store = new LedgerStore(db, 7);
    const { block } = LedgerEngine.fromGenesis(genesis);
    await store.commitGenesis(block);
    const other = LedgerEngine.fromGenesis({ ...genesis, timestamp: 5n }).block;
    await expect(store.commitGenesis(other)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    expect(toHex((await store.head())!.hash)).toBe(toHex(block.hash));
  });
});
