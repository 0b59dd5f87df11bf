import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../core/event-log.ts';
import { InputError } from '../../core/errors.ts';
import { DeliveryLedger } from '../../net/delivery-ledger.ts';
import { expectationSchema } from '../schema.ts';
import { createJudges, METRIC_NAMES } from './index.ts';
import { ev, icuFleet, stream } from '../../../test/helpers/expectation-fixtures.ts';

const fleetPlan = icuFleet(2);
const MIN = 60_000;
const END = 120 * MIN;

/** Known pairs: cgm-001 relative errors 10, 10, 20, 0 % (+ one missing reading); cgm-002 30 %. */
const cgmEvents: SimEvent[] = [
  ev.cgm(5 * MIN, 'cgm-001', 110, 100),
  ev.cgm(10 * MIN, 'cgm-001', 180, 200),
  ev.cgm(15 * MIN, 'cgm-001', 60, 50),
  ev.cgm(20 * MIN, 'cgm-001', 150, 150),
  ev.cgm(25 * MIN, 'cgm-001', null, 150),
  ev.cgm(5 * MIN, 'cgm-002', 130, 100),
];

/** pump-001: 10 mL/h programmed; delivers it for 60 s, nothing for the next 60 s (occluded), then holds. */
function pumpEvents(): SimEvent[] {
  const out: SimEvent[] = [];
  for (let s = 0; s < 120; s += 5) out.push(ev.pump(s * 1000, 'pump-001', 'infusing', 10, s < 60 ? 10 : 0));
  out.push(ev.pump(120_000, 'pump-001', 'hold', 10, 0), ev.pump(600_000, 'pump-001', 'hold', 10, 0));
  return out;
}

const monitorEvents: SimEvent[] = [
  ev.monitor(1000, 'mon-001', { hr: 80 }, { hr: 78, sbp: 118 }, { sbp: 120, dbp: 80, map: 93, t: 0 }),
  ev.monitor(2000, 'mon-001', { hr: 82 }, { hr: 82, sbp: 110 }, { sbp: 120, dbp: 80, map: 93, t: 0 }), // same cuff reading: not counted again
  ev.monitor(3000, 'mon-001', { hr: null }, { hr: 82, sbp: 124 }, { sbp: 130, dbp: 85, map: 100, t: 2500 }),
];

const twinEvents: SimEvent[] = [
  ev.twin(30 * MIN, 'twin.stale', 'mon-002'),
  ev.twin(60 * MIN, 'twin.fresh', 'mon-002'),
  ev.twin(90 * MIN, 'twin.stale', 'pump-002'),
  ev.alarm(40 * MIN, 'pump-001', 'occlusion.downstream'),
  ev.alarm(41 * MIN, 'pump-001', 'air-in-line'),
  ev.alarm(42 * MIN, 'pump-002', 'air-in-line', 'high', { suppressed: true }),
];

const all = [ev.runStarted(END), ...cgmEvents, ...pumpEvents(), ...monitorEvents, ...twinEvents, ev.runFinished(END)];

function verdicts(raws: Record<string, unknown>[], context = {}) {
  const judges = createJudges(
    raws.map((r, i) => expectationSchema.parse({ type: 'metric', name: `m${i}`, ...r })),
    { fleetPlan, plan: { seed: 7 } },
  );
  stream(all, judges);
  return judges.map((j) => j.finish(context));
}

describe('metric judge', () => {
  it('live, a figure under its minimum is pending (it may yet be reached); over its maximum it has failed so far', () => {
    const [under, over] = verdicts(
      [
        { metric: 'mard', min: 50 },
        { metric: 'mard', max: 5 },
      ],
      { simulatedMs: 30 * MIN, live: true },
    );
    expect(under).toMatchObject({ passed: false, pending: true });
    expect(over).toMatchObject({ passed: false });
    expect(over!.pending).toBeUndefined();
    // At the end of the run nothing is pending.
    const [finished] = verdicts([{ metric: 'mard', min: 50 }]);
    expect(finished).toMatchObject({ passed: false });
    expect(finished!.pending).toBeUndefined();
  });

  it('computes MARD per CGM and aggregates it', () => {
    const [mean, max, one] = verdicts([
      { metric: 'mard', max: 15 },
      { metric: 'mard', aggregate: 'max', max: 35 },
      { metric: 'mard', target: { device: 'cgm-001' }, max: 12 },
    ]);
    expect(mean).toMatchObject({ passed: false, measured: 20, threshold: 'mean <= 15 %' });
    expect(mean!.message).toBe('mean mard over 2 devices 20.00 % > 15 (worst: cgm-002 30.00 %, cgm-001 10.00 %)');
    expect(max).toMatchObject({ passed: true, measured: 30 });
    expect(one).toMatchObject({ passed: true, measured: 10 });
    expect(one!.message).toBe('mard on cgm-001 10.00 % ≤ 12');
  });

  it('computes Clarke and glycaemic figures from the true glucose', () => {
    const [ab, tir, low, high] = verdicts([
      { metric: 'clarke-ab', target: { device: 'cgm-001' }, min: 99 },
      { metric: 'time-in-range', target: { device: 'cgm-001' }, min: 70 },
      { metric: 'time-below-54', target: { device: 'cgm-001' }, max: 30 },
      { metric: 'time-above-180', target: { device: 'cgm-001' }, max: 10 },
    ]);
    expect(ab).toMatchObject({ passed: true, measured: 100 });
    // Truth 100, 200, 50, 150, 150: 3 of 5 in range, 1 below 54, 1 above 180.
    expect(tir).toMatchObject({ passed: false, measured: 60 });
    expect(low).toMatchObject({ passed: true, measured: 20 });
    expect(high).toMatchObject({ passed: false, measured: 20 });
  });

  it('computes dose error from delivered vs programmed volume while infusing', () => {
    const [dose] = verdicts([{ metric: 'dose-error', target: { kind: 'infusion-pump' }, max: 10 }]);
    expect(dose).toMatchObject({ passed: false, measured: 50 });
    expect(dose!.message).toBe('dose-error on pump-001 50.00 % > 10');
  });

  it('computes monitor errors, counting each cuff reading once', () => {
    const [hr, sbp] = verdicts([
      { metric: 'mae-hr', max: 1 },
      { metric: 'mae-sbp', max: 5 },
    ]);
    expect(hr).toMatchObject({ passed: true, measured: 1 });
    expect(sbp).toMatchObject({ passed: true, measured: 4 }); // |120−118| and |130−124|
  });

  it('computes stale fraction, alarm counts and data loss (from the run context)', () => {
    const context = {
      simulatedMs: END,
      agents: new Map([['mon-001', { publishedTotal: 200, commandsReceived: 0, commandsRejected: 0 }]]),
      shadows: new Map([['mon-001', { receivedTotal: 180, missingTelemetry: 20, stale: false, diverged: false }]]),
    };
    const [stale, worst, alarms, loss] = verdicts(
      [
        { metric: 'stale-fraction', target: { kind: 'patient-monitor' }, aggregate: 'max', max: 0.1 },
        { metric: 'stale-fraction', target: { device: 'pump-002' }, max: 0.3 },
        { metric: 'alarms', target: { kind: 'infusion-pump' }, aggregate: 'sum', max: 2 },
        { metric: 'data-loss', max: 5 },
      ],
      context,
    );
    expect(stale).toMatchObject({ passed: false, measured: 0.25 });
    expect(worst).toMatchObject({ passed: true, measured: 0.25 }); // stale from 90 min to the end
    expect(alarms).toMatchObject({ passed: true, measured: 2 }); // the suppressed one is not counted
    expect(loss).toMatchObject({ passed: false, measured: 10 });
  });

  it('judged live, counts as lost only the gaps the twin saw, not messages still on their way', () => {
    // 200 published, 150 received so far, 5 of them skipped over by later ones; 45 still in flight.
    const agents = new Map([['mon-001', { publishedTotal: 200, commandsReceived: 0, commandsRejected: 0 }]]);
    const shadows = new Map([['mon-001', { receivedTotal: 150, missingTelemetry: 5, stale: false, diverged: false }]]);
    const [live] = verdicts([{ metric: 'data-loss', target: { device: 'mon-001' }, max: 5 }], {
      simulatedMs: END,
      agents,
      shadows,
      live: true,
    });
    expect(live).toMatchObject({ passed: true, measured: 3.2258 }); // 5 of 155, 4 decimals
    // At the end every message published and not received is lost.
    const [final] = verdicts([{ metric: 'data-loss', target: { device: 'mon-001' }, max: 5 }], { simulatedMs: END, agents, shadows });
    expect(final).toMatchObject({ passed: false, measured: 25 });
  });

  it('reads the delivery ledger: a duplicated copy is not a delivery, backfill, duplicates, out of order, longest silence', () => {
    const ledger = new DeliveryLedger();
    // mon-001 published 10: 2 lost, 2 of the rest delivered twice (a duplicating fault), 4 held while
    // offline of which 3 were sent and arrived. Its commands (cmd) are the twin's, not counted.
    for (let seq = 1; seq <= 10; seq++) ledger.published('mon-001', 'telemetry', seq, seq * 1000);
    for (const seq of [7, 8, 9, 10]) ledger.held('mon-001', 'telemetry', seq);
    ledger.lost('mon-001', 'telemetry', 1, 'network:dropped');
    ledger.lost('mon-001', 'telemetry', 10, 'buffer-overflow');
    for (const seq of [7, 8, 9]) ledger.released('mon-001', 'telemetry', seq, 60_000);
    for (const seq of [2, 3, 3, 4, 4, 5, 6, 7, 8, 9]) ledger.delivered('mon-001', 'telemetry', seq, seq * 1000);
    ledger.published('mon-001', 'cmd', 1, 0);
    const shadows = new Map([
      [
        'mon-001',
        {
          receivedTotal: 10,
          missingTelemetry: 2,
          stale: false,
          diverged: false,
          outOfOrderTelemetry: 1,
          longestSilenceMs: 50_000,
          lastSeen: END - 1000,
          firstReportAt: 0,
        },
      ],
      // Heard last 30 min before the end: the silence still open at the end counts.
      [
        'mon-002',
        {
          receivedTotal: 0,
          missingTelemetry: 0,
          stale: true,
          diverged: false,
          outOfOrderTelemetry: 0,
          longestSilenceMs: 5000,
          lastSeen: END - 30 * MIN,
          firstReportAt: 0,
        },
      ],
    ]);
    const target = { device: 'mon-001' };
    const [loss, backfill, staleness, stalest, dups, reordered] = verdicts(
      [
        { metric: 'data-loss', target, max: 10 },
        { metric: 'backfill-complete', target, min: 99 },
        { metric: 'max-staleness', target, max: 60 },
        { metric: 'max-staleness', target: { kind: 'patient-monitor' }, aggregate: 'max', max: 60 },
        { metric: 'duplicates', target, max: 0 },
        { metric: 'out-of-order', target, max: 1 },
      ],
      { simulatedMs: END, shadows, ledger },
    );
    // 8 of 10 distinct messages reached the twin (the twin's receivedTotal of 10 counts the copies).
    expect(loss).toMatchObject({ passed: false, measured: 20 });
    expect(backfill).toMatchObject({ passed: false, measured: 75 });
    expect(staleness).toMatchObject({ passed: true, measured: 50 });
    expect(stalest).toMatchObject({ passed: false, measured: 1800 });
    expect(stalest!.message).toContain('(worst: mon-002 1800.00 s, mon-001 50.00 s)');
    expect(dups).toMatchObject({ passed: false, measured: 2 });
    expect(reordered).toMatchObject({ passed: true, measured: 1 });
  });

  it('has no backfill figure for a device that never held a message', () => {
    const ledger = new DeliveryLedger();
    ledger.published('mon-001', 'telemetry', 1, 0);
    ledger.delivered('mon-001', 'telemetry', 1, 0);
    const [v] = verdicts([{ metric: 'backfill-complete', target: { device: 'mon-001' }, min: 100 }], { simulatedMs: END, ledger });
    expect(v).toMatchObject({ passed: false, measured: null });
  });

  it('fails rather than passing vacuously when no selected device has a value', () => {
    const [v] = verdicts([{ metric: 'mard', target: { kind: 'infusion-pump' }, max: 10 }]);
    expect(v).toMatchObject({ passed: false, measured: null });
    expect(v!.message).toBe('no selected device (kind infusion-pump, 2 devices) has a value for mard (it applies to cgm)');
  });

  it('rejects an unknown metric, naming the nearest one', () => {
    const raw = expectationSchema.parse({ type: 'metric', name: 'typo', metric: 'mardd', max: 1 });
    expect(() => createJudges([raw], { fleetPlan })).toThrow(InputError);
    expect(() => createJudges([raw], { fleetPlan })).toThrow(/unknown metric "mardd" — did you mean "mard"\?/);
  });

  it('exports every metric name for the loader', () => {
    expect(METRIC_NAMES).toEqual(
      expect.arrayContaining([
        'mard',
        'clarke-ab',
        'time-in-range',
        'time-below-70',
        'time-below-54',
        'time-above-180',
        'time-above-250',
        'lbgi',
        'hbgi',
        'dose-error',
        'data-loss',
        'stale-fraction',
        'alarms',
        'mae-hr',
        'mae-spo2',
      ]),
    );
  });
});
