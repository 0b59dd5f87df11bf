import type { Rng } from '../core/rng.ts';
import type { TrueRhythm } from './arrhythmia-analysis.ts';
import type { ClinicalEventInput } from './clinical-events.ts';
import { COHORTS, type CohortName } from './cohorts.ts';
import { generatePatient, type ConditionName, type PatientDemographics } from './demographics.ts';
import { GlucoseModel } from './glucose.ts';
import { IntegrityMonitor, type PhysiologyIssue } from './integrity.ts';
import { generateMeals, type Meal } from './meals.ts';
import { drawPrescription, EXACT_PRESCRIPTION, mealBolusUnits, type Prescription } from './prescription.ts';
import type { SignalName, SignalValues } from './signals.ts';
import { VITAL_PROFILES, drawVitalProfile, type Acuity, type VitalProfileName } from './vital-profiles.ts';
import { VitalsModel, drawVitalsBaseline } from './vitals.ts';

export interface SyntheticPatientOptions {
  id: string;
  rng: Rng;
  /** Give the patient glucose–insulin dynamics (a CGM or an insulin pump is attached). */
  glucose?: boolean;
  /** Length of the run, for generating random meals. */
  durationMs?: number;
  /** Time of day at simulation time 0, hours. Default 8 (a run starts at the morning round). */
  startHour?: number;
  /** Random meals in simglucose's style. Default true. */
  randomMeals?: boolean;
  meals?: readonly Meal[];
  /** The age group the patient is drawn from (cohorts.ts). Default `adult`. */
  cohort?: CohortName;
  /**
   * The unit the patient is in, which sets the chance of each illness profile (vital-profiles.ts).
   * Default `ward`: mostly stable patients and a share of sick ones.
   */
  acuity?: Acuity;
  /** Forces the illness profile instead of drawing it from the acuity mix. */
  profile?: VitalProfileName;
  /**
   * The patient's basal insulin comes from an insulin pump at the bed (a hospital IV insulin infusion):
   * when no pump delivers insulin, none reaches the patient. Otherwise the patient is on long-acting
   * basal insulin, at its own basal rate, whenever no pump delivers.
   */
  basalFromPump?: boolean;
  /**
   * Doses exactly what the patient needs (basal and carb ratio, meal carbohydrate counted exactly)
   * instead of drawing the prescription and counting errors real patients have (prescription.ts).
   * Default false.
   */
  exactDosing?: boolean;
}

/** An insulin delivery into the patient, U/h, from one device. */
export interface InsulinDelivery {
  drug: string;
  doseRatePerH: number;
  doseUnit: string;
}

/**
 * A synthetic patient: demographics, vital signs and (for patients on a CGM or an insulin pump) a
 * Hovorka glucose–insulin system. Prandial insulin follows a hospital basal-bolus regimen: a nurse
 * gives a bolus by the patient's carb ratio at each meal; basal insulin comes from an insulin pump when
 * one is infusing, otherwise from long-acting insulin at the patient's own basal rate.
 */
export class SyntheticPatient {
  readonly id: string;
  readonly demographics: PatientDemographics;
  readonly vitals: VitalsModel;
  /** The illness profile shaping the vital signs (drawn by the seed from the unit's mix). */
  readonly profile: VitalProfileName;
  readonly glucoseModel: GlucoseModel | undefined;
  readonly meals: readonly Meal[];
  /** The doses the patient is prescribed against its true needs (prescription.ts). */
  readonly prescription: Prescription;
  readonly #counting: Rng | undefined;
  #boluses: { at: number; units: number }[] = [];
  #insulin = new Map<string, number>();
  readonly #basalFromPump: boolean;
  #now = 0;
  readonly #integrity = new IntegrityMonitor();
  #glucoseIssues: PhysiologyIssue[] = [];

  constructor(options: SyntheticPatientOptions) {
    const { rng } = options;
    this.id = options.id;
    const conditions: ConditionName[] = options.glucose ? ['type1-diabetes'] : [];
    const cohort = options.cohort ?? 'adult';
    this.#basalFromPump = options.basalFromPump ?? false;
    this.demographics = generatePatient(rng.fork('demographics'), { id: options.id, conditions, age: COHORTS[cohort].ages });
    const startHour = options.startHour ?? 8;
    this.profile = options.profile ?? drawVitalProfile(rng.fork('profile'), options.acuity ?? 'ward');
    const profile = VITAL_PROFILES[this.profile];
    const baseline = drawVitalsBaseline(rng.fork('baseline'), { ageYears: this.demographics.age, sex: this.demographics.sex }, profile);
    this.vitals = new VitalsModel(rng.fork('vitals'), baseline, { startHour, profile });
    this.prescription = options.exactDosing || !options.glucose ? EXACT_PRESCRIPTION : drawPrescription(rng.fork('prescription'));
    this.#counting = options.exactDosing || !options.glucose ? undefined : rng.fork('carb-count');
    if (options.glucose) {
      const model = new GlucoseModel(rng.fork('glucose'), {
        weightKg: this.demographics.weightKg,
        initialGlucose: 130,
        cohort,
        endogenous: { startHour },
      });
      if (!this.#basalFromPump && !options.exactDosing) model.setInsulinRate(this.#ownBasal(model));
      this.glucoseModel = model;
      const days = Math.max(1, Math.ceil((options.durationMs ?? 86_400_000) / 86_400_000));
      const random = options.randomMeals === false ? [] : generateMeals(rng.fork('meals'), days, { startHour });
      this.meals = [...random, ...(options.meals ?? [])].sort((a, b) => a.at - b.at);
      const ratio = model.carbRatioGPerU();
      for (const meal of this.meals) {
        model.addMeal({ at: meal.at, carbsG: meal.carbsG });
        // A pen dose, given subcutaneously (see advanceTo).
        this.#boluses.push({ at: meal.at, units: mealBolusUnits(meal.carbsG, ratio, this.prescription, this.#counting) });
      }
    } else {
      this.meals = [];
    }
  }

  advanceTo(t: number): void {
    if (t <= this.#now) return;
    const model = this.glucoseModel;
    if (model) {
      while (this.#boluses.length > 0 && this.#boluses[0]!.at <= t) {
        const bolus = this.#boluses.shift()!;
        model.advanceTo(Math.max(bolus.at, model.now));
        // A nurse's meal bolus is a pen injection under the skin, absorbed over hours — not IV.
        if (bolus.units > 0) model.bolus(bolus.units, 'sc');
      }
      model.advanceTo(t);
      const issues = model.takeIssues();
      if (issues.length > 0) this.#glucoseIssues.push(...issues);
    }
    this.vitals.advanceTo(t);
    this.#now = t;
  }

  /**
   * Impossible true states since the last call: the glucose model's (checked at every solver step) and
   * the vital signs' (checked whenever a device reads them). Emptied by the call.
   */
  takeIntegrityIssues(): readonly PhysiologyIssue[] {
    const vitals = this.#integrity.take();
    if (this.#glucoseIssues.length === 0) return vitals;
    const out = [...this.#glucoseIssues, ...vitals];
    this.#glucoseIssues = [];
    return out;
  }

  /**
   * True values now; with `signals`, only what is asked for. Glucose between the model's 1-minute steps
   * costs a partial integration step, and a ward's monitors and pumps, sampling every second at their
   * own phases, never ask for it.
   */
  truth(signals?: readonly SignalName[]): SignalValues {
    const v = this.vitals.truth();
    const out: SignalValues = { hr: v.hr, spo2: v.spo2, rr: v.rr, temp: v.temp, sbp: v.sbp, dbp: v.dbp, map: v.map };
    this.#integrity.check(out, this.#now);
    if (this.glucoseModel && (signals === undefined || signals.includes('glucose'))) out.glucose = this.glucoseModel.glucose();
    return out;
  }

  /** The heart's rhythm now: sinus, or the arrhythmia episode in progress. */
  rhythm(): TrueRhythm {
    return this.vitals.episode?.kind ?? 'sinus';
  }

  interstitialGlucose(): number | undefined {
    return this.glucoseModel?.interstitialGlucose();
  }

  /** Schedules a clinical event on the vital signs. */
  schedule(event: ClinicalEventInput): void {
    this.vitals.schedule(event);
  }

  /** Adds a meal (with its nurse-given bolus) at a future time. */
  addMeal(meal: Meal): void {
    const model = this.glucoseModel;
    if (!model) return;
    model.addMeal({ at: meal.at, carbsG: meal.carbsG });
    this.#boluses.push({ at: meal.at, units: mealBolusUnits(meal.carbsG, model.carbRatioGPerU(), this.prescription, this.#counting) });
    this.#boluses.sort((a, b) => a.at - b.at);
  }

  /**
   * What an infusion device delivers from time t on. Insulin in U/h feeds the glucose model; while any
   * pump infuses insulin it replaces the patient's own basal insulin. A patient whose basal insulin
   * comes from the pump (`basalFromPump`) gets none when every pump has stopped: a type 1 patient then
   * rises toward ketoacidosis, as one does when an IV insulin infusion is stopped without a plan.
   */
  setDelivery(source: string, t: number, delivery: InsulinDelivery | undefined): void {
    const model = this.glucoseModel;
    if (!model) return;
    const rate = delivery && delivery.drug === 'insulin' && delivery.doseUnit === 'U' ? delivery.doseRatePerH : undefined;
    if (rate === undefined) {
      if (!this.#insulin.has(source)) return;
      this.#insulin.delete(source);
    } else {
      if (this.#insulin.get(source) === rate) return;
      this.#insulin.set(source, rate);
    }
    this.advanceTo(t);
    let total = 0;
    for (const r of this.#insulin.values()) total += r;
    model.setInsulinRate(this.#insulin.size > 0 ? total : this.#basalFromPump ? 0 : this.#ownBasal(model));
  }

  /** The long-acting basal insulin the patient is prescribed, U/h. */
  #ownBasal(model: GlucoseModel): number {
    return model.basalRateUPerH(120) * this.prescription.basalFactor;
  }
}
