import { describe, expect, it } from 'vitest';
import { EventLog, type SimEvent } from '../../core/event-log.ts';
import { expectationSchema } from '../schema.ts';
import { createJudges } from './index.ts';
import { ev, icuFleet } from '../../../test/helpers/expectation-fixtures.ts';

const MIN = 60_000;
const fleetPlan = icuFleet(2);

const expectations = [
  { type: 'detection', name: 'det', of: 'occl', expect: { alarm: 'occlusion.downstream' }, within: '5m' },
  { type: 'false-alarms', name: 'fa', maxPerDeviceHour: 0 },
  { type: 'metric', name: 'stale', metric: 'stale-fraction', aggregate: 'max', max: 0.5 },
  { type: 'invariant', name: 'occluded', invariant: 'no-infusion-while-occluded' },
  { type: 'invariant', name: 'stale-inv', invariant: 'no-stale-devices', params: { maxMs: '1m' } },
  { type: 'invariant', name: 'insulin', invariant: 'no-insulin-while-low', params: { maxMs: '5m' } },
].map((e) => expectationSchema.parse(e));

const before: SimEvent[] = [
  ev.state(0, 'pump-001', '', 'infusing'),
  ev.injected(MIN, 'occl', 'device.occlusion-downstream', 'pump-001'),
  ev.alarm(2 * MIN, 'mon-001', 'hr.high', 'medium', { parameter: 'hr', value: 150, limit: 140 }),
  ev.twin(2 * MIN, 'twin.stale', 'mon-002'),
  ev.cgm(2 * MIN, 'cgm-001', 60, 60),
  ev.pump(2 * MIN, 'pump-001', 'infusing', 1, 1),
];
const after: SimEvent[] = [
  ev.monitor(2 * MIN + 1000, 'mon-001', { hr: 150 }, { hr: 151 }), // confirms the hr alarm after the live look
  ev.alarm(4 * MIN, 'pump-001', 'occlusion.downstream'),
  ev.state(4 * MIN, 'pump-001', 'infusing', 'hold'),
  ev.twin(5 * MIN, 'twin.fresh', 'mon-002'),
  ev.pump(4 * MIN, 'pump-001', 'hold', 1, 0), // insulin stops 2 min into the low: no breach
  ev.runFinished(10 * MIN),
];

describe('live verdicts', () => {
  it('asking for verdicts mid-run does not change the final ones', () => {
    const log = new EventLog();
    const watched = createJudges(expectations, { fleetPlan, plan: { seed: 3 } });
    const untouched = createJudges(expectations, { fleetPlan, plan: { seed: 3 } });
    for (const j of [...watched, ...untouched]) log.subscribe((batch) => j.onEvents(batch));
    for (const e of before) log.record(e);
    log.seal(2 * MIN + 500);
    // The TUI looks while windows are still open, several times.
    for (let i = 0; i < 3; i++) for (const j of watched) j.finish({ simulatedMs: 2 * MIN + 500 + i * 9 * MIN });
    for (const e of after) log.record(e);
    log.digest();
    const final = (js: typeof watched) => js.map((j) => j.finish({ simulatedMs: 10 * MIN }));
    expect(final(watched)).toEqual(final(untouched));
    // And the outcome is the one the full log supports.
    expect(final(untouched).map((v) => [v.name, v.passed])).toEqual([
      ['det', true],
      ['fa', true],
      ['stale', true],
      ['occluded', false],
      ['stale-inv', false],
      ['insulin', true],
    ]);
  });
});
