import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../core/event-log.ts';
import { PatientDevices } from './patients.ts';
import { IMPACT_METRICS, IMPACT_METRIC_NAMES } from './registry.ts';

const MIN = 60_000;
const ev = (t: number, source: string, type: string, data: Record<string, unknown>): SimEvent => ({ t, source, type, data });
/** A pump's telemetry every minute: running dose total and the dose rate from then on. */
const pumpAt = (t: number, amount: number, doseRatePerH: number) =>
  ev(t, 'pump-001', 'telemetry', {
    delivered: { drug: 'heparin', rateMlPerH: doseRatePerH / 100, doseRatePerH, doseUnit: 'U/h', volumeMl: amount / 100, amount },
  });
const truth = (t: number, source: string, signal: string, value: number) => ev(t, source, 'telemetry', { truth: { [signal]: value } });

describe('dose-excess', () => {
  const metric = IMPACT_METRICS['dose-excess'];
  it('is the amount delivered beyond the pre-attack rate: 1,000 U/h reprogrammed to 3,900 U/h for 30 min gives 1,450 U extra', () => {
    const events = [
      pumpAt(0, 0, 1000),
      pumpAt(10 * MIN, 166.667, 1000),
      pumpAt(10 * MIN + 1, 166.667, 3900),
      pumpAt(40 * MIN, 166.667 + 1950, 3900),
    ];
    expect(metric.compute(events, { devices: ['pump-001'], from: 10 * MIN, to: 40 * MIN })).toBeCloseTo(1450, 0);
  });
  it('is zero when the program ran untouched, and null without a dose account', () => {
    const steady = [0, 10, 20, 30].map((m) => pumpAt(m * MIN, (m / 60) * 1000, 1000));
    expect(metric.compute(steady, { devices: ['pump-001'], from: 5 * MIN, to: 30 * MIN })).toBeCloseTo(0, 6);
    expect(metric.compute([], { devices: ['pump-001'], from: 0, to: MIN })).toBeNull();
  });
});

describe('glucose-below-54-minutes', () => {
  const metric = IMPACT_METRICS['glucose-below-54-minutes'];
  it('counts true glucose below 54 mg/dL sample-and-hold within the window only', () => {
    const events = [
      truth(0, 'cgm-001', 'glucose', 100),
      truth(5 * MIN, 'cgm-001', 'glucose', 50),
      truth(15 * MIN, 'cgm-001', 'glucose', 53),
      truth(20 * MIN, 'cgm-001', 'glucose', 80),
    ];
    expect(metric.compute(events, { devices: ['cgm-001'], from: 0, to: 60 * MIN })).toBe(15);
    expect(metric.compute(events, { devices: ['cgm-001'], from: 10 * MIN, to: 60 * MIN })).toBe(10);
  });
  it('is zero for a patient in range, null for a device with no glucose truth', () => {
    expect(metric.compute([truth(0, 'cgm-001', 'glucose', 120)], { devices: ['cgm-001'], from: 0, to: MIN })).toBe(0);
    expect(metric.compute([truth(0, 'monitor-001', 'spo2', 97)], { devices: ['monitor-001'], from: 0, to: MIN })).toBeNull();
  });
});

describe('unalarmed-desaturation-minutes', () => {
  const metric = IMPACT_METRICS['unalarmed-desaturation-minutes'];
  const spo2 = [truth(0, 'monitor-001', 'spo2', 97), truth(2 * MIN, 'monitor-001', 'spo2', 84), truth(12 * MIN, 'monitor-001', 'spo2', 96)];
  const raised = (t: number, suppressed?: boolean) =>
    ev(t, 'monitor-001', 'alarm.raised', {
      alarm: { code: 'spo2.low', parameter: 'spo2', priority: 'high' },
      ...(suppressed ? { suppressed } : {}),
    });
  it('counts desaturation until an alarm is announced, and all of it when the alarm was suppressed', () => {
    expect(metric.compute([...spo2, raised(3 * MIN)], { devices: ['monitor-001'], from: 0, to: 20 * MIN })).toBe(1);
    expect(metric.compute([...spo2, raised(3 * MIN, true)], { devices: ['monitor-001'], from: 0, to: 20 * MIN })).toBe(10);
  });
  it('is zero when the alarm came with the desaturation', () => {
    expect(metric.compute([...spo2, raised(2 * MIN)], { devices: ['monitor-001'], from: 0, to: 20 * MIN })).toBe(0);
  });
});

describe('station-unalarmed-desaturation-minutes', () => {
  const metric = IMPACT_METRICS['station-unalarmed-desaturation-minutes'];
  const spo2 = [truth(0, 'monitor-001', 'spo2', 97), truth(2 * MIN, 'monitor-001', 'spo2', 84), truth(12 * MIN, 'monitor-001', 'spo2', 96)];
  const bedside = ev(2 * MIN, 'monitor-001', 'alarm.raised', { alarm: { code: 'spo2.low', parameter: 'spo2', priority: 'high' } });
  const shown = (t: number) => ev(t, 'twin', 'twin.alarm.raised', { device: 'monitor-001', code: 'spo2.low', parameter: 'spo2' });
  const cleared = (t: number) => ev(t, 'twin', 'twin.alarm.cleared', { device: 'monitor-001', code: 'spo2.low' });
  const window = { devices: ['monitor-001'], from: 0, to: 20 * MIN };
  it('counts the desaturation the station did not show, whatever the bedside monitor announced', () => {
    expect(metric.compute([...spo2, bedside, shown(2 * MIN)], window)).toBe(0);
    expect(metric.compute([...spo2, bedside, shown(2 * MIN), cleared(3 * MIN)], window)).toBe(9);
    expect(metric.compute([...spo2, bedside], window)).toBe(10);
  });
  it('reads only the patient’s devices at the station', () => {
    const other = ev(2 * MIN, 'twin', 'twin.alarm.raised', { device: 'monitor-002', code: 'spo2.low', parameter: 'spo2' });
    expect(metric.compute([...spo2, other], window)).toBe(10);
  });
});

describe('therapy-interruption-minutes', () => {
  const metric = IMPACT_METRICS['therapy-interruption-minutes'];
  const state = (t: number, to: string) => ev(t, 'pump-001', 'state.changed', { from: 'x', to });
  it('counts the minutes a running infusion spent paused within the window', () => {
    const events = [state(0, 'infusing'), state(10 * MIN, 'paused'), state(25 * MIN, 'infusing'), state(30 * MIN, 'paused')];
    expect(metric.compute(events, { devices: ['pump-001'], from: 5 * MIN, to: 35 * MIN })).toBe(20);
  });
  it('judges the state just before the window: a pause at its first instant counts', () => {
    expect(metric.compute([state(0, 'infusing'), state(10 * MIN, 'paused')], { devices: ['pump-001'], from: 10 * MIN, to: 20 * MIN })).toBe(
      10,
    );
  });
  it('is zero for a pump that was not infusing when the window opened', () => {
    expect(metric.compute([state(0, 'idle')], { devices: ['pump-001'], from: MIN, to: 10 * MIN })).toBe(0);
  });
});

describe('time-to-detection and time-to-containment', () => {
  const alert = (t: number, device?: string) => ev(t, 'ids', 'ids.alert', { rule: 'x', ...(device ? { device } : {}) });
  it('measure from the attack start to the first alert (about the target or the site) and the first containment', () => {
    const events = [
      alert(1000, 'pump-001'),
      alert(4000, 'pump-002'),
      alert(7000, 'pump-001'),
      alert(9000),
      ev(15_000, 'broker', 'auth.lockout', {}),
    ];
    const w = { devices: ['pump-001'], from: 5000, to: 60_000 };
    expect(IMPACT_METRICS['time-to-detection'].compute(events, w)).toBe(2);
    expect(IMPACT_METRICS['time-to-containment'].compute(events, w)).toBe(10);
  });
  it('are null when nothing was detected or contained', () => {
    const w = { devices: ['pump-001'], from: 5000, to: 60_000 };
    expect(IMPACT_METRICS['time-to-detection'].compute([alert(6000, 'pump-002')], w)).toBeNull();
    expect(IMPACT_METRICS['time-to-containment'].compute([alert(6000)], w)).toBeNull();
  });
});

describe('records-exposed', () => {
  it('counts distinct patients the adversary received data of, among the window’s devices', () => {
    const events = [
      ev(1000, 'adversary', 'attack.ended', { exposed: ['pump-001', 'cgm-001', 'pump-002'] }),
      ev(2000, 'adversary', 'attack.ended', { exposed: ['cgm-001'] }),
    ];
    const patients = new PatientDevices([
      { id: 'pump-001', patientId: 'P-001' },
      { id: 'cgm-001', patientId: 'P-001' },
      { id: 'pump-002', patientId: 'P-002' },
    ]);
    const metric = IMPACT_METRICS['records-exposed'];
    // Site-wide: two patients, though three devices were read.
    expect(metric.compute(events, patients.windowFor(metric, 'pump-001', 0, 10_000))).toBe(2);
    // One patient's devices: that patient was exposed.
    expect(metric.compute(events, { devices: ['pump-002'], from: 0, to: 10_000, patientOf: patients.patientOf })).toBe(1);
    expect(metric.compute([], { devices: ['pump-001'], from: 0, to: 10_000 })).toBe(0);
  });
});

describe('per patient', () => {
  const patients = new PatientDevices([
    { id: 'pump-001', patientId: 'P-001' },
    { id: 'cgm-001', patientId: 'P-001' },
    { id: 'pump-002', patientId: 'P-002' },
  ]);
  it('an attack on a pump is judged on its patient’s CGM truth too', () => {
    const metric = IMPACT_METRICS['glucose-below-54-minutes'];
    const events = [truth(0, 'cgm-001', 'glucose', 100), truth(10 * MIN, 'cgm-001', 'glucose', 50)];
    expect(metric.compute(events, { devices: ['pump-001'], from: 0, to: 30 * MIN })).toBeNull();
    expect(metric.compute(events, patients.windowFor(metric, 'pump-001', 0, 30 * MIN))).toBe(20);
    expect(metric.compute(events, patients.windowFor(metric, 'pump-002', 0, 30 * MIN))).toBeNull();
  });
});

describe('alarms-missed', () => {
  const metric = IMPACT_METRICS['alarms-missed'];
  const raised = (t: number, suppressed = false) =>
    ev(t, 'monitor-001', 'alarm.raised', {
      alarm: { code: 'spo2.low', parameter: 'spo2', priority: 'high' },
      ...(suppressed ? { suppressed } : {}),
    });
  const cleared = (t: number) => ev(t, 'monitor-001', 'alarm.cleared', { code: 'spo2.low' });
  const spo2 = [
    truth(0, 'monitor-001', 'spo2', 97),
    truth(2 * MIN, 'monitor-001', 'spo2', 85),
    truth(5 * MIN, 'monitor-001', 'spo2', 96),
    truth(10 * MIN, 'monitor-001', 'spo2', 84),
    truth(12 * MIN, 'monitor-001', 'spo2', 97),
  ];
  const w = { devices: ['monitor-001'], from: 0, to: 20 * MIN };
  it('counts episodes of true desaturation with no announced alarm; a suppressed alarm is missed', () => {
    expect(metric.compute(spo2, w)).toBe(2);
    expect(metric.compute([...spo2, raised(2 * MIN), cleared(5 * MIN)], w)).toBe(1);
    expect(metric.compute([...spo2, raised(2 * MIN, true), raised(10 * MIN + 5000), cleared(12 * MIN)], w)).toBe(1);
  });
  it('is null for a patient with no SpO2 or glucose truth', () => {
    expect(metric.compute([], w)).toBeNull();
  });
});

describe('devices-unavailable-minutes', () => {
  const metric = IMPACT_METRICS['devices-unavailable-minutes'];
  const flag = (t: number, type: string, device: string) => ev(t, 'twin', type, { device });
  it('sums the minutes the twin had each of the patient’s devices stale, within the window', () => {
    const events = [
      flag(2 * MIN, 'twin.stale', 'pump-001'),
      flag(6 * MIN, 'twin.fresh', 'pump-001'),
      flag(3 * MIN, 'twin.stale', 'cgm-001'),
      flag(1 * MIN, 'twin.stale', 'pump-002'),
    ];
    expect(metric.compute(events, { devices: ['pump-001', 'cgm-001'], from: 4 * MIN, to: 10 * MIN })).toBe(2 + 6);
    expect(metric.compute([], { devices: ['pump-001'], from: 0, to: 10 * MIN })).toBe(0);
  });
});

it('every metric is registered under its own name with a unit and a sourced rationale', () => {
  for (const name of IMPACT_METRIC_NAMES) {
    expect(IMPACT_METRICS[name].name).toBe(name);
    expect(IMPACT_METRICS[name].unit).not.toBe('');
    expect(IMPACT_METRICS[name].rationale.length).toBeGreaterThan(60);
  }
});
