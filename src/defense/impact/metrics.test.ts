import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../core/event-log.ts';
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
    expect(metric.compute(events, { device: 'pump-001', from: 10 * MIN, to: 40 * MIN })).toBeCloseTo(1450, 0);
  });
  it('is zero when the program ran untouched, and null without a dose account', () => {
    const steady = [0, 10, 20, 30].map((m) => pumpAt(m * MIN, (m / 60) * 1000, 1000));
    expect(metric.compute(steady, { device: 'pump-001', from: 5 * MIN, to: 30 * MIN })).toBeCloseTo(0, 6);
    expect(metric.compute([], { device: 'pump-001', from: 0, to: MIN })).toBeNull();
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
    expect(metric.compute(events, { device: 'cgm-001', from: 0, to: 60 * MIN })).toBe(15);
    expect(metric.compute(events, { device: 'cgm-001', from: 10 * MIN, to: 60 * MIN })).toBe(10);
  });
  it('is zero for a patient in range, null for a device with no glucose truth', () => {
    expect(metric.compute([truth(0, 'cgm-001', 'glucose', 120)], { device: 'cgm-001', from: 0, to: MIN })).toBe(0);
    expect(metric.compute([truth(0, 'monitor-001', 'spo2', 97)], { device: 'monitor-001', from: 0, to: MIN })).toBeNull();
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
    expect(metric.compute([...spo2, raised(3 * MIN)], { device: 'monitor-001', from: 0, to: 20 * MIN })).toBe(1);
    expect(metric.compute([...spo2, raised(3 * MIN, true)], { device: 'monitor-001', from: 0, to: 20 * MIN })).toBe(10);
  });
  it('is zero when the alarm came with the desaturation', () => {
    expect(metric.compute([...spo2, raised(2 * MIN)], { device: 'monitor-001', from: 0, to: 20 * MIN })).toBe(0);
  });
});

describe('therapy-interruption-minutes', () => {
  const metric = IMPACT_METRICS['therapy-interruption-minutes'];
  const state = (t: number, to: string) => ev(t, 'pump-001', 'state.changed', { from: 'x', to });
  it('counts the minutes a running infusion spent paused within the window', () => {
    const events = [state(0, 'infusing'), state(10 * MIN, 'paused'), state(25 * MIN, 'infusing'), state(30 * MIN, 'paused')];
    expect(metric.compute(events, { device: 'pump-001', from: 5 * MIN, to: 35 * MIN })).toBe(20);
  });
  it('judges the state just before the window: a pause at its first instant counts', () => {
    expect(metric.compute([state(0, 'infusing'), state(10 * MIN, 'paused')], { device: 'pump-001', from: 10 * MIN, to: 20 * MIN })).toBe(
      10,
    );
  });
  it('is zero for a pump that was not infusing when the window opened', () => {
    expect(metric.compute([state(0, 'idle')], { device: 'pump-001', from: MIN, to: 10 * MIN })).toBe(0);
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
    const w = { device: 'pump-001', from: 5000, to: 60_000 };
    expect(IMPACT_METRICS['time-to-detection'].compute(events, w)).toBe(2);
    expect(IMPACT_METRICS['time-to-containment'].compute(events, w)).toBe(10);
  });
  it('are null when nothing was detected or contained', () => {
    const w = { device: 'pump-001', from: 5000, to: 60_000 };
    expect(IMPACT_METRICS['time-to-detection'].compute([alert(6000, 'pump-002')], w)).toBeNull();
    expect(IMPACT_METRICS['time-to-containment'].compute([alert(6000)], w)).toBeNull();
  });
});

describe('records-exposed', () => {
  it('counts distinct devices the adversary received data of', () => {
    const events = [
      ev(1000, 'adversary', 'attack.ended', { exposed: ['pump-001', 'cgm-001'] }),
      ev(2000, 'adversary', 'attack.ended', { exposed: ['cgm-001'] }),
    ];
    expect(IMPACT_METRICS['records-exposed'].compute(events, { device: '', from: 0, to: 10_000 })).toBe(2);
    expect(IMPACT_METRICS['records-exposed'].compute([], { device: '', from: 0, to: 10_000 })).toBeNull();
  });
});

it('every metric is registered under its own name with a unit and a sourced rationale', () => {
  for (const name of IMPACT_METRIC_NAMES) {
    expect(IMPACT_METRICS[name].name).toBe(name);
    expect(IMPACT_METRICS[name].unit).not.toBe('');
    expect(IMPACT_METRICS[name].rationale.length).toBeGreaterThan(60);
  }
});
