import type { Faker } from '@faker-js/faker';
// The English locale's own entry point: the package root loads every locale (~30 MB) for two names.
import { faker as fakerEN } from '@faker-js/faker/locale/en';
import type { Rng } from '../core/rng.ts';

/** Conditions a synthetic patient can carry, with their ICD-10 codes. */
export const CONDITIONS = {
  'type1-diabetes': { code: 'E10', display: 'Type 1 diabetes mellitus' },
  'type2-diabetes': { code: 'E11', display: 'Type 2 diabetes mellitus' },
  'stress-hyperglycaemia': { code: 'R73.9', display: 'Hyperglycaemia, unspecified' },
  hypertension: { code: 'I10', display: 'Essential (primary) hypertension' },
  sepsis: { code: 'A41.9', display: 'Sepsis, unspecified organism' },
} as const;

const FakerClass = fakerEN.constructor as typeof Faker;

export type ConditionName = keyof typeof CONDITIONS;

export interface Condition {
  name: ConditionName;
  code: string;
  display: string;
}

export interface PatientDemographics {
  id: string;
  givenName: string;
  familyName: string;
  /** Display name, "Given Family". */
  name: string;
  /** Medical record number, "MRN-" and eight digits. */
  mrn: string;
  /** Years. */
  age: number;
  sex: 'female' | 'male';
  weightKg: number;
  heightCm: number;
  conditions: Condition[];
  /** Always true: no real person is described. */
  synthetic: true;
}

export interface PatientOptions {
  /** Given by the caller, e.g. "P-001". */
  id: string;
  conditions?: readonly ConditionName[];
  /** Inclusive age range in years; default 18–85 (adults). */
  age?: { min: number; max: number };
}

/**
 * Adult height and BMI, roughly as NHANES 2015–2018 reports for US adults (Fryar CD, et al.,
 * "Anthropometric reference data for children and adults: United States, 2015–2018", Vital Health Stat
 * 3(46), 2021): mean height about 175 cm (men) and 161 cm (women), SD about 7 cm; mean BMI about 29.
 */
const HEIGHT_CM = { male: { mean: 175.4, sd: 7.6 }, female: { mean: 161.5, sd: 7.1 } } as const;
const BMI_MEDIAN = 28;
const BMI_LOG_SD = 0.18;

/**
 * A synthetic patient drawn from `rng`: the same stream state gives the same patient. Names come from
 * faker's English locale, drawing on the same stream.
 */
export function generatePatient(rng: Rng, options: PatientOptions): PatientDemographics {
  // faker's uniform distributor calls a destructured `next`, so the stream's methods are bound here.
  const faker = new FakerClass({ locale: fakerEN.rawDefinitions, randomizer: { next: () => rng.next(), seed: (seed) => rng.seed(seed) } });
  const sex = rng.bernoulli(0.5) ? 'female' : 'male';
  const givenName = faker.person.firstName(sex);
  const familyName = faker.person.lastName();
  const mrn = `MRN-${faker.string.numeric({ length: 8, allowLeadingZeros: false })}`;
  const { min, max } = options.age ?? { min: 18, max: 85 };
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 0 && max >= min)) {
    throw new RangeError(`generatePatient: age range must be whole years with min ≤ max, received ${min}–${max}`);
  }
  const age = rng.int(min, max);
  const h = HEIGHT_CM[sex];
  let heightCm = round1(clamp(rng.normal(h.mean, h.sd), h.mean - 3 * h.sd, h.mean + 3 * h.sd));
  let bmi = clamp(BMI_MEDIAN * Math.exp(BMI_LOG_SD * rng.normal()), 17, 50);
  if (age < 18) {
    // Children and adolescents: Weech's rule for height (6 × age + 77 cm, up to the adult mean) and the
    // CDC 2000 BMI-for-age 50th percentile, about 15.5 at 7 years rising to 21 at 17.
    heightCm = round1(Math.min(h.mean, 6 * age + 77) * Math.exp(0.04 * clamp(rng.normal(), -3, 3)));
    bmi = clamp((15 + 0.55 * Math.max(0, age - 6)) * Math.exp(0.12 * rng.normal()), 12, 40);
  }
  const weightKg = round1(bmi * (heightCm / 100) ** 2);
  const conditions = (options.conditions ?? []).map((name) => ({ name, ...CONDITIONS[name] }));
  return {
    id: options.id,
    givenName,
    familyName,
    name: `${givenName} ${familyName}`,
    mrn,
    age,
    sex,
    weightKg,
    heightCm,
    conditions,
    synthetic: true,
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
