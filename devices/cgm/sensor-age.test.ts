import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { drawSensorAge, sensorAgeGain } from './sensor-age.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('CGM sensor age', () => {
  it('reads low on day 1, fading by 36 h, exact from then to day 7, then drifts', () => {
    const profile = { earlyGain: -0.1, lateDriftPerDay: -0.01 };
    expect(sensorAgeGain(profile, 0)).toBeCloseTo(-0.1, 10);
    expect(sensorAgeGain(profile, 12 * HOUR)).toBeCloseTo(-0.1 / Math.E, 10);
    expect(sensorAgeGain(profile, 36 * HOUR)).toBe(0);
    expect(sensorAgeGain(profile, 5 * DAY)).toBe(0);
    expect(sensorAgeGain(profile, 9 * DAY)).toBeCloseTo(-0.02, 10);
  });

  it('draws fresh sensors that mostly read low at insertion, each its own', () => {
    const rng = new Rng('sensors').fork('plant');
    const profiles = Array.from({ length: 400 }, () => drawSensorAge(rng));
    const low = profiles.filter((p) => p.earlyGain < 0).length;
    expect(low).toBeGreaterThan(380);
    expect(new Set(profiles.map((p) => p.earlyGain)).size).toBe(400);
    const mean = profiles.reduce((s, p) => s + p.earlyGain, 0) / profiles.length;
    expect(mean).toBeGreaterThan(-0.11);
    expect(mean).toBeLessThan(-0.09);
  });
});
