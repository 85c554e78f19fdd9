import { SendPacer } from '../src/bench/sendPacer.js';

describe('SendPacer', () => {
  it('when time passes, then it allows the rate and never more than the burst', () => {
    const p = new SendPacer(5, 250, 0); // 5,000 a second, 50 ms of burst
    expect(p.available(0)).toBe(250);
    p.spend(250);
    expect(p.available(10)).toBe(50);
    p.spend(50);
    expect(p.available(1_000)).toBe(250); // a long pause does not bank a second's worth
  });

  it('when what is sent is spent, then a refill of a block frees only the rate, spread over time', () => {
    const p = new SendPacer(5, 250, 0);
    let sent = 0;
    const sentBy = new Map<number, number>();
    for (let t = 0; t <= 400; t += 1) {
      const n = Math.min(p.available(t), 2_500 - sent);
      p.spend(n);
      sent += n;
      sentBy.set(t, sent);
    }
    expect(sentBy.get(0)).toBe(250); // not all 2,500 freed at t = 0
    expect(sentBy.get(300)).toBe(250 + 5 * 300); // the burst, then 5 a millisecond
    expect(sentBy.get(400)).toBe(2_250);
  });

  it('when the clock steps back, then nothing is added', () => {
    const p = new SendPacer(5, 250, 100);
    p.spend(250);
    expect(p.available(50)).toBe(0);
  });
});
