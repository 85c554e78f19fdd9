import { WorkQueue, type Schedule } from '../src/runtime/workQueue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Records retries instead of waiting for them; `fire` runs the next one now. */
function recorder() {
  const pending: { run: () => void; delayMs: number; cancelled: boolean }[] = [];
  const schedule: Schedule = (run, delayMs) => {
    const entry = { run, delayMs, cancelled: false };
    pending.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  };
  return {
    schedule,
    delays: () => pending.map((p) => p.delayMs),
    live: () => pending.filter((p) => !p.cancelled),
    fire: () => {
      const next = pending.find((p) => !p.cancelled);
      if (next) {
        next.cancelled = true;
        next.run();
      }
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the work queue', () => {
  it('when events arrive for an object while it is being reconciled, then they fold into exactly one more run after it', async () => {
    const gate = deferred();
    const runs: string[] = [];
    const q = new WorkQueue(async (k) => {
      runs.push(k);
      if (runs.length === 1) await gate.promise;
    }, { concurrency: 4, baseDelayMs: 10, maxDelayMs: 100 });
    q.add('ns/a');
    await tick();
    q.add('ns/a');
    q.add('ns/a');
    q.add('ns/a');
    expect(runs).toEqual(['ns/a']);
    gate.resolve();
    await q.whenIdle();
    await tick();
    expect(runs).toEqual(['ns/a', 'ns/a']);
  });

  it('when many objects are queued, then at most `concurrency` run at once', async () => {
    let running = 0;
    let peak = 0;
    const q = new WorkQueue(async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
    }, { concurrency: 2, baseDelayMs: 10, maxDelayMs: 100 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) q.add(k);
    await q.whenIdle();
    expect(peak).toBe(2);
  });

  it('when a reconcile keeps failing, then retries back off 10, 20 ms and then stay at the 30 ms cap, and a success resets the backoff', async () => {
    const r = recorder();
    let failing = true;
    const errors: number[] = [];
    const q = new WorkQueue(async () => {
      if (failing) throw new Error('apiserver said no');
    }, { concurrency: 1, baseDelayMs: 10, maxDelayMs: 30, schedule: r.schedule }, (_k, _e, attempt) => errors.push(attempt));
    q.add('a');
    for (let i = 0; i < 3; i++) {
      await q.whenIdle();
      await tick();
      r.fire();
    }
    await q.whenIdle();
    await tick();
    expect(r.delays()).toEqual([10, 20, 30, 30]);
    expect(errors).toEqual([1, 2, 3, 4]);
    failing = false;
    r.fire();
    await q.whenIdle();
    await tick();
    failing = true;
    q.add('a');
    await q.whenIdle();
    await tick();
    expect(r.delays().at(-1)).toBe(10);
  });

  it('when an event arrives during a backoff, then the object is reconciled at once and the pending retry is dropped', async () => {
    const r = recorder();
    let calls = 0;
    const q = new WorkQueue(async () => {
      calls++;
      if (calls === 1) throw new Error('first try fails');
    }, { concurrency: 1, baseDelayMs: 1000, maxDelayMs: 1000, schedule: r.schedule });
    q.add('a');
    await q.whenIdle();
    await tick();
    expect(r.live()).toHaveLength(1);
    q.add('a');
    await q.whenIdle();
    await tick();
    expect(calls).toBe(2);
    expect(r.live()).toHaveLength(0);
  });

  it('when a wake-up is asked for twice, then only the later one runs, once, after its delay', async () => {
    const r = recorder();
    const runs: string[] = [];
    const q = new WorkQueue(async (k) => void runs.push(k), { concurrency: 1, baseDelayMs: 10, maxDelayMs: 10, schedule: r.schedule });
    q.addAfter('a', 5000);
    q.addAfter('a', 300);
    expect(r.live().map((p) => p.delayMs)).toEqual([300]);
    expect(runs).toEqual([]);
    r.fire();
    await q.whenIdle();
    expect(runs).toEqual(['a']);
    q.stop();
  });
});
