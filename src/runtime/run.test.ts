import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../core/event-log.ts';
import { smallWard } from '../../test/helpers/plans.ts';
import { until } from '../../test/helpers/until.ts';
import { DEFAULT_DEPENDENCIES } from './defaults.ts';
import { Run } from './run.ts';

describe('Run (the facade)', () => {
  it('injects and reverts by injection id, stepping simulated time in between', async () => {
    const run = new Run(smallWard({ durationMs: 5 * 60_000 }), DEFAULT_DEPENDENCIES, { port: 0 });
    const events: LoggedEvent[] = [];
    run.on('events', (batch) => events.push(...batch));
    try {
      await run.open();
      const done = run.runToEnd();
      run.step(30_000);
      await until(() => run.paused && run.phase === 'paused', 'the first step', 30_000);
      const injection = run.inject('sensor.dropout', { device: 'patient-monitor-001' });
      expect(run.timeline.active().map((i) => i.device)).toEqual(['patient-monitor-001']);
      run.step(30_000);
      await until(() => run.paused && run.phase === 'paused' && run.clock.now() >= 60_000, 'the second step', 30_000);
      expect(run.revert(injection.id)).toBe(1);
      expect(run.revert(injection.id)).toBe(0);
      expect(run.revert('no-such-injection')).toBe(0);
      expect(run.timeline.active()).toEqual([]);
      run.resume();
      await done;
      const faults = events.filter((e) => e.type.startsWith('fault.')).map((e) => [e.type, e.t, e.data.device]);
      expect(faults).toEqual([
        ['fault.injected', 30_000, 'patient-monitor-001'],
        ['fault.reverted', 60_000, 'patient-monitor-001'],
      ]);
      expect(run.result().injections.map((i) => [i.id, i.at, i.until])).toEqual([[injection.id, 30_000, 60_000]]);
    } finally {
      await run.close();
    }
  });
});
