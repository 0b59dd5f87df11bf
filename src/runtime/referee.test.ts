import { describe, expect, it } from 'vitest';
import { EventLog } from '../core/event-log.ts';
import type { Plan } from '../scenario/plan.ts';
import { ev, icuFleet } from '../../test/helpers/expectation-fixtures.ts';
import { parseTimeline } from '../../test/helpers/network-plans.ts';
import { Referee } from './referee.ts';

const MIN = 60_000;
const fleetPlan = icuFleet(4);

function refereeFor(overrides: Partial<Plan> = {}) {
  const plan = { name: 'referee', seed: 1, durationMs: 30 * MIN, fleet: { site: 'test', zones: [] }, ...overrides } as Plan;
  const log = new EventLog();
  return { referee: new Referee(plan, fleetPlan, '1', log), log };
}

describe('Referee', () => {
  it('judges only the sealed part of the log, live or at the end', () => {
    const { referee, log } = refereeFor({ expectations: [{ type: 'metric', name: 'mard', metric: 'mard', aggregate: 'mean', max: 15 }] });
    log.record(ev.runStarted(30 * MIN));
    // A CGM reading 30 % high against its patient's truth.
    for (const t of [5 * MIN, 10 * MIN]) log.record(ev.cgm(t, 'cgm-001', 130, 100));
    const [unsealed] = referee.verdicts({ simulatedMs: 10 * MIN, live: true });
    expect(unsealed?.measured ?? null).toBeNull();
    log.seal(10 * MIN);
    const [live] = referee.verdicts({ simulatedMs: 10 * MIN, live: true });
    expect(live).toMatchObject({ name: 'mard', passed: false });
    expect(live?.measured).toBeCloseTo(30, 5);
    const cgm = referee.collector.result({ simulatedMs: 10 * MIN }).devices.find((d) => d.id === 'cgm-001');
    expect(cgm?.accuracy?.mard).toBeCloseTo(30, 5);
  });

  it('plots from the start the devices the timeline will hit, beyond the few per kind it always plots', () => {
    const timeline = parseTimeline([{ at: '20m', fault: 'sensor.dropout', target: { device: 'cgm-004' } }]);
    const plotted = (overrides: Partial<Plan>) => {
      const { referee, log } = refereeFor(overrides);
      for (const t of [5 * MIN, 10 * MIN]) log.record(ev.cgm(t, 'cgm-004', 120, 118));
      log.seal(10 * MIN);
      return referee.collector
        .result({ simulatedMs: 10 * MIN })
        .series.filter((s) => s.device === 'cgm-004')
        .map((s) => s.points.length);
    };
    expect(plotted({})).toEqual([]);
    expect(plotted({ timeline })).toEqual([2]);
  });
});
