import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { rig } from '../../test/helpers/device-rig.ts';
import { accuracyEnvelopePct, deliveryFactor, drawDeliveryError, lowRateWidening } from './accuracy.ts';
import { infusionPump as pump } from './index.ts';
import type { PumpPlant } from './plant.ts';
import { defaultSettings } from './telemetry.ts';

const s = defaultSettings.accuracy;

/** Delivered ÷ programmed − 1, in %, of `n` pumps and their sets at `rate`. */
function errorsPct(n: number, rate: number): number[] {
  return Array.from({ length: n }, (_, i) => 100 * (deliveryFactor(drawDeliveryError(new Rng('fleet').fork(`pump-${i}`), s), rate) - 1));
}
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length);

describe('delivery accuracy', () => {
  it('keeps every pump in use within the ±5 % volumetric pumps claim at the standard’s 25 mL/h, spread about 2 %', () => {
    const errors = errorsPct(2000, 25);
    expect(Math.max(...errors.map(Math.abs))).toBeLessThanOrEqual(5);
    expect(sd(errors)).toBeGreaterThan(1.8);
    expect(sd(errors)).toBeLessThan(2.2);
    // Not a uniform spread to the limit: most pumps are well inside it.
    expect(errors.filter((e) => Math.abs(e) <= 2).length / errors.length).toBeGreaterThan(0.6);
    expect(accuracyEnvelopePct(100, s)).toBe(5);
  });

  it('grows at low rates, up to 3× at 1 mL/h, and never delivers less than nothing', () => {
    expect(lowRateWidening(100)).toBe(1);
    expect(lowRateWidening(25)).toBe(1);
    expect(lowRateWidening(6.25)).toBe(2);
    expect(lowRateWidening(1)).toBe(3);
    expect(Math.max(...errorsPct(2000, 1).map(Math.abs))).toBeLessThanOrEqual(accuracyEnvelopePct(1, s));
    expect(sd(errorsPct(2000, 1))).toBeCloseTo(3 * sd(errorsPct(2000, 25)), 6);
    expect(accuracyEnvelopePct(10, s)).toBeCloseTo(7.9, 1);
    expect(deliveryFactor({ testPct: -50 }, 1)).toBe(0);
  });

  it('is a lasting error of the pump and its set: the same every hour, the same for the same seed, another for another pump', () => {
    const hourly = (id: string, seed = 'acc') => {
      const p = rig<PumpPlant>(pump, { id, seed, profile: { drug: 'normal-saline', rate: 25, vtbi: 1000 } });
      p.runTo(3000);
      const volumes = [0, 1, 2].map(() => {
        const before = p.plant.deliveredMl;
        p.run(3_600_000);
        return p.plant.deliveredMl - before;
      });
      return { volumes, counted: p.plant.volumeInfusedMl };
    };
    const a = hourly('pump-001');
    expect(a.volumes[0]).not.toBeCloseTo(25, 3);
    expect(a.volumes[1]).toBeCloseTo(a.volumes[0]!, 9);
    expect(a.volumes[2]).toBeCloseTo(a.volumes[0]!, 9);
    expect(a.counted).toBeCloseTo(75, 6); // the pump counts what it was told
    expect(hourly('pump-001')).toEqual(a);
    expect(hourly('pump-002').volumes[0]).not.toBeCloseTo(a.volumes[0]!, 3);
  });
});
