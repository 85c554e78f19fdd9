import { Registry } from 'prom-client';
import { createOperatorMetrics, poolEventsOf } from '../src/metrics.js';

describe('the operator’s pool metrics', () => {
  it('when a pool reports its slots and relays and is then torn down, then its series go with it, and other pools keep theirs', async () => {
    const registry = new Registry();
    const events = poolEventsOf(createOperatorMetrics(registry));
    events.slots('chain/pool-a', 8, 6, 2);
    events.slots('chain/pool-b', 4, 4, 0);
    events.handoff('chain/pool-a', false);
    events.handoff('chain/pool-a', true);
    let text = await registry.metrics();
    expect(text).toContain('clusterchain_operator_pool_slots{pool="chain/pool-a",state="unplaced"} 2');
    expect(text).toContain('clusterchain_operator_handoffs_total{pool="chain/pool-a",forced="true"} 1');

    events.forget('chain/pool-a');
    text = await registry.metrics();
    expect(text).not.toContain('pool="chain/pool-a"');
    expect(text).toContain('clusterchain_operator_pool_slots{pool="chain/pool-b",state="ready"} 4');
  });
});
