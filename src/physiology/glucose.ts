import type { Rng } from '../core/rng.ts';
import type { CohortName } from './cohorts.ts';
import { GlucoseVariability } from './glucose-variability.ts';
import { IntegrityMonitor, checkValue, type PhysiologyIssue } from './integrity.ts';
import {
  MG_DL_PER_MMOL_L,
  basalRateFor,
  carbRatioFor,
  counterRegulationTarget,
  effectiveInsulin,
  egp,
  f01c,
  nominalParameters,
  renal,
  samplePatientParameters,
  steadyStateInsulin,
  type HovorkaParameters,
} from './glucose-parameters.ts';

/**
 * Glucose–insulin dynamics of a person with type 1 diabetes: the Hovorka model.
 *
 * Hovorka R, Canonico V, Chassin LJ, et al. "Nonlinear model predictive control of glucose
 * concentration in subjects with type 1 diabetes." Physiol Meas 2004;25:905–920 — glucose subsystem
 * (Q1, Q2), insulin action (x1–x3), subcutaneous insulin absorption (S1, S2), plasma insulin (I) and
 * two-compartment gut absorption (G1, G2), with parameters from glucose-parameters.ts. Internally time is
 * in minutes, glucose in mmol, insulin in mU.
 */

export {
  MG_DL_PER_MMOL_L,
  basalRateFor,
  carbRatioFor,
  nominalParameters,
  samplePatientParameters,
  steadyStateInsulin,
  type HovorkaParameters,
};

const STEP_MS = 60_000;

export type PatientType = 'type1';
/** `iv`: insulin enters plasma directly (a hospital infusion pump); `sc`: through Hovorka's S1→S2 depot. */
export type InsulinRoute = 'iv' | 'sc';

export interface GlucoseModelOptions {
  weightKg: number;
  type?: PatientType;
  /** Where `setInsulinRate` and `bolus` deliver. Default `iv` (a hospital infusion pump). */
  route?: InsulinRoute;
  /** Steady-state glucose at the start, mg/dL. Default 120. */
  initialGlucose?: number;
  /** Insulin rate from the start, U/h. Default: the basal rate that holds `initialGlucose`. */
  insulinRateUPerH?: number;
  /** Draw the patient's parameters from the population (default) or use the Hovorka 2004 means. */
  variability?: boolean;
  /**
   * Multiplies SIT, SID and SIE. Below 1 models insulin resistance such as stress hyperglycaemia in
   * intensive care; this scaling is a knob, not a published model.
   */
  insulinSensitivity?: number;
  /** Simulation time of the initial state, ms. Default 0. */
  startT?: number;
  /** The population the patient's parameters are drawn from (cohorts.ts). Default `adult`. */
  cohort?: CohortName;
  /**
   * Endogenous variability of glucose production (dawn phenomenon, slow drift; glucose-variability.ts)
   * from its own stream, with the clock hour at time 0. Without it, a patient on its basal rate holds
   * one glucose value exactly.
   */
  endogenous?: { startHour: number; scale?: number };
}

export interface MealInput {
  /** Simulation time, ms. */
  at: number;
  carbsG: number;
}

// State vector layout.
const Q1 = 0,
  Q2 = 1,
  S1 = 2,
  S2 = 3,
  I = 4,
  X1 = 5,
  X2 = 6,
  X3 = 7,
  G1 = 8,
  G2 = 9,
  GI = 10,
  // Counter-regulatory hormone signal, 0–1 (glucose-parameters.ts, crThreshold).
  XC = 11;
const N = 12;
/**
 * Largest stiffness × step the integrator takes in one RK4 step (RK4 is stable below ~2.8): steps are
 * split when insulin action, clearance or a fast interstitial lag make the system stiffer.
 */
const MAX_STIFF_STEP = 0.5;

/**
 * One patient's glucose–insulin system, integrated with fixed one-minute RK4 steps on demand. Inputs
 * (insulin rate, boluses, meals) apply at exact simulation times; reading between grid points takes a
 * partial step, so queries are exact at any `t` and independent of how often the caller ticks.
 *
 * A new model starts at steady state at `initialGlucose` on its basal rate. Without insulin a type 1
 * patient rises (to 190–610 mg/dL within 12 h across drawn patients). `basalRateUPerH(g)` is the rate
 * that holds glucose at g — about 0.37 U/h for the Hovorka mean patient at 70 kg, 0.1–2.2 U/h across
 * drawn patients — so a pump programmed with it keeps the patient in range; `carbRatioGPerU()` sizes
 * meal boluses.
 */
export class GlucoseModel {
  readonly parameters: HovorkaParameters;
  readonly type: PatientType;
  readonly route: InsulinRoute;
  #base: Float64Array;
  #baseT: number;
  #now: number;
  #view: Float64Array | undefined;
  #rateMuPerMin: number;
  #meals: MealInput[] = [];
  #basalCache = new Map<number, number>();
  readonly #integrity = new IntegrityMonitor();
  readonly #endogenous: GlucoseVariability | undefined;
  readonly #scratch = [0, 1, 2, 3, 4].map(() => new Float64Array(N)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];

  constructor(rng: Rng, options: GlucoseModelOptions) {
    if (!(options.weightKg > 0)) throw new RangeError(`GlucoseModel: weightKg must be positive, received ${options.weightKg}`);
    this.type = options.type ?? 'type1';
    this.route = options.route ?? 'iv';
    const drawn =
      options.variability === false ? nominalParameters(options.weightKg) : samplePatientParameters(rng, options.weightKg, options.cohort);
    const s = options.insulinSensitivity ?? 1;
    this.parameters = Object.freeze({ ...drawn, sIT: drawn.sIT * s, sID: drawn.sID * s, sIE: drawn.sIE * s });
    if (options.endogenous) this.#endogenous = new GlucoseVariability(rng.fork('endogenous'), options.endogenous);
    const g0 = options.initialGlucose ?? 120;
    this.#rateMuPerMin = ((options.insulinRateUPerH ?? this.basalRateUPerH(g0)) * 1000) / 60;
    this.#base = this.#steadyState(g0);
    this.#baseT = options.startT ?? 0;
    this.#now = this.#baseT;
  }

  /** Current simulation time of the model, ms. */
  get now(): number {
    return this.#now;
  }

  /** Insulin rate currently delivered, U/h. */
  get insulinRateUPerH(): number {
    return (this.#rateMuPerMin * 60) / 1000;
  }

  /** The insulin rate (U/h) that holds this patient at `glucoseMgDl` (default 120) at steady state. */
  basalRateUPerH(glucoseMgDl = 120): number {
    let rate = this.#basalCache.get(glucoseMgDl);
    if (rate === undefined) {
      rate = basalRateFor(this.parameters, glucoseMgDl);
      this.#basalCache.set(glucoseMgDl, rate);
    }
    return rate;
  }

  /** Grams of carbohydrate one unit of insulin covers, for meal boluses (see `carbRatioFor`). */
  carbRatioGPerU(): number {
    return carbRatioFor(this.parameters, 120);
  }

  /** Moves the model to simulation time `t` (ms). Monotone; calling again with the same `t` is a no-op. */
  advanceTo(t: number): void {
    if (t < this.#now) throw new RangeError(`GlucoseModel cannot go back in time: now is ${this.#now} ms, asked for ${t} ms`);
    if (t === this.#now) return;
    while (this.#meals.length > 0 && this.#meals[0]!.at <= t) {
      const meal = this.#meals.shift()!;
      this.#commitTo(Math.max(meal.at, this.#baseT));
      this.#ingest(meal.carbsG);
    }
    while (this.#baseT + STEP_MS <= t) this.#commitTo(this.#baseT + STEP_MS);
    this.#now = t;
    this.#view = undefined;
  }

  /** Sets the continuous insulin rate (U/h) from now on, by the model's route. */
  setInsulinRate(uPerH: number): void {
    if (!(uPerH >= 0)) throw new RangeError(`GlucoseModel.setInsulinRate: expected a rate ≥ 0 U/h, received ${uPerH}`);
    const rate = (uPerH * 1000) / 60;
    if (rate === this.#rateMuPerMin) return;
    this.#commitTo(this.#now);
    this.#rateMuPerMin = rate;
  }

  /**
   * Gives a bolus of `units` now: into plasma (iv) or the SC depot (sc); by default by the model's route
   * (a pen bolus on a patient whose basal runs IV is `bolus(u, 'sc')`).
   */
  bolus(units: number, route: InsulinRoute = this.route): void {
    if (!(units >= 0)) throw new RangeError(`GlucoseModel.bolus: expected units ≥ 0, received ${units}`);
    this.#commitTo(this.#now);
    const p = this.parameters;
    if (route === 'iv') this.#base[I]! += (units * 1000) / (p.vI * p.weightKg);
    else this.#base[S1]! += units * 1000;
  }

  /** Schedules a meal. A meal at or before the model's current time is eaten now. */
  addMeal(meal: MealInput): void {
    if (!(meal.carbsG >= 0)) throw new RangeError(`GlucoseModel.addMeal: expected carbsG ≥ 0, received ${meal.carbsG}`);
    if (meal.at <= this.#now) {
      this.#commitTo(this.#now);
      this.#ingest(meal.carbsG);
      return;
    }
    const i = this.#meals.findIndex((m) => m.at > meal.at);
    this.#meals.splice(i < 0 ? this.#meals.length : i, 0, { at: meal.at, carbsG: meal.carbsG });
  }

  /** True plasma glucose, mg/dL. */
  glucose(): number {
    const x = this.#state();
    return (x[Q1]! / (this.parameters.vG * this.parameters.weightKg)) * MG_DL_PER_MMOL_L;
  }

  /** Interstitial glucose (what a CGM sees), mg/dL: plasma glucose through a first-order lag. */
  interstitialGlucose(): number {
    return this.#state()[GI]! * MG_DL_PER_MMOL_L;
  }

  /** Plasma insulin, mU/L. */
  plasmaInsulin(): number {
    return this.#state()[I]!;
  }

  #state(): Float64Array {
    if (this.#now === this.#baseT) return this.#base;
    this.#view ??= this.#step(this.#base, this.#baseT, (this.#now - this.#baseT) / 60_000);
    return this.#view;
  }

  /**
   * Impossible states the model has passed through since the last call (glucose outside
   * PHYSIOLOGICAL_BOUNDS, a non-finite state variable), checked at every committed step.
   */
  takeIssues(): readonly PhysiologyIssue[] {
    return this.#integrity.take();
  }

  #commitTo(t: number): void {
    while (this.#baseT < t) {
      const next = Math.min(t, this.#baseT + STEP_MS);
      this.#step(this.#base, this.#baseT, (next - this.#baseT) / 60_000, this.#base);
      this.#baseT = next;
      this.#checkState();
    }
    this.#view = undefined;
  }

  #checkState(): void {
    const x = this.#base;
    let bad = -1;
    for (let j = 0; j < N; j++) if (!Number.isFinite(x[j]!)) bad = j;
    this.#integrity.note(
      'state',
      bad < 0
        ? undefined
        : {
            at: this.#baseT,
            signal: 'state',
            value: String(x[bad]),
            reason: `glucose model state x[${bad}] is ${x[bad]}: the solver diverged`,
          },
    );
    const p = this.parameters;
    this.#integrity.note('glucose', checkValue('glucose', (x[Q1]! / (p.vG * p.weightKg)) * MG_DL_PER_MMOL_L, this.#baseT));
  }

  #ingest(carbsG: number): void {
    // Hovorka 2004: a meal D (mmol) enters the first gut compartment with bioavailability AG.
    this.#base[G1]! += this.parameters.aG * ((carbsG * 1000) / 180.16);
    this.#view = undefined;
  }

  #steadyState(glucoseMgDl: number): Float64Array {
    const p = this.parameters;
    const x = new Float64Array(N);
    const i = steadyStateInsulin(p, glucoseMgDl);
    const g = glucoseMgDl / MG_DL_PER_MMOL_L;
    x[Q1] = g * p.vG * p.weightKg;
    const ie = effectiveInsulin(p, i);
    x[I] = i;
    x[X1] = p.sIT * ie;
    x[X2] = p.sID * ie;
    x[X3] = p.sIE * ie;
    x[Q2] = (x[X1] * x[Q1]) / (p.k12 + x[X2]);
    x[XC] = counterRegulationTarget(p, g);
    if (this.route === 'sc') {
      const depot = ((this.basalRateUPerH(glucoseMgDl) * 1000) / 60) * p.tmaxI;
      x[S1] = depot;
      x[S2] = depot;
    }
    x[GI] = g;
    return x;
  }

  /**
   * Integrates `h` minutes from `x` into `out` (which may be `x`): classical RK4, split into as many
   * equal sub-steps as the current stiffness needs (usually one).
   */
  #step(x: Float64Array, t0: number, h: number, out: Float64Array = new Float64Array(N)): Float64Array {
    const n = Math.min(1000, Math.max(1, Math.ceil((h * this.#stiffness(x)) / MAX_STIFF_STEP)));
    if (n === 1) return this.#rk4(x, t0, h, out);
    if (out !== x) out.set(x);
    for (let k = 0; k < n; k++) this.#rk4(out, t0 + ((k * h) / n) * 60_000, h / n, out);
    return out;
  }

  /** An upper bound on the fastest rate (/min) of the linearised system at `x`. */
  #stiffness(x: Float64Array): number {
    const p = this.parameters;
    const x1 = Math.abs(x[X1]!);
    const x2 = Math.abs(x[X2]!);
    return Math.max(x1 + p.k12 + x2, p.ke, 1 / p.tauIG, 1 / p.tmaxI, 1 / p.tmaxG, p.ka1, p.ka2, p.ka3, 1 / p.crTau);
  }

  /** One classical RK4 step of `h` minutes from `x` at time `t0` (ms) into `out` (which may be `x`). */
  #rk4(x: Float64Array, t0: number, h: number, out: Float64Array): Float64Array {
    const [k1, k2, k3, k4, tmp] = this.#scratch;
    const mid = t0 + h * 30_000;
    this.#derivative(x, t0, k1);
    for (let j = 0; j < N; j++) tmp[j] = x[j]! + (h / 2) * k1[j]!;
    this.#derivative(tmp, mid, k2);
    for (let j = 0; j < N; j++) tmp[j] = x[j]! + (h / 2) * k2[j]!;
    this.#derivative(tmp, mid, k3);
    for (let j = 0; j < N; j++) tmp[j] = x[j]! + h * k3[j]!;
    this.#derivative(tmp, t0 + h * 60_000, k4);
    for (let j = 0; j < N; j++) out[j] = x[j]! + (h / 6) * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!);
    return out;
  }

  #derivative(x: Float64Array, t: number, d: Float64Array): void {
    const p = this.parameters;
    const g = x[Q1]! / (p.vG * p.weightKg);
    const sc = this.route === 'sc' ? this.#rateMuPerMin : 0;
    const iv = this.route === 'iv' ? this.#rateMuPerMin : 0;
    const counter = Math.min(1, Math.max(0, x[XC]!));
    d[Q1] =
      -f01c(p, g) -
      x[X1]! * x[Q1]! +
      p.k12 * x[Q2]! -
      renal(p, g) +
      x[G2]! / p.tmaxG +
      egp(p, x[X3]!, counter, this.#endogenous?.factor(t) ?? 1);
    d[Q2] = x[X1]! * x[Q1]! - (p.k12 + x[X2]!) * x[Q2]!;
    d[S1] = sc - x[S1]! / p.tmaxI;
    d[S2] = (x[S1]! - x[S2]!) / p.tmaxI;
    d[I] = (x[S2]! / p.tmaxI + iv) / (p.vI * p.weightKg) - p.ke * x[I]!;
    const ie = effectiveInsulin(p, x[I]!);
    d[X1] = p.ka1 * (p.sIT * ie - x[X1]!);
    d[X2] = p.ka2 * (p.sID * ie - x[X2]!);
    d[X3] = p.ka3 * (p.sIE * ie - x[X3]!);
    d[G1] = -x[G1]! / p.tmaxG;
    d[G2] = (x[G1]! - x[G2]!) / p.tmaxG;
    d[GI] = (g - x[GI]!) / p.tauIG;
    d[XC] = (counterRegulationTarget(p, g) - x[XC]!) / p.crTau;
  }
}
