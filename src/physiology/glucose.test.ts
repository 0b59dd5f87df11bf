import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { GlucoseModel, basalRateFor, nominalParameters } from './glucose.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

const patient = (seed: string | number, options: Partial<ConstructorParameters<typeof GlucoseModel>[1]> = {}) =>
  new GlucoseModel(new Rng(seed).fork('patient'), { weightKg: 70, ...options });

function trace(model: GlucoseModel, until: number, every = 5 * MIN): number[] {
  const out: number[] = [];
  for (let t = model.now + every; t <= until; t += every) {
    model.advanceTo(t);
    out.push(model.glucose());
  }
  return out;
}

describe('GlucoseModel (Hovorka 2004)', () => {
  it('gives the Hovorka mean patient a basal need of about 0.45 U/h at 70 kg', () => {
    // Hand check: with insulin action half-saturated at ≈34 mU/L (8 mg/kg/min maximal disposal), plasma
    // insulin ≈ 6.5 mU/L holds 120 mg/dL; × VI·ke = 0.12·70·0.138 L/min → ≈ 0.45 U/h.
    expect(basalRateFor(nominalParameters(70), 120)).toBeCloseTo(0.45, 1);
  });

  it('holds a patient on its basal rate steady for 24 h', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      for (const route of ['iv', 'sc'] as const) {
        const model = patient(seed, { route });
        const values = trace(model, 24 * HOUR);
        expect(Math.min(...values)).toBeGreaterThan(119);
        expect(Math.max(...values)).toBeLessThan(121);
      }
    }
  });

  it('settles at the glucose whose basal rate it is given', () => {
    const model = patient(7);
    model.setInsulinRate(model.basalRateUPerH(160));
    model.advanceTo(48 * HOUR);
    expect(model.glucose()).toBeGreaterThan(150);
    expect(model.glucose()).toBeLessThan(165);
  });

  it('rises without insulin, as type 1 diabetes does', () => {
    const model = patient(3);
    model.setInsulinRate(0);
    model.advanceTo(12 * HOUR);
    expect(model.glucose()).toBeGreaterThan(250);
  });

  it('raises glucose after a meal and lowers it after a bolus', () => {
    const fed = patient(11);
    fed.addMeal({ at: HOUR, carbsG: 60 });
    fed.advanceTo(2 * HOUR);
    expect(fed.glucose()).toBeGreaterThan(160);

    const dosed = patient(11);
    dosed.advanceTo(HOUR);
    dosed.bolus(2);
    dosed.advanceTo(3 * HOUR);
    expect(dosed.glucose()).toBeLessThan(100);
  });

  it('absorbs an SC bolus more slowly than an IV one', () => {
    const iv = patient(12);
    const sc = patient(12);
    iv.bolus(2);
    sc.bolus(2, 'sc');
    iv.advanceTo(10 * MIN);
    sc.advanceTo(10 * MIN);
    expect(iv.plasmaInsulin()).toBeGreaterThan(sc.plasmaInsulin() + 10);
    iv.advanceTo(2 * HOUR);
    sc.advanceTo(2 * HOUR);
    expect(sc.plasmaInsulin()).toBeGreaterThan(iv.plasmaInsulin());
  });

  it('lags interstitial glucose behind plasma glucose while it rises', () => {
    const model = patient(5);
    model.addMeal({ at: 0, carbsG: 50 });
    model.advanceTo(45 * MIN);
    expect(model.interstitialGlucose()).toBeLessThan(model.glucose() - 5);
    model.advanceTo(12 * HOUR); // glucose nearly level again: the lag has caught up
    expect(Math.abs(model.interstitialGlucose() - model.glucose())).toBeLessThan(2);
  });

  it('is a pure function of seed and inputs, whatever the caller’s tick', () => {
    const a = patient('same');
    const b = patient('same');
    expect(b.parameters).toEqual(a.parameters);
    a.addMeal({ at: 30 * MIN, carbsG: 40 });
    b.addMeal({ at: 30 * MIN, carbsG: 40 });
    for (let t = 7_000; t <= 3 * HOUR; t += 7_000) a.advanceTo(t); // odd ticks, off the 1-minute grid
    b.advanceTo(3 * HOUR);
    a.advanceTo(3 * HOUR);
    expect(a.glucose()).toBe(b.glucose());
    expect(patient('other').parameters).not.toEqual(a.parameters);
  });

  it('is idempotent for the same t and refuses to go back', () => {
    const model = patient(2);
    model.addMeal({ at: 10 * MIN, carbsG: 30 });
    model.advanceTo(HOUR + 1234);
    const g = model.glucose();
    model.advanceTo(HOUR + 1234);
    expect(model.glucose()).toBe(g);
    expect(() => model.advanceTo(HOUR)).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: GlucoseModel cannot go back in time: now is 3601234 ms, asked for 3600000 ms]`,
    );
  });

  it('applies an insulin change at the exact time it is made', () => {
    const early = patient(4);
    early.advanceTo(30 * MIN + 30_000);
    early.setInsulinRate(5);
    early.advanceTo(2 * HOUR);
    const late = patient(4);
    late.advanceTo(31 * MIN);
    late.setInsulinRate(5);
    late.advanceTo(2 * HOUR);
    expect(early.glucose()).toBeLessThan(late.glucose());
  });

  it('uses the Hovorka means when variability is off, scaled by insulin sensitivity', () => {
    const model = patient(1, { variability: false, insulinSensitivity: 0.5 });
    expect(model.parameters.sIT).toBeCloseTo(51.2e-4 / 2, 10);
    expect(model.parameters.egp0).toBe(0.0161);
    expect(model.basalRateUPerH()).toBeGreaterThan(basalRateFor(nominalParameters(70), 120) * 1.5);
  });
});
