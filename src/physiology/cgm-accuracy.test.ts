import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { CgmSensor } from './cgm-sensor.ts';
import { GlucoseModel } from './glucose.ts';
import { generateMeals } from './meals.ts';
import { AccuracyStats, GlycaemicStats } from './metrics.ts';

const SEED = 'cgm-accuracy';
const DAYS = 10;
const PATIENTS = 12;
const SAMPLE_MS = 5 * 60_000;

/**
 * One 10-day sensor wear: a virtual T1D patient on an SC pump (basal plus a bolus per meal), simglucose
 * random meals, and a CGM reading the interstitial glucose every 5 minutes, judged against true plasma
 * glucose as clinical accuracy studies judge against a laboratory reference.
 */
function wear(rng: Rng, accuracy: AccuracyStats, glycaemia: GlycaemicStats): number {
  const patient = new GlucoseModel(rng.fork('physiology'), { weightKg: rng.fork('weight').uniform(55, 95), route: 'sc' });
  const sensor = new CgmSensor(rng.fork('sensor'));
  const meals = generateMeals(rng.fork('meals'), DAYS);
  const carbRatio = patient.carbRatioGPerU();
  const own = new AccuracyStats();
  let next = 0;
  for (let t = 0; t <= DAYS * 86_400_000; t += SAMPLE_MS) {
    for (; next < meals.length && meals[next]!.at <= t; next++) {
      const meal = meals[next]!;
      patient.advanceTo(meal.at);
      patient.addMeal(meal);
      patient.bolus(meal.carbsG / carbRatio);
    }
    patient.advanceTo(t);
    const reference = patient.glucose();
    const reading = sensor.measure(patient.interstitialGlucose());
    own.add(reference, reading);
    accuracy.add(reference, reading);
    glycaemia.add(reference);
  }
  return own.summary().mard;
}

describe('simulated CGM accuracy', () => {
  it(`a ${DAYS}-day wear on ${PATIENTS} virtual patients shows the MARD of real CGMs (about 9 %)`, () => {
    console.log(`cgm accuracy seed: ${SEED}`);
    const accuracy = new AccuracyStats();
    const glycaemia = new GlycaemicStats();
    const root = new Rng(SEED);
    const perPatient = Array.from({ length: PATIENTS }, (_, i) => wear(root.fork(`patient:${i + 1}`), accuracy, glycaemia));
    const summary = accuracy.summary();
    const glucose = glycaemia.summary();
    console.log(
      `pooled MARD ${summary.mard.toFixed(2)} % (patients ${perPatient.map((m) => m.toFixed(1)).join(', ')}); ` +
        `Clarke A ${summary.clarke.A.toFixed(1)} % B ${summary.clarke.B.toFixed(1)} %; mean glucose ${glucose.mean.toFixed(0)} mg/dL, TIR ${glucose.inRange.toFixed(0)} %`,
    );
    expect(summary.n).toBe(PATIENTS * (DAYS * 288 + 1));
    // Published accuracy studies of current sensors: MARD about 8–10 % (cgm-sensor.ts). Before the
    // per-reading noise and per-sensor gain error, simglucose's additive error alone gave about 6 %.
    expect(summary.mard).toBeGreaterThanOrEqual(7);
    expect(summary.mard).toBeLessThanOrEqual(11);
    // One wear's MARD depends on its sensor's gain error and that patient's glucose level; real sensors'
    // MARD spreads widely between sensors too.
    for (const m of perPatient) expect(m).toBeGreaterThan(3);
    for (const m of perPatient) expect(m).toBeLessThan(20);
    expect(summary.clarke.A).toBeGreaterThan(90);
    expect(summary.clarke.C + summary.clarke.D + summary.clarke.E).toBeLessThan(1);
    // The patients themselves are plausible T1D patients on pump therapy.
    expect(glucose.mean).toBeGreaterThan(110);
    expect(glucose.mean).toBeLessThan(180);
    expect(glucose.inRange).toBeGreaterThan(50);
  });
});
