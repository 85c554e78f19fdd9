import { leaseDecision } from '../src/runtime/leaseDecision.js';

const NOW = 1_000_000;

describe('the lease decision', () => {
  it.each([
    ['there is no lease', null, { action: 'acquire' }],
    ['nobody holds it', { holder: '', renewTimeMs: NOW, durationSeconds: 15 }, { action: 'acquire' }],
    ['we hold it', { holder: 'me', renewTimeMs: NOW - 60_000, durationSeconds: 15 }, { action: 'renew' }],
    ['another renewed it 14 s ago', { holder: 'other', renewTimeMs: NOW - 14_000, durationSeconds: 15 }, { action: 'wait', holder: 'other', expiresAtMs: NOW + 1000 }],
    ['another last renewed it 15 s ago', { holder: 'other', renewTimeMs: NOW - 15_000, durationSeconds: 15 }, { action: 'acquire' }],
  ])('when %s, then the candidate decides accordingly', (_what, lease, decision) => {
    expect(leaseDecision(lease, 'me', NOW)).toEqual(decision);
  });
});
