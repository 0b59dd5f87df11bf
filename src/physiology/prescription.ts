import type { Rng } from '../core/rng.ts';

/**
 * How a patient's insulin doses miss what the patient's body needs. The glucose model knows each
 * patient's exact basal need and carb ratio; nobody treating the patient does. Without these errors
 * a basal-bolus patient never goes below 70 mg/dL, where adults with type 1 diabetes on CGM spend
 * 2–4 % of their time (the consensus target is under 4 %: Battelino T et al., "Clinical targets for
 * continuous glucose monitoring data interpretation: recommendations from the international consensus
 * on time in range", Diabetes Care 2019;42:1593–1603).
 *
 * - **Carbohydrate counting**: each meal's bolus is dosed for an estimate of its carbohydrate, normal
 *   around the truth with SD 25 %: adults with type 1 diabetes miss by a mean 15.4 g, about 21 % of
 *   the meal (Brazeau AS et al., "Carbohydrate counting accuracy and blood glucose variability in
 *   adults with type 1 diabetes", Diabetes Res Clin Pract 2013;99:19–23), and a normal error's mean
 *   absolute value is 0.8 SD.
 * - **Prescribed doses**: the basal rate and carb ratio a patient is prescribed are the patient's true
 *   needs times a per-patient factor, log-normal with σ 0.2 (basal) and 0.25 (carb ratio). These
 *   spreads are chosen, not measured: they bring a population on basal-bolus therapy to the published
 *   time below 70 mg/dL (npm run validate:clinical; docs/physiology.md).
 */
export interface Prescription {
  /** Prescribed basal rate ÷ the rate that holds the patient at 120 mg/dL. */
  basalFactor: number;
  /** Prescribed carb ratio ÷ the patient's true one. */
  carbRatioFactor: number;
}

export const PRESCRIPTION_SPREAD = Object.freeze({ basalSigma: 0.2, carbRatioSigma: 0.25, carbCountSd: 0.25 });

/** Exact doses: every factor 1 and no counting error. */
export const EXACT_PRESCRIPTION: Prescription = Object.freeze({ basalFactor: 1, carbRatioFactor: 1 });

/** A patient's prescription, from its own stream. */
export function drawPrescription(rng: Rng): Prescription {
  return {
    basalFactor: Math.exp(rng.normal(0, PRESCRIPTION_SPREAD.basalSigma)),
    carbRatioFactor: Math.exp(rng.normal(0, PRESCRIPTION_SPREAD.carbRatioSigma)),
  };
}

/**
 * The meal bolus (U) for a meal of `carbsG`, counted with a fresh error from `counting` (omit it for an
 * exact count), at the prescribed carb ratio, rounded to the half unit an insulin pen doses.
 */
export function mealBolusUnits(carbsG: number, trueCarbRatio: number, prescription: Prescription, counting?: Rng): number {
  const counted = counting ? Math.max(0, carbsG * (1 + counting.normal(0, PRESCRIPTION_SPREAD.carbCountSd))) : carbsG;
  return Math.round((counted / (trueCarbRatio * prescription.carbRatioFactor)) * 2) / 2;
}
