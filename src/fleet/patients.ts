import type { Rng } from '../core/rng.ts';
import { SyntheticPatient } from '../physiology/patient.ts';
import type { CohortName } from '../physiology/cohorts.ts';
import type { Meal } from '../physiology/meals.ts';
import type { Acuity } from '../physiology/vital-profiles.ts';

/** Kinds whose presence at a bed gives its patient glucose–insulin dynamics. */
const GLUCOSE_KINDS = new Set(['cgm']);

export interface CreatePatientOptions {
  id: string;
  kinds: readonly string[];
  rng: Rng;
  durationMs: number;
  randomMeals?: boolean;
  /** Dose exactly what the patient needs instead of a prescription with its errors (prescription.ts). */
  exactDosing?: boolean;
  meals?: readonly Meal[];
  /** True when an insulin pump is attached to the bed: it then supplies the patient's basal insulin. */
  insulinPump?: boolean;
  /** The age group the bed's patient is drawn from (default adult). */
  cohort?: CohortName;
  /** The unit's patient mix (default ward). */
  acuity?: Acuity;
}

/** The patient in one bed. */
export function createPatient(options: CreatePatientOptions): SyntheticPatient {
  return new SyntheticPatient({
    id: options.id,
    rng: options.rng,
    glucose: options.insulinPump || options.kinds.some((k) => GLUCOSE_KINDS.has(k)),
    durationMs: options.durationMs,
    randomMeals: options.randomMeals,
    exactDosing: options.exactDosing,
    meals: options.meals,
    cohort: options.cohort,
    acuity: options.acuity,
    basalFromPump: options.insulinPump,
  });
}
