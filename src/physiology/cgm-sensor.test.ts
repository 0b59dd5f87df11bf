import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { CgmSensor, DEFAULT_CGM_NOISE, notAKnotSpline } from './cgm-sensor.ts';

describe('notAKnotSpline', () => {
  it('reproduces a cubic exactly, as a not-a-knot spline must', () => {
    const cubic = (x: number) => 0.5 * x ** 3 - 2 * x ** 2 + x - 7;
    const spline = notAKnotSpline([0, 15, 30, 45, 60, 75].map(cubic), 15);
    for (const x of [0, 5, 22.5, 50, 75]) expect(spline(x)).toBeCloseTo(cubic(x), 6);
  });
});

describe('CgmSensor (simglucose noise model)', () => {
  it('uses simglucose’s sensor_params.csv values', () => {
    expect(DEFAULT_CGM_NOISE).toEqual({
      pacf: 0.7,
      gamma: -0.5444,
      lambda: 15.9574,
      delta: 1.6898,
      xi: -5.47,
      sampleTimeMin: 5,
      min: 39,
      max: 600,
    });
  });

  it('applies the Johnson SU transform: with λ = 0 the error is ξ', () => {
    const sensor = new CgmSensor(new Rng(1), { lambda: 0 });
    expect(sensor.measure(100)).toBeCloseTo(100 - 5.47, 10);
  });

  it('clips readings to 39–600 mg/dL', () => {
    const sensor = new CgmSensor(new Rng(1));
    expect(sensor.measure(10)).toBe(39);
    expect(sensor.measure(900)).toBe(600);
  });

  it('is deterministic per stream', () => {
    const a = new CgmSensor(new Rng('s').fork('cgm'));
    const b = new CgmSensor(new Rng('s').fork('cgm'));
    const c = new CgmSensor(new Rng('t').fork('cgm'));
    const read = (s: CgmSensor) => Array.from({ length: 50 }, () => s.measure(120));
    const ra = read(a);
    expect(read(b)).toEqual(ra);
    expect(read(c)).not.toEqual(ra);
  });

  it('produces smooth, strongly autocorrelated errors of about 10 mg/dL', () => {
    const sensor = new CgmSensor(new Rng('stats'));
    const e = Array.from({ length: 20_000 }, () => sensor.nextError());
    const mean = e.reduce((s, x) => s + x, 0) / e.length;
    const sd = Math.sqrt(e.reduce((s, x) => s + (x - mean) ** 2, 0) / e.length);
    let cov = 0;
    for (let i = 1; i < e.length; i++) cov += (e[i]! - mean) * (e[i - 1]! - mean);
    const lag1 = cov / (e.length - 1) / sd ** 2;
    expect(Math.abs(mean)).toBeLessThan(2);
    expect(sd).toBeGreaterThan(7);
    expect(sd).toBeLessThan(14);
    // 15-minute AR(1) with coefficient 0.7, interpolated to 5 minutes: neighbours are close.
    expect(lag1).toBeGreaterThan(0.85);
  });

  it('refuses a sample time the 150-minute block cannot hold', () => {
    expect(() => new CgmSensor(new Rng(1), { sampleTimeMin: 0 })).toThrow(
      'CgmSensor: sampleTimeMin must be in (0, 150] minutes, received 0',
    );
  });
});
