import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../src/core/event-log.ts';
import { EmbeddedBroker } from '../src/net/broker.ts';
import { DEFAULT_DEPENDENCIES } from '../src/runtime/defaults.ts';
import { Run } from '../src/runtime/run.ts';
import { smallWard } from './helpers/plans.ts';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await EmbeddedBroker.start({ port: 0 });
});
afterAll(async () => {
  await broker.close();
});

/** Busy-loops the event loop for `ms` of wall time: nothing else in the process runs meanwhile. */
function hog(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // starving the process on purpose
  }
}

describe('twin staleness in a starved realtime run', () => {
  it('never flags a healthy device stale because the simulator itself fell behind', async () => {
    // Realtime at ×200 on a process that gets about a third of its wall time: a real timer hogs the
    // event loop for 40 ms of every 60. Messages wait in sockets for whole simulated seconds; none of
    // the devices stops reporting, so the twin must not say any went quiet.
    const run = new Run(smallWard({ durationMs: 4 * 60_000 }), DEFAULT_DEPENDENCIES, {
      brokerUrl: broker.url,
      mode: 'realtime',
      speed: 200,
    });
    const events: LoggedEvent[] = [];
    run.on('events', (batch) => events.push(...batch));
    let hogs = 0;
    const starve = setInterval(() => {
      hogs++;
      hog(40);
    }, 20);
    try {
      await run.runToEnd();
    } finally {
      clearInterval(starve);
      await run.close();
    }
    // The starvation did bite: the run fell behind the wall clock.
    expect(hogs).toBeGreaterThan(10);
    expect(run.realtimePace.maxLagMs).toBeGreaterThan(3000);
    const flags = events.filter((e) => e.type === 'twin.stale').map((e) => `${e.data.device}@${e.t}`);
    expect(flags).toEqual([]);
    const result = run.result();
    expect(result.delivery.ledger!.totals.inFlight).toBe(0);
    expect(result.delivery.lost).toBe(0);
  }, 120_000);
});
