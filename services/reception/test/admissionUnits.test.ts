import fc from 'fast-check';
import { Mempool } from '../src/admission/mempool.js';
import { SenderRateLimiter } from '../src/admission/senderRateLimiter.js';
import { feeOf } from '../src/admission/fee.js';
import { parseMisbehaviour } from '../src/misbehaviour.js';

const tx = (i: number, fee: bigint) => ({ id: Uint8Array.of(i >> 8, i & 0xff), bytes: new Uint8Array(10), fee });

describe('the mempool', () => {
  it('when full, then it keeps the highest fees, refuses ties and never exceeds its capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 1000, max: 1010 }), { maxLength: 200 }), (capacity, fees) => {
        const pool = new Mempool(capacity);
        const kept: bigint[] = [];
        fees.forEach((f, i) => {
          const fee = BigInt(f);
          const lowest = kept.length === capacity ? kept.reduce((a, b) => (a < b ? a : b)) : null;
          const offer = pool.offer(tx(i, fee));
          if (lowest === null) {
            expect(offer.outcome).toBe('added');
            kept.push(fee);
          } else if (fee > lowest) {
            expect(offer).toMatchObject({ outcome: 'added', evicted: { fee: lowest } });
            kept.splice(kept.indexOf(lowest), 1, fee);
          } else {
            expect(offer.outcome).toBe('refused');
          }
          expect(pool.size).toBe(kept.length);
        });
        expect(pool.drain(Infinity).map((t) => t.fee).sort()).toEqual([...kept].sort());
        expect(pool.size).toBe(0);
      }),
    );
  });

  it('when the same id is offered twice, then it is buffered once; a drain takes the oldest first within its limits', () => {
    const pool = new Mempool(10);
    expect(pool.offer(tx(1, 1000n)).outcome).toBe('added');
    expect(pool.offer(tx(1, 1000n)).outcome).toBe('duplicate');
    pool.offer(tx(2, 5000n));
    pool.offer(tx(3, 1000n));
    expect(pool.drain(2).map((t) => t.id[1])).toEqual([1, 2]);
    expect(pool.drain(10, 5).map((t) => t.id[1])).toEqual([3]); // at least one, even over the byte budget
  });

  it('when a transaction asks for more gas than the transfer fee, then it ranks by its gas limit', () => {
    expect(feeOf(0n)).toBe(1000n);
    expect(feeOf(5000n)).toBe(5000n);
  });
});

describe('the per-sender rate limiter', () => {
  it('when a sender bursts past its bucket, then it is refused until tokens refill, and the table stays bounded', () => {
    let now = 0;
    const limiter = new SenderRateLimiter(10, 3, 100, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    now += 100; // one token at 10/s
    expect([limiter.take('a'), limiter.take('a')]).toEqual([true, false]);
    for (let i = 0; i < 1000; i++) limiter.take(`s${i}`);
    expect(limiter.size).toBe(100);
  });
});

describe('misbehaviour flags', () => {
  it('when a name is unknown or its argument invalid, then parsing refuses it with a code', () => {
    expect(parseMisbehaviour('lie-randomly:0.1')).toEqual({ name: 'lie-randomly', probability: 0.1 });
    expect(parseMisbehaviour('flip-verdicts:leader')).toEqual({ name: 'flip-verdicts', role: 'leader' });
    expect(() => parseMisbehaviour('be-evil')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => parseMisbehaviour('lie-randomly:2')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
