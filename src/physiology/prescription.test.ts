import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { GlucoseModel } from './glucose.ts';
import { generateMeals } from './meals.ts';
import { GlycaemicStats } from './metrics.ts';
import { SyntheticPatient } from './patient.ts';
import { drawPrescription, EXACT_PRESCRIPTION, mealBolusUnits, PRESCRIPTION_SPREAD } from './prescription.ts';

describe('prescriptions and carbohydrate counting', () => {
  it('draws per-patient dose factors log-normal around 1 with their spreads', () => {
    const draws = Array.from({ length: 2000 }, (_, i) => drawPrescription(new Rng(i).fork('prescription')));
    const sd = (xs: number[]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    };
    expect(sd(draws.map((d) => Math.log(d.basalFactor)))).toBeCloseTo(PRESCRIPTION_SPREAD.basalSigma, 1);
    expect(sd(draws.map((d) => Math.log(d.carbRatioFactor)))).toBeCloseTo(PRESCRIPTION_SPREAD.carbRatioSigma, 1);
  });

  it('doses a meal for its counted carbohydrate at the prescribed ratio, in half units', () => {
    expect(mealBolusUnits(60, 10, EXACT_PRESCRIPTION)).toBe(6);
    expect(mealBolusUnits(63, 10, EXACT_PRESCRIPTION)).toBe(6.5);
    expect(mealBolusUnits(60, 10, { basalFactor: 1, carbRatioFactor: 1.2 })).toBe(5);
    // Counted with an error: mean absolute about 20 % of the meal (Brazeau et al. 2013: 21 %).
    const counting = new Rng('count');
    const errors = Array.from({ length: 2000 }, () => Math.abs(mealBolusUnits(100, 1, EXACT_PRESCRIPTION, counting) - 100) / 100);
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    expect(mean).toBeGreaterThan(0.17);
    expect(mean).toBeLessThan(0.23);
  });

  it('gives a patient its prescribed basal and boluses, or its exact needs with exactDosing', () => {
    const prescribed = new SyntheticPatient({ id: 'P', rng: new Rng(4).fork('dosing'), glucose: true });
    const model = prescribed.glucoseModel!;
    expect(prescribed.prescription.basalFactor).not.toBe(1);
    expect(model.insulinRateUPerH).toBeCloseTo(model.basalRateUPerH(120) * prescribed.prescription.basalFactor, 10);
    const exact = new SyntheticPatient({ id: 'P', rng: new Rng(4).fork('dosing'), glucose: true, exactDosing: true });
    expect(exact.prescription).toEqual(EXACT_PRESCRIPTION);
    expect(exact.glucoseModel!.insulinRateUPerH).toBeCloseTo(exact.glucoseModel!.basalRateUPerH(130), 10);
  });

  it('gives a population on basal-bolus therapy lows that exact doses never give', () => {
    const day = (exact: boolean) => {
      const stats = new GlycaemicStats();
      for (let i = 1; i <= 24; i++) {
        const rng = new Rng(i).fork('population');
        const model = new GlucoseModel(rng.fork('glucose'), {
          weightKg: 75,
          initialGlucose: 130,
          route: 'sc',
          endogenous: { startHour: 8 },
        });
        const prescription = exact ? EXACT_PRESCRIPTION : drawPrescription(rng.fork('prescription'));
        const counting = exact ? undefined : rng.fork('carb-count');
        model.setInsulinRate(model.basalRateUPerH(120) * prescription.basalFactor);
        const meals = generateMeals(rng.fork('meals'), 1, { startHour: 8 });
        let next = 0;
        for (let t = 5 * 60_000; t <= 86_400_000; t += 5 * 60_000) {
          for (; next < meals.length && meals[next]!.at <= t; next++) {
            const meal = meals[next]!;
            model.advanceTo(Math.max(model.now, meal.at));
            model.addMeal(meal);
            model.bolus(mealBolusUnits(meal.carbsG, model.carbRatioGPerU(), prescription, counting));
          }
          model.advanceTo(t);
          stats.add(model.glucose());
        }
      }
      return stats.summary();
    };
    expect(day(true).below70).toBe(0);
    const prescribed = day(false);
    // Adults with type 1 diabetes on CGM: 2–4 % below 70 mg/dL (Battelino 2019); 24 patient-days vary.
    expect(prescribed.below70).toBeGreaterThan(0.5);
    expect(prescribed.below70).toBeLessThan(8);
  });
});
