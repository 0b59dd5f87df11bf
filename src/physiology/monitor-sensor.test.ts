import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { MONITOR_SIGNALS, MonitorSensor, type MonitorSignal } from './monitor-sensor.ts';

const TRUE: Record<MonitorSignal, number> = { hr: 150, spo2: 92, rr: 16, temp: 37.23, sbp: 121, dbp: 77, map: 92 };

function errors(signal: MonitorSignal, n: number, seed = 1): number[] {
  const sensor = new MonitorSensor(new Rng(seed).fork('sensor'));
  return Array.from({ length: n }, () => (sensor.measure(signal, TRUE[signal]) ?? Number.NaN) - TRUE[signal]);
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length);
};

describe('MonitorSensor', () => {
  it.each(MONITOR_SIGNALS)('%s errors have about the stated SD and no bias', (signal) => {
    const sensor = new MonitorSensor(new Rng(0));
    const stated = sensor.errorSd(signal, TRUE[signal]);
    const e = errors(signal, 200_000);
    expect(Math.abs(mean(e))).toBeLessThan(stated * 0.1);
    // Rounding to the display resolution adds a little variance.
    expect(sd(e) / stated).toBeGreaterThan(0.9);
    expect(sd(e) / stated).toBeLessThan(1.12);
  });

  it('states the standard accuracies', () => {
    const sensor = new MonitorSensor(new Rng(0));
    expect(sensor.errorSd('hr', 60)).toBe(1);
    expect(sensor.errorSd('hr', 150)).toBeCloseTo(1.5);
    expect(sensor.errorSd('spo2', 97)).toBe(1);
    expect(sensor.errorSd('sbp', 120)).toBe(8);
    expect(sensor.errorSd('temp', 37)).toBe(0.1);
  });

  it('rounds and clamps as a monitor displays', () => {
    const sensor = new MonitorSensor(new Rng(2));
    for (let i = 0; i < 2000; i++) {
      const spo2 = sensor.measure('spo2', 99.5);
      expect(Number.isInteger(spo2)).toBe(true);
      expect(spo2).toBeLessThanOrEqual(100);
      const temp = sensor.measure('temp', 36.84);
      expect(String(temp)).toMatch(/^\d+(\.\d)?$/);
    }
  });

  it('keeps SpO2 errors correlated from second to second, NIBP errors independent', () => {
    const lag1 = (xs: number[]) => {
      const m = mean(xs);
      let num = 0;
      let den = 0;
      for (let i = 0; i < xs.length; i++) {
        den += (xs[i]! - m) ** 2;
        if (i > 0) num += (xs[i]! - m) * (xs[i - 1]! - m);
      }
      return num / den;
    };
    expect(lag1(errors('spo2', 50_000))).toBeGreaterThan(0.8);
    expect(Math.abs(lag1(errors('sbp', 50_000)))).toBeLessThan(0.05);
  });

  it('is deterministic per seed and applies overrides', () => {
    expect(errors('hr', 50, 3)).toEqual(errors('hr', 50, 3));
    expect(errors('hr', 50, 3)).not.toEqual(errors('hr', 50, 4));
    const biased = new MonitorSensor(new Rng(5), { sbp: { bias: 5, sd: 0 } });
    expect(biased.measure('sbp', 120)).toBe(125);
  });

  it('displays whole numbers as they are, never -0, and decimals rounded to the resolution', () => {
    const sensor = new MonitorSensor(new Rng(8), { hr: { sd: 0, relSd: 0, bias: -0.4, min: -10 }, temp: { sd: 0 } });
    expect(Object.is(sensor.measure('hr', 0), 0)).toBe(true);
    expect(sensor.measure('hr', 71.3)).toBe(71);
    expect(sensor.measure('temp', 36.74)).toBe(36.7);
    expect(sensor.measure('temp', 36.66)).toBe(36.7);
  });

  it('rejects bad input with what it received', () => {
    const sensor = new MonitorSensor(new Rng(6));
    expect(() => sensor.measure('hr', Number.NaN)).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: MonitorSensor.measure("hr") needs a finite true value, received NaN]`,
    );
    expect(() => sensor.measure('glucose' as MonitorSignal, 100)).toThrow(/cannot measure "glucose"/);
    expect(() => new MonitorSensor(new Rng(7), { spo2: { phi: 1 } })).toThrow(/phi in \[0, 1\)/);
  });
});
