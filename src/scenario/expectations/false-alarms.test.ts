import { describe, expect, it } from 'vitest';
import { expectationSchema } from '../schema.ts';
import { createJudges } from './index.ts';
import { ev, icuFleet, stream } from '../../../test/helpers/expectation-fixtures.ts';

const fleetPlan = icuFleet(2); // mon/pump/cgm-001 on P-001, -002 on P-002
const MIN = 60_000;
const END = 120 * MIN;

const vitals = { hr: 80, spo2: 97, rr: 14, temp: 37, sbp: 120, dbp: 80, map: 93 };

/** Two hours of a ward: some alarms false, some explained by faults, clinical events or the truth. */
const ward = [
  ev.runStarted(END),
  // False: SpO2 reading dipped, the patient did not.
  ev.monitor(10 * MIN, 'mon-001', { spo2: 84 }, vitals),
  ev.alarm(10 * MIN, 'mon-001', 'spo2.low', 'high', { parameter: 'spo2', value: 84, limit: 85 }),
  ev.monitor(10 * MIN + 1000, 'mon-001', { spo2: 97 }, vitals),
  ev.monitor(16 * MIN, 'mon-001', { spo2: 97 }, vitals),
  // True: the patient's heart rate really is high (truth arrives a second later).
  ev.alarm(20 * MIN, 'mon-002', 'hr.high', 'medium', { parameter: 'hr', value: 150, limit: 140 }),
  ev.monitor(20 * MIN + 1000, 'mon-002', { hr: 150 }, { ...vitals, hr: 152 }),
  // During an occlusion fault, and within the grace after it reverts: explained.
  ev.injected(29 * MIN, 'occl', 'device.occlusion-downstream', 'pump-001', null),
  ev.alarm(30 * MIN, 'pump-001', 'occlusion.downstream'),
  ev.reverted(31 * MIN, 'occl', 'device.occlusion-downstream', 'pump-001'),
  ev.alarm(35 * MIN, 'pump-001', 'occlusion.downstream'),
  // After the grace: false.
  ev.alarm(40 * MIN, 'pump-001', 'occlusion.downstream'),
  // During the patient's desaturation event: explained.
  ev.clinical(50 * MIN, 'P-002', 'desaturation', 50 * MIN, 55 * MIN),
  ev.alarm(52 * MIN, 'mon-002', 'spo2.low', 'high', { parameter: 'spo2', value: 84, limit: 85 }),
  // A meal's real high: the truth at the same instant (which may sort before the alarm) explains it.
  ev.cgm(60 * MIN, 'cgm-001', 240, 250),
  ev.alarm(60 * MIN, 'cgm-001', 'glucose.high', 'medium', { parameter: 'glucose', value: 240, limit: 180 }),
  // A predictive low that came true 15 minutes later.
  ev.alarm(70 * MIN, 'cgm-002', 'glucose.urgent-low-soon', 'medium', { parameter: 'glucose', value: 80, limit: 55 }),
  ev.cgm(75 * MIN, 'cgm-002', 70, 68),
  ev.cgm(85 * MIN, 'cgm-002', 56, 54),
  // Suppressed alarms were never announced: not false alarms.
  ev.alarm(90 * MIN, 'mon-002', 'rr.high', 'medium', { suppressed: true }),
  ev.runFinished(END),
];

function judges(...raws: Record<string, unknown>[]) {
  return createJudges(
    raws.map((r) => expectationSchema.parse({ type: 'false-alarms', name: `fa-${JSON.stringify(r)}`, ...r })),
    { fleetPlan, plan: { seed: 1 } },
  );
}

describe('false-alarms judge', () => {
  it('counts only unexplained announced alarms, per device-hour, with them as evidence', () => {
    const [strict, lenient] = judges({ maxPerDeviceHour: 0.1 }, { maxPerDeviceHour: 0.2 });
    const events = stream(ward, [strict!, lenient!]);
    const falseIds = events
      .filter(
        (e) => e.type === 'alarm.raised' && ((e.source === 'mon-001' && e.t === 10 * MIN) || (e.source === 'pump-001' && e.t === 40 * MIN)),
      )
      .map((e) => e.id);

    const failed = strict!.finish({ simulatedMs: END });
    expect(failed.passed).toBe(false);
    expect(failed.measured).toBeCloseTo(2 / 12, 4); // 6 devices × 2 h
    expect(failed.threshold).toBe('<= 0.1 per device-hour');
    expect(failed.evidence).toEqual(falseIds);
    expect(failed.message).toBe(
      '2 false alarms on 6 devices over 12.0 device-hours: 0.167 per device-hour > 0.1 (spo2.low on mon-001 at 00:10:00, occlusion.downstream on pump-001 at 00:40:00); 6 other alarms explained by faults, clinical events or true values',
    );
    expect(lenient!.finish({ simulatedMs: END }).passed).toBe(true);
  });

  it('narrows to one alarm code and to the target devices', () => {
    const [byCode, monitors] = judges(
      { alarm: 'spo2.low', maxPerDeviceHour: 0.1 },
      { target: { kind: 'patient-monitor' }, maxPerDeviceHour: 0.1 },
    );
    stream(ward, [byCode!, monitors!]);
    const code = byCode!.finish({ simulatedMs: END });
    expect(code.measured).toBeCloseTo(1 / 12, 4);
    expect(code.passed).toBe(true);
    expect(code.message).toMatch(/^1 false spo2\.low alarm on 6 devices/);
    const mon = monitors!.finish({ simulatedMs: END });
    expect(mon.measured).toBe(0.25); // one false alarm over 2 monitors × 2 h
    expect(mon.passed).toBe(false);
  });

  it('passes a quiet run and fails an empty selection', () => {
    const [quiet, none] = judges({ maxPerDeviceHour: 0 }, { target: { kind: 'ventilator' }, maxPerDeviceHour: 1 });
    stream([ev.runStarted(END), ev.monitor(MIN, 'mon-001', { hr: 80 }, vitals), ev.runFinished(END)], [quiet!, none!]);
    expect(quiet!.finish()).toMatchObject({ passed: true, measured: 0, evidence: [] });
    expect(none!.finish().message).toBe('no device matches the target (kind ventilator)');
  });

  it('counts a limit alarm as false when no telemetry confirms it before the window closes', () => {
    const [j] = judges({ maxPerDeviceHour: 0 });
    stream(
      [
        ev.alarm(MIN, 'mon-001', 'hr.low', 'medium', { parameter: 'hr', value: 38, limit: 40 }),
        ev.monitor(7 * MIN, 'mon-001', { hr: 80 }, { hr: 35 }),
      ],
      [j!],
    );
    expect(j!.finish({ simulatedMs: 10 * MIN }).measured).toBeGreaterThan(0);
  });
});
