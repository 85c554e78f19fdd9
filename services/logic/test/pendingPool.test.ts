import { PendingPool } from '../src/node/pendingPool.js';
import { fakePubkey, senderKey, transfer } from './fixtures.js';

const TO = new Uint8Array(20).fill(1);

describe('the pending pool', () => {
  it('when a sender\'s nonces arrive in reverse, then the whole run goes into one block in nonce order', () => {
    const pool = new PendingPool(1000, 10);
    const a = fakePubkey(1);
    for (let n = 19; n >= 0; n--) pool.add(transfer(a, TO, 1n, BigInt(n)), 1);
    const taken = pool.take(100, 1, () => 0n);
    expect(taken.block.map((t) => t.tx.nonce)).toEqual([...Array(20).keys()].map(BigInt));
    expect(pool.size).toBe(0);
  });

  it('when a nonce is missing, then later ones wait, and expire after maxWaitBlocks as NONCE_GAP', () => {
    const pool = new PendingPool(1000, 3);
    const a = fakePubkey(2);
    pool.add(transfer(a, TO, 1n, 0n), 1);
    pool.add(transfer(a, TO, 1n, 2n), 1);
    expect(pool.take(100, 1, () => 0n).block.map((t) => t.tx.nonce)).toEqual([0n]);
    expect(pool.take(100, 2, () => 1n)).toMatchObject({ block: [], gapExpired: [] });
    expect(pool.take(100, 4, () => 1n).gapExpired.map((t) => t.tx.nonce)).toEqual([2n]);
  });

  it('when the block is full, then the rest keeps waiting without expiring', () => {
    const pool = new PendingPool(1000, 1);
    for (let i = 0; i < 5; i++) pool.add(transfer(fakePubkey(10 + i), TO, 1n, 0n), 1);
    expect(pool.take(2, 1, () => 0n).block).toHaveLength(2);
    const later = pool.take(10, 9, () => 0n);
    expect(later.block).toHaveLength(3);
    expect(later.gapExpired).toHaveLength(0);
  });

  it('when an id is pending or in a committing block, then it is not queued again; a used nonce is stale', () => {
    const pool = new PendingPool(1000, 10);
    const a = fakePubkey(3);
    const t = transfer(a, TO, 1n, 0n);
    expect(pool.add(t, 1)).toBe(true);
    expect(pool.add(t, 1)).toBe(false);
    const taken = pool.take(10, 1, () => 0n);
    expect(pool.add(t, 2)).toBe(false);
    pool.settle(taken.block);
    expect(pool.add(t, 2)).toBe(true);
    expect(pool.take(10, 2, (s) => (s === senderKey(a) ? 1n : 0n)).stale).toHaveLength(1);
  });
});
