import { describe, expect, it } from 'vitest';
import type { LoggedEvent, SimEvent } from '../core/event-log.ts';
import { createJudges, type Verdict } from '../scenario/expectations/index.ts';
import { ev, icuFleet, idOf, stream } from '../../test/helpers/expectation-fixtures.ts';
import { Collector } from './collector.ts';
import type { ExpectationResult } from '../scenario/result.ts';

const MIN = 60_000;
const END = 60 * MIN;
const vitals = { hr: 80, spo2: 97, rr: 14, temp: 37, sbp: 120, dbp: 80, map: 93 };

function ward(): SimEvent[] {
  const events: SimEvent[] = [ev.runStarted(END)];
  for (let t = 5 * MIN; t <= END; t += 5 * MIN) events.push(ev.cgm(t, 'cgm-001', 110, 100), ev.cgm(t, 'cgm-002', 100, 100));
  for (let t = 0; t < 2 * MIN; t += 5000) events.push(ev.pump(t, 'pump-001', 'infusing', 10, 10));
  for (let t = 1000; t <= 10_000; t += 1000) events.push(ev.monitor(t, 'mon-001', { hr: 82 }, vitals));
  events.push(
    ev.state(0, 'pump-001', '', 'self-test'),
    ev.state(3000, 'pump-001', 'self-test', 'infusing'),
    ev.state(2 * MIN, 'pump-001', 'infusing', 'hold'),
    ev.injected(MIN, 'occl', 'device.occlusion-downstream', 'pump-001', 2 * MIN),
    ev.alarm(MIN + 10_000, 'pump-001', 'occlusion.downstream', 'high'),
    ev.reverted(2 * MIN, 'occl', 'device.occlusion-downstream', 'pump-001'),
    ev.injected(3 * MIN, 'reboot', 'device.reboot', 'mon-002', 3 * MIN),
    ev.injected(4 * MIN, 'hang', 'device.firmware-hang', 'cgm-002', null),
    ev.alarm(5 * MIN, 'mon-001', 'spo2.low', 'high', { suppressed: true }),
    ev.alarm(6 * MIN, 'mon-001', 'hr.high', 'medium'),
    ev.twin(20 * MIN, 'twin.stale', 'cgm-002'),
    ev.twin(10 * MIN, 'twin.diverged', 'pump-002'),
    ev.twin(12 * MIN, 'twin.converged', 'pump-002'),
    ev.other(7 * MIN, 'pump-001', 'command.received', { command: 'resume' }),
    ev.other(7 * MIN, 'pump-001', 'command.rejected', { command: 'resume', code: 'alarm-active' }),
    ev.runFinished(END),
  );
  return events;
}

describe('Collector', () => {
  it('counts impossible patient states as integrity errors, keeping the first with their event ids', () => {
    const clean = new Collector(icuFleet(2));
    stream(ward(), [clean]);
    expect(clean.result({ simulatedMs: END }).integrity).toEqual({ ok: true, errors: 0, first: [] });

    const collector = new Collector(icuFleet(2));
    const invalid = ev.other(30 * MIN, 'patients', 'physiology.invalid', {
      patient: 'P-002',
      signal: 'state',
      value: 'NaN',
      at: 29 * MIN,
      reason: 'glucose model state x[0] is NaN: the solver diverged',
    });
    const sealed = stream([...ward(), invalid], [collector]);
    const id = sealed.find((e) => e.type === 'physiology.invalid')!.id;
    expect(collector.result({ simulatedMs: END }).integrity).toEqual({
      ok: false,
      errors: 1,
      first: [
        {
          eventId: id,
          t: 30 * MIN,
          patient: 'P-002',
          signal: 'state',
          value: 'NaN',
          reason: 'glucose model state x[0] is NaN: the solver diverged',
        },
      ],
    });
  });

  it('builds device results with accuracy and clinical figures against the truth', () => {
    const collector = new Collector(icuFleet(2));
    stream(ward(), [collector]);
    const { devices } = collector.result({ simulatedMs: END });
    const byId = new Map(devices.map((d) => [d.id, d]));
    expect(byId.get('cgm-001')).toMatchObject({
      kind: 'cgm',
      zone: 'icu',
      patientId: 'P-001',
      accuracy: { mard: 10, clarkeA: 100, clarkeAB: 100, n: 12 },
      clinical: { timeInRange: 100 },
    });
    expect(byId.get('mon-001')!.accuracy).toEqual({ maeHr: 2 });
    expect(byId.get('pump-001')).toMatchObject({
      finalState: 'hold',
      firmware: '2.1.0',
      alarmsRaised: 1,
      commandsReceived: 1,
      commandsRejected: 1,
      accuracy: { doseErrorPct: 0 },
      clinical: { expectedMl: 0.319, deliveredMl: 0.319 },
    });
    expect(byId.get('mon-001')).toMatchObject({ alarmsRaised: 2, published: 10, deliveredToTwin: 0 });
    expect(byId.get('pump-002')).toMatchObject({ finalState: 'unknown', published: 0 });
    expect(byId.get('pump-002')!.accuracy).toBeUndefined();
  });

  it('takes delivery and command counts from the run context when given', () => {
    const collector = new Collector(icuFleet(2));
    stream(ward(), [collector]);
    const result = collector.result({
      agents: new Map([['mon-001', { publishedTotal: 12, commandsReceived: 3, commandsRejected: 2 }]]),
      shadows: new Map([['mon-001', { receivedTotal: 11, missingTelemetry: 1, stale: true, diverged: false }]]),
    });
    expect(result.devices.find((d) => d.id === 'mon-001')).toMatchObject({
      published: 12,
      deliveredToTwin: 11,
      missing: 1,
      commandsReceived: 3,
      commandsRejected: 2,
    });
    expect(result.twin.stale).toEqual(['mon-001', 'cgm-002']); // mon-001 from its shadow, cgm-002 from the events
  });

  it('summarises alarms, twin flags and injections with their event ids', () => {
    const collector = new Collector(icuFleet(2), { maxAlarmRecords: 2 });
    const events = stream([...ward(), ev.alarm(30 * MIN, 'cgm-001', 'glucose.high', 'medium')], [collector]);
    const { alarms, twin, injections } = collector.result({ simulatedMs: END });
    expect(alarms.total).toBe(4);
    expect(alarms.byPriority).toEqual({ high: 2, medium: 2 });
    expect(alarms.byCode).toEqual({ 'occlusion.downstream': 1, 'spo2.low': 1, 'hr.high': 1, 'glucose.high': 1 });
    expect(alarms.first).toEqual([
      {
        id: idOf(events, (e) => e.type === 'alarm.raised'),
        t: MIN + 10_000,
        device: 'pump-001',
        code: 'occlusion.downstream',
        priority: 'high',
        message: 'occlusion.downstream',
      },
      {
        id: idOf(events, (e) => e.source === 'mon-001' && e.type === 'alarm.raised'),
        t: 5 * MIN,
        device: 'mon-001',
        code: 'spo2.low',
        priority: 'high',
        message: 'spo2.low',
        suppressed: true,
      },
    ]);
    expect(twin).toEqual({ stale: ['cgm-002'], diverged: [], staleEvents: 1, divergedEvents: 1 });
    expect(injections.map(({ eventId, id, device, at, until }) => ({ eventId, id, device, at, until }))).toEqual([
      { eventId: idOf(events, (e) => e.data.id === 'occl'), id: 'occl', device: 'pump-001', at: MIN, until: 2 * MIN },
      { eventId: idOf(events, (e) => e.data.id === 'reboot'), id: 'reboot', device: 'mon-002', at: 3 * MIN, until: 3 * MIN },
      { eventId: idOf(events, (e) => e.data.id === 'hang'), id: 'hang', device: 'cgm-002', at: 4 * MIN, until: null },
    ]);
  });

  it('plots a few devices per kind plus faulted ones, with fault windows and gaps for a hung device', () => {
    const fleet = icuFleet(5);
    const collector = new Collector(fleet, { seriesPerKind: 1 });
    expect(collector.seriesDevices).toEqual(['mon-001', 'pump-001', 'cgm-001']);
    stream(
      [
        ev.cgm(5 * MIN, 'cgm-004', 100, 102),
        ev.injected(6 * MIN, 'hang', 'device.firmware-hang', 'cgm-004'),
        ev.cgm(10 * MIN, 'cgm-004', 100, 98, { silenced: true }),
        ev.cgm(15 * MIN, 'cgm-005', 100, 98),
        ev.pump(5000, 'pump-001', 'infusing', 10, 10),
      ],
      [collector],
    );
    const { series } = collector.result();
    expect(collector.seriesDevices).toEqual(['mon-001', 'pump-001', 'cgm-001', 'cgm-004']);
    const cgm = series.find((s) => s.device === 'cgm-004')!;
    expect(cgm).toEqual({
      device: 'cgm-004',
      signal: 'glucose',
      unit: 'mg/dL',
      points: [[10 * MIN, null, 98]],
      faults: [{ fault: 'device.firmware-hang', from: 6 * MIN, to: null }],
    });
    expect(series.find((s) => s.device === 'pump-001' && s.signal === 'rate')!.points).toEqual([[5000, 10, 10]]);
    expect(series.some((s) => s.device === 'cgm-005')).toBe(false);
  });

  it('stays bounded over a long stream: series points and alarm records capped', () => {
    const collector = new Collector(icuFleet(1), { maxPointsPerSeries: 300 });
    collector.onEvents([{ id: 1, ...ev.runStarted(24 * 60 * MIN) }]);
    let id = 2;
    // A day of 1 Hz monitor telemetry, fed in runner-sized batches without the log (speed).
    for (let second = 1; second <= 86_400; second += 600) {
      const batch: LoggedEvent[] = [];
      for (let s = second; s < second + 600; s++) {
        const hr = 80 + (s % 60) / 10;
        batch.push({ id: id++, ...ev.monitor(s * 1000, 'mon-001', { hr, spo2: 97 }, { ...vitals, hr: hr - 1 }) });
        if (s % 30 === 0) batch.push({ id: id++, ...ev.alarm(s * 1000, 'mon-001', 'hr.high', 'medium') });
      }
      collector.onEvents(batch);
    }
    const result = collector.result({ simulatedMs: 86_400_000 });
    const monitorSeries = result.series.filter((s) => s.device === 'mon-001');
    expect(monitorSeries.map((s) => s.signal)).toEqual(['hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp', 'map']);
    for (const s of monitorSeries) expect(s.points.length).toBeLessThanOrEqual(300);
    // Buckets sized from run.started: the whole day fits at full resolution (min and max per bucket).
    expect(monitorSeries[0]!.points.length).toBeGreaterThan(190);
    expect(result.alarms.total).toBe(2880);
    expect(result.alarms.first).toHaveLength(200);
    expect(result.devices[0]!.accuracy!.maeHr).toBe(1);
  });

  it('produces verdicts that fit the run result', () => {
    const fleetPlan = icuFleet(1);
    const judges = createJudges([{ type: 'metric', name: 'mard', metric: 'mard', aggregate: 'mean', max: 15 }], { fleetPlan });
    stream([ev.cgm(5 * MIN, 'cgm-001', 110, 100)], judges);
    const verdict: Verdict = judges[0]!.finish();
    const asResult: ExpectationResult = verdict;
    expect(asResult.passed).toBe(true);
  });
});
