import { alertmanagerWebhook, bearerMatches, poolAlertsOf } from '../src/dos/alertmanager.js';
import { CALM, afterCooldown, onAlerts } from '../src/dos/dosScaler.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const POLICY = { step: 2, max: 12 };
const alert = (fingerprint: string, firing: boolean) => ({ pool: { namespace: 'chain', name: 'pool-a' }, fingerprint, firing });

describe('DoS scaling of a ReceptionPool', () => {
  it('when an alert fires, then the pool steps up from where it was; each repeat steps again, up to the maximum', () => {
    const first = onAlerts(CALM, [alert('f1', true)], 8, POLICY, NOW);
    expect(first).toMatchObject({ replicas: 10, reason: 'ScaledUpOnAlert', state: { firing: ['f1'], baseline: 8 } });
    const repeat = onAlerts(first.state, [alert('f1', true)], 10, POLICY, NOW + 60_000);
    expect(repeat).toMatchObject({ replicas: 12, state: { baseline: 8 } });
    expect(onAlerts(repeat.state, [alert('f1', true)], 12, POLICY, NOW + 120_000)).toMatchObject({ replicas: null, reason: 'AtMaximum' });
  });

  it('when the alert resolves, then nothing moves until the cool-down has passed, and then the pool returns to its baseline', () => {
    const up = onAlerts(CALM, [alert('f1', true)], 8, POLICY, NOW).state;
    const resolved = onAlerts(up, [alert('f1', false)], 10, POLICY, NOW + 60_000);
    expect(resolved).toMatchObject({ replicas: null, state: { firing: [], resolvedAtMs: NOW + 60_000 } });
    expect(afterCooldown(resolved.state, 10, 600, NOW + 60_000 + 599_000)).toMatchObject({ replicas: null, reason: 'CoolingDown' });
    expect(afterCooldown(resolved.state, 10, 600, NOW + 60_000 + 600_000)).toEqual({ state: CALM, replicas: 8, reason: 'ScaledDownAfterCooldown' });
  });

  it('when one of two alerts resolves, then the cool-down does not start', () => {
    const both = onAlerts(CALM, [alert('f1', true), alert('f2', true)], 8, POLICY, NOW).state;
    const one = onAlerts(both, [alert('f1', false)], 10, POLICY, NOW + 1000).state;
    expect(one).toMatchObject({ firing: ['f2'], resolvedAtMs: null });
    expect(afterCooldown(one, 10, 0, NOW + 10 * 3_600_000).replicas).toBeNull();
  });

  it('when someone lowered the pool below its baseline meanwhile, then the cool-down does not scale it back up', () => {
    const up = onAlerts(CALM, [alert('f1', true)], 8, POLICY, NOW).state;
    const resolved = onAlerts(up, [alert('f1', false)], 10, POLICY, NOW).state;
    expect(afterCooldown(resolved, 6, 600, NOW + 3_600_000)).toMatchObject({ replicas: null, state: CALM });
  });
});

describe('the Alertmanager webhook', () => {
  const payload = {
    version: '4',
    status: 'firing',
    receiver: 'clusterchain',
    alerts: [
      { status: 'firing', labels: { alertname: 'ReceptionFlood', namespace: 'chain', clusterchain_io_reception_pool: 'pool-a', dos: 'true' }, fingerprint: 'abc', startsAt: '2026-11-21T12:00:00Z' },
      { status: 'firing', labels: { alertname: 'SomethingElse' }, fingerprint: 'def', startsAt: '2026-11-21T12:00:00Z' },
      { status: 'firing', labels: { alertname: 'SlotEmpty', namespace: 'chain', clusterchain_io_reception_pool: 'pool-a' }, fingerprint: 'ghi', startsAt: '2026-11-21T12:00:00Z' },
    ],
  };

  it('when a payload arrives, then only the DoS alerts naming a pool are taken (an empty slot names a pool too, but more nodes would not answer it)', () => {
    expect(poolAlertsOf(alertmanagerWebhook.parse(payload))).toEqual([{ pool: { namespace: 'chain', name: 'pool-a' }, fingerprint: 'abc', firing: true }]);
  });

  it.each([
    ['another version', { ...payload, version: '3' }],
    ['an unknown status', { ...payload, status: 'maybe' }],
    ['an alert without fingerprint', { ...payload, alerts: [{ status: 'firing', labels: {}, startsAt: '' }] }],
  ])('when the payload has %s, then it is refused', (_what, bad) => {
    expect(alertmanagerWebhook.safeParse(bad).success).toBe(false);
  });

  it.each([
    ['the right token', 'Bearer s3cret', 's3cret', true],
    ['a wrong token', 'Bearer s3creT', 's3cret', false],
    ['a prefix of the token', 'Bearer s3cre', 's3cret', false],
    ['no scheme', 's3cret', 's3cret', false],
    ['no header', undefined, 's3cret', false],
    ['an empty configured token', 'Bearer ', '', false],
  ])('when the Authorization header has %s, then it is %s', (_what, header, token, ok) => {
    expect(bearerMatches(header, token)).toBe(ok);
  });
});
