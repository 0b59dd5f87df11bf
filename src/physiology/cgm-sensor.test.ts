import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { CgmSensor, DEFAULT_CGM_NOISE, DEFAULT_CGM_READING_ERROR, SIMGLUCOSE_ONLY, notAKnotSpline } from './cgm-sensor.ts';

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
    const sensor = new CgmSensor(new Rng(1), { lambda: 0 }, SIMGLUCOSE_ONLY);
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

  it('keeps simglucose’s error sequence whatever the per-reading noise and gain add', () => {
    const plain = new CgmSensor(new Rng('same'), {}, SIMGLUCOSE_ONLY);
    const full = new CgmSensor(new Rng('same'));
    const a = Array.from({ length: 100 }, () => plain.measure(150));
    const b = Array.from({ length: 100 }, () => plain.nextError());
    const c = Array.from({ length: 100 }, () => full.measure(150));
    const d = Array.from({ length: 100 }, () => full.nextError());
    expect(d).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('adds Dexcom G6 per-reading noise: AR(2), SD about 5 mg/dL, lag-1 correlation about 0.92', () => {
    expect(DEFAULT_CGM_READING_ERROR).toMatchObject({ alpha1: 1.22, alpha2: -0.331, variance: 3.641 });
    // With λ = 0 the simglucose part is the constant ξ, and the gain is off: what remains is the noise.
    const sensor = new CgmSensor(new Rng('fast'), { lambda: 0 }, { ...DEFAULT_CGM_READING_ERROR, gainSd: 0 });
    const v = Array.from({ length: 50_000 }, () => sensor.measure(100) - (100 - 5.47));
    const mean = v.reduce((s, x) => s + x, 0) / v.length;
    const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
    let cov = 0;
    for (let i = 1; i < v.length; i++) cov += (v[i]! - mean) * (v[i - 1]! - mean);
    expect(Math.abs(mean)).toBeLessThan(0.5);
    expect(sd).toBeGreaterThan(4.5);
    expect(sd).toBeLessThan(5.6);
    expect(cov / (v.length - 1) / sd ** 2).toBeCloseTo(0.917, 1);
  });

  it('draws a calibration gain error per sensor (SD 6 %, within ±2 SD)', () => {
    const gains = Array.from({ length: 500 }, (_, i) => new CgmSensor(new Rng(i).fork('cgm')).gain);
    const mean = gains.reduce((s, x) => s + x, 0) / gains.length;
    const sd = Math.sqrt(gains.reduce((s, x) => s + (x - mean) ** 2, 0) / gains.length);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    // A normal truncated at ±2 SD keeps 77 % of its SD.
    expect(sd).toBeCloseTo(0.06 * 0.774, 2);
    expect(Math.max(...gains.map(Math.abs))).toBeLessThanOrEqual(0.12);
    expect(new CgmSensor(new Rng(1), {}, SIMGLUCOSE_ONLY).gain).toBe(0);
  });

  it('never shows a steady glucose as seven equal whole-mg/dL readings, where simglucose’s spline alone does', () => {
    // The twin calls seven equal readings (30 minutes) a frozen sensor (fleet/plausibility.ts).
    const longestRun = (sensor: CgmSensor) => {
      let run = 1;
      let longest = 1;
      let last = Number.NaN;
      for (let i = 0; i < 288 * 100; i++) {
        const shown = Math.round(sensor.measure(120));
        run = shown === last ? run + 1 : 1;
        longest = Math.max(longest, run);
        last = shown;
      }
      return longest;
    };
    expect(longestRun(new CgmSensor(new Rng('steady'), {}, SIMGLUCOSE_ONLY))).toBeGreaterThanOrEqual(7);
    expect(longestRun(new CgmSensor(new Rng('steady')))).toBeLessThan(7);
  });

  it('refuses a sample time the 150-minute block cannot hold', () => {
    expect(() => new CgmSensor(new Rng(1), { sampleTimeMin: 0 })).toThrow(
      'CgmSensor: sampleTimeMin must be in (0, 150] minutes, received 0',
    );
  });
});
