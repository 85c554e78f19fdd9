import { xorshift32 } from '../src/xorshift32.js';

describe('xorshift32, the synthetic workloads\' generator', () => {
  it('when seeded with 1, then it gives Marsaglia\'s sequence (13, 17, 5) as uint32s', () => {
    const next = xorshift32(1);
    expect([next(), next(), next()]).toEqual([270369, 67634689, 2647435461]);
  });

  it('when seeded with 0, which would stay 0, then it runs as if seeded with 1', () => {
    const zero = xorshift32(0);
    const one = xorshift32(1);
    for (let i = 0; i < 5; i++) expect(zero()).toBe(one());
  });

  it('when seeded with a negative or non-uint32 number, then the seed is taken modulo 2^32 and every output is a uint32', () => {
    const negative = xorshift32(-1);
    const wrapped = xorshift32(0xffff_ffff);
    for (let i = 0; i < 1000; i++) {
      const v = negative();
      expect(v).toBe(wrapped());
      expect(Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff).toBe(true);
    }
  });
});
