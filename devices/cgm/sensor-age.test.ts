import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { drawSensorAge, sensorAgeGain } from './sensor-age.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('CGM sensor age', () => {
  it('reads low on days 1–2, fading to exactly zero at 48 h with no step, exact from then to day 7, then drifts', () => {
    const profile = { earlyGain: -0.15, lateDriftPerDay: -0.01 };
    const tail = Math.exp(-48 / 20);
    expect(sensorAgeGain(profile, 0)).toBeCloseTo(-0.15, 10);
    expect(sensorAgeGain(profile, 20 * HOUR)).toBeCloseTo((-0.15 * (1 / Math.E - tail)) / (1 - tail), 10);
    // Day 1 carries most of it: past 24 h less than a third of the insertion error is left.
    expect(Math.abs(sensorAgeGain(profile, 24 * HOUR))).toBeLessThan(0.05);
    // No step where the early phase ends: a minute before 48 h the error is already under 0.01 %.
    expect(Math.abs(sensorAgeGain(profile, 48 * HOUR - 60_000))).toBeLessThan(1e-4);
    expect(sensorAgeGain(profile, 48 * HOUR)).toBe(0);
    expect(sensorAgeGain(profile, 5 * DAY)).toBe(0);
    expect(sensorAgeGain(profile, 9 * DAY)).toBeCloseTo(-0.02, 10);
  });

  it('fades monotonically over the early phase', () => {
    const profile = { earlyGain: -0.15, lateDriftPerDay: 0 };
    let previous = Number.NEGATIVE_INFINITY;
    for (let t = 0; t <= 48 * HOUR; t += HOUR) {
      const g = sensorAgeGain(profile, t);
      expect(g).toBeGreaterThan(previous);
      previous = g;
    }
  });

  it('draws fresh sensors that mostly read low at insertion, each its own', () => {
    const rng = new Rng('sensors').fork('plant');
    const profiles = Array.from({ length: 400 }, () => drawSensorAge(rng));
    const low = profiles.filter((p) => p.earlyGain < 0).length;
    expect(low).toBeGreaterThan(380); // mean −15 %, SD 7 %: about 1.6 % of sensors read high
    expect(new Set(profiles.map((p) => p.earlyGain)).size).toBe(400);
    const mean = profiles.reduce((s, p) => s + p.earlyGain, 0) / profiles.length;
    expect(mean).toBeGreaterThan(-0.16);
    expect(mean).toBeLessThan(-0.14);
  });
});
