import type { Rng } from '../core/rng.ts';
import { COHORTS, type CohortName } from './cohorts.ts';

/**
 * Parameters and steady states of the Hovorka model of type 1 diabetes:
 * Hovorka R, Canonico V, Chassin LJ, et al. "Nonlinear model predictive control of glucose
 * concentration in subjects with type 1 diabetes." Physiol Meas 2004;25:905–920. Every value is that
 * paper's unless a comment says otherwise. Units: minutes, mmol glucose, mU insulin, L, kg.
 */

/** mg/dL per mmol/L (glucose molar mass 180.16 g/mol). */
export const MG_DL_PER_MMOL_L = 18.016;

export interface HovorkaParameters {
  /** Body weight, kg. */
  weightKg: number;
  /** Glucose distribution volume, L/kg. Hovorka 2004: 0.16. */
  vG: number;
  /** Insulin distribution volume, L/kg. Hovorka 2004: 0.12. */
  vI: number;
  /** Non-insulin-dependent glucose flux, mmol/kg/min. Hovorka 2004: 0.0097. */
  f01: number;
  /** Endogenous glucose production extrapolated to zero insulin, mmol/kg/min. Hovorka 2004: 0.0161. */
  egp0: number;
  /** Transfer rate Q2→Q1, /min. Hovorka 2004: 0.066. */
  k12: number;
  /** Deactivation rates of insulin action on transport, disposal, EGP, /min. Hovorka 2004: 0.006, 0.06, 0.03. */
  ka1: number;
  ka2: number;
  ka3: number;
  /** Insulin sensitivities of transport /min per mU/L, disposal /min per mU/L, EGP per mU/L. Hovorka 2004: 51.2e-4, 8.2e-4, 520e-4. */
  sIT: number;
  sID: number;
  sIE: number;
  /** Insulin elimination from plasma, /min. Hovorka 2004: 0.138. */
  ke: number;
  /** Time-to-maximum of SC insulin absorption, min. Hovorka 2004: 55. */
  tmaxI: number;
  /** Time-to-maximum of carbohydrate absorption, min. Hovorka 2004: 40. */
  tmaxG: number;
  /** Carbohydrate bioavailability. Hovorka 2004: 0.8. */
  aG: number;
  /** Plasma → interstitial glucose time constant, min (see `samplePatientParameters`). */
  tauIG: number;
  /**
   * Renal glucose clearance above 9 mmol/L, /min. Hovorka 2004: 0.003. Scaled with a cohort's turnover
   * (children's GFR per kg is higher than adults', about 1.4× at 30 kg).
   */
  renalClearance: number;
  /**
   * Plasma insulin (mU/L) at which insulin action is half its maximum. Hovorka 2004's action is linear
   * in insulin, which no tissue's is: glucose utilisation in clamps saturates (Rizza RA, Mandarino LJ,
   * Gerich JE, Am J Physiol 1981;240:E630: half-maximal near 55 µU/mL, maximal about 11–12 mg/kg/min in
   * healthy people), and people with type 1 diabetes reach less (DeFronzo RA, Hendler R, Simonson D,
   * Diabetes 1982;31:795: about a third less). Set per patient by `withMaxDisposal` so that saturated
   * insulin disposes of at most `maxDisposal` at 5.5 mmol/L. Without saturation a 35 U/h IV infusion
   * drives glucose to zero and makes the model stiff enough to diverge.
   */
  insulinHalfMax: number;
  /** Maximal insulin-stimulated glucose disposal at 5.5 mmol/L, mg/kg/min (median 8, see above). */
  maxDisposal: number;
  /**
   * Counter-regulation (glucagon and adrenaline) in the structure of the UVA/Padova 2014 simulator
   * (Dalla Man C, Micheletto F, Lv D, et al., J Diabetes Sci Technol 2014;8:26–34): a hormone signal
   * that rises with a first-order lag in proportion to how far glucose is below a threshold, and adds
   * hepatic glucose output whatever the insulin. Threshold about 3.8 mmol/L (68 mg/dL), where glucagon
   * and adrenaline secretion begin (Schwartz NS et al., J Clin Invest 1987;79:777); the response is full
   * `crSpan` below it; at most `crMax` × EGP0 extra (hepatic output is bounded); time constant `crTau`.
   */
  crThreshold: number;
  crSpan: number;
  crMax: number;
  crTau: number;
}

/** The Hovorka 2004 mean patient, with a 10-minute interstitial lag. */
export function nominalParameters(weightKg: number): HovorkaParameters {
  return withMaxDisposal({
    weightKg,
    vG: 0.16,
    vI: 0.12,
    f01: 0.0097,
    egp0: 0.0161,
    k12: 0.066,
    ka1: 0.006,
    ka2: 0.06,
    ka3: 0.03,
    sIT: 51.2e-4,
    sID: 8.2e-4,
    sIE: 520e-4,
    ke: 0.138,
    tmaxI: 55,
    tmaxG: 40,
    aG: 0.8,
    tauIG: 10,
    renalClearance: 0.003,
    insulinHalfMax: 55,
    maxDisposal: 8,
    crThreshold: 3.8,
    crSpan: 1.5,
    crMax: 1.0,
    crTau: 20,
  });
}

/**
 * `p` with `insulinHalfMax` set so that fully saturated insulin action disposes of `p.maxDisposal`
 * mg/kg/min at 5.5 mmol/L. At steady state insulin removes x1·x2/(k12 + x2) of Q1 per minute; with
 * x1 = SIT·K and x2 = SID·K that is a quadratic in K.
 */
export function withMaxDisposal(p: HovorkaParameters): HovorkaParameters {
  const q1PerKg = 5.5 * p.vG;
  const c = p.maxDisposal / MG_PER_MMOL / q1PerKg;
  const a = p.sIT * p.sID;
  const k = (c * p.sID + Math.sqrt(c * c * p.sID * p.sID + 4 * a * c * p.k12)) / (2 * a);
  return { ...p, insulinHalfMax: k };
}

/** mg per mmol of glucose. */
const MG_PER_MMOL = 180.16;

/**
 * A virtual patient of `cohort`: Hovorka 2004 values as medians, with the log-normal spreads of the
 * virtual-patient sampler accompanying Boiroux et al., "Adaptive control in an artificial pancreas for
 * people with type 1 diabetes", Control Eng Pract 2017 (σ: EGP0 0.2, F01 0.1, k12 0.4, ka1–3 0.4,
 * SIT/SID/SIE 0.4, ke 0.2, tmaxI 0.2, tmaxG 0.2, VG/VI 0.05). The three insulin sensitivities are then
 * scaled together so that the basal rate holding 120 mg/dL equals a basal dose drawn from the cohort's
 * published distribution (cohorts.ts): Hovorka's means alone need a median 0.12 U/kg/day, 2–3× less
 * than people with type 1 diabetes do. The plasma→interstitial lag, which Hovorka 2004 does not model,
 * has median 10 min (σ 0.2): simglucose's adult UVA/Padova patients have 1/ksc of 6.6–18.7 min, median
 * about 11 (params/vpatient_params.csv), the same sampler uses 10.7 min (e^2.372); Basu et al., Diabetes
 * 2013;62:4083, measured 5–6 min for the physiological part alone.
 */
export function samplePatientParameters(rng: Rng, weightKg: number, cohort: CohortName = 'adult'): HovorkaParameters {
  const mean = nominalParameters(weightKg);
  const ln = (median: number, sigma: number) => median * Math.exp(sigma * rng.normal());
  const { basalUPerKgDay: b, turnover } = COHORTS[cohort];
  for (let attempt = 0; attempt < 100; attempt++) {
    const shape: HovorkaParameters = {
      weightKg,
      vG: ln(mean.vG, 0.05),
      vI: ln(mean.vI, 0.05),
      f01: turnover * ln(mean.f01, 0.1),
      egp0: turnover * ln(mean.egp0, 0.2),
      k12: ln(mean.k12, 0.4),
      ka1: ln(mean.ka1, 0.4),
      ka2: ln(mean.ka2, 0.4),
      ka3: ln(mean.ka3, 0.4),
      sIT: ln(mean.sIT, 0.4),
      sID: ln(mean.sID, 0.4),
      sIE: ln(mean.sIE, 0.4),
      ke: ln(mean.ke, 0.2),
      tmaxI: ln(mean.tmaxI, 0.2),
      tmaxG: ln(mean.tmaxG, 0.2),
      aG: mean.aG,
      tauIG: ln(mean.tauIG, 0.2),
      renalClearance: turnover * mean.renalClearance,
      insulinHalfMax: mean.insulinHalfMax,
      maxDisposal: turnover * ln(mean.maxDisposal, 0.2),
      crThreshold: mean.crThreshold,
      crSpan: mean.crSpan,
      crMax: ln(mean.crMax, 0.2),
      crTau: mean.crTau,
    };
    const basalUPerH = (Math.min(b.max, Math.max(b.min, ln(b.median, b.sigma))) * weightKg) / 24;
    // A person with type 1 diabetes rises without insulin: a draw whose glucose production at zero
    // insulin does not exceed its uptake at 120 mg/dL describes someone else.
    if (netFlux(shape, 120, 0) <= 0.1 * shape.egp0 * weightKg) continue;
    // The half-maximal insulin depends on the sensitivities, the basal need (weakly) on it: rounds settle both.
    let p = withMaxDisposal(shape);
    for (let round = 0; round < 3; round++) p = withMaxDisposal(withBasalNeed(p, basalUPerH));
    // As Boiroux et al. redraw implausible basal needs, redraw carb ratios outside the clinical range.
    const ratio = carbRatioFor(p, 120);
    if (ratio >= CARB_RATIO_RANGE.min && ratio <= CARB_RATIO_RANGE.max) return p;
  }
  return withMaxDisposal(withBasalNeed(mean, (b.median * weightKg) / 24));
}

/**
 * Carb ratios prescribed to people with type 1 diabetes run from about 5 g/U (insulin-resistant adults,
 * adolescents) to 30 g/U and more (young children); outside 4–40 g/U a drawn patient is redrawn.
 */
const CARB_RATIO_RANGE = { min: 4, max: 40 };

/**
 * `p` with SIT, SID and SIE scaled by one factor f so that its basal rate at 120 mg/dL is `basalUPerH`.
 * Every insulin effect is a sensitivity × the effective insulin, so the steady state depends only on
 * u = f × effectiveInsulin(I): find the u that holds 120 mg/dL once (with the unscaled sensitivities),
 * then f = u / effectiveInsulin of the plasma insulin the basal rate gives.
 */
export function withBasalNeed(p: HovorkaParameters, basalUPerH: number): HovorkaParameters {
  const u = steadyStateInsulin({ ...p, insulinHalfMax: Number.POSITIVE_INFINITY }, 120);
  const plasma = (basalUPerH * 1000) / 60 / (p.vI * p.weightKg * p.ke);
  const f = u / effectiveInsulin(p, plasma);
  return { ...p, sIT: p.sIT * f, sID: p.sID * f, sIE: p.sIE * f };
}

/** Hovorka 2004: non-insulin-dependent uptake falls linearly below 4.5 mmol/L. */
export function f01c(p: HovorkaParameters, g: number): number {
  const f01 = p.f01 * p.weightKg;
  return g >= 4.5 ? f01 : (f01 * Math.max(g, 0)) / 4.5;
}

/** Hovorka 2004: renal clearance above 9 mmol/L, 0.003 /min × (G − 9) × VG (`renalClearance`). */
export function renal(p: HovorkaParameters, g: number): number {
  return g >= 9 ? p.renalClearance * (g - 9) * p.vG * p.weightKg : 0;
}

/** Plasma insulin as its action sees it: linear at low levels, saturating at `insulinHalfMax` (mU/L). */
export function effectiveInsulin(p: HovorkaParameters, i: number): number {
  const positive = Math.max(0, i);
  if (p.insulinHalfMax === Number.POSITIVE_INFINITY) return positive;
  return (positive * p.insulinHalfMax) / (p.insulinHalfMax + positive);
}

/** The steady-state counter-regulatory signal (0–1) at glucose `g` mmol/L. */
export function counterRegulationTarget(p: HovorkaParameters, g: number): number {
  return Math.min(1, Math.max(0, (p.crThreshold - g) / p.crSpan));
}

/** Endogenous glucose production (mmol/min): Hovorka's insulin-suppressed EGP plus counter-regulation. */
export function egp(p: HovorkaParameters, x3: number, counter: number, factor = 1): number {
  // EGP cannot turn negative under high insulin (as in Wilinska et al., J Diabetes Sci Technol 2010).
  return p.egp0 * p.weightKg * (factor * Math.max(0, 1 - x3) + p.crMax * counter);
}

/** dQ1/dt (mmol/min) with glucose held at `glucoseMgDl`, plasma insulin `i` and Q2, x1–x3, counter-regulation at steady state. */
function netFlux(p: HovorkaParameters, glucoseMgDl: number, i: number): number {
  const g = glucoseMgDl / MG_DL_PER_MMOL_L;
  const q1 = g * p.vG * p.weightKg;
  const ie = effectiveInsulin(p, i);
  const x1 = p.sIT * ie;
  const q2 = (x1 * q1) / (p.k12 + p.sID * ie);
  return -f01c(p, g) - renal(p, g) - x1 * q1 + p.k12 * q2 + egp(p, p.sIE * ie, counterRegulationTarget(p, g));
}

/**
 * Steady-state plasma insulin (mU/L) that holds glucose at `glucoseMgDl`: the root of dQ1/dt = 0 with
 * Q2 at its own steady state. The net glucose flux falls monotonically with insulin, so bisection finds it.
 */
export function steadyStateInsulin(p: HovorkaParameters, glucoseMgDl: number): number {
  const flux = (i: number) => netFlux(p, glucoseMgDl, i);
  if (flux(0) <= 0) return 0;
  let lo = 0;
  let hi = 1 / p.sIE;
  while (flux(hi) > 0) {
    // Saturated insulin action cannot hold glucose this low: the most insulin can do is not enough.
    if (hi > 1e7) return Number.POSITIVE_INFINITY;
    hi *= 2;
  }
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (flux(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The linearised ratio below ignores that the post-meal rise itself speeds glucose disposal, so it
 * over-doses. Calibrated on this model (with its cohort calibration and saturating insulin action):
 * with 1.3× the ratio, a 60 g meal and its SC bolus peak at a median 221 mg/dL and bring the median of
 * 60 virtual adults back to 136 mg/dL at 6 h from a 120 mg/dL basal start (within the 30 mg/dL of the
 * pre-meal value that a correct ratio is judged by), with a median ratio of 10 g/U.
 */
const GLUCOSE_EFFECTIVENESS_ALLOWANCE = 1.3;

/**
 * Grams of carbohydrate one unit of insulin covers: the bolus whose extra glucose disposal, linearised
 * around the basal steady state at `glucoseMgDl`, equals the meal's absorbed glucose (with the allowance
 * above).
 */
export function carbRatioFor(p: HovorkaParameters, glucoseMgDl: number): number {
  const i = steadyStateInsulin(p, glucoseMgDl);
  const h = Math.max(1e-3, i * 1e-3);
  const slope = (netFlux(p, glucoseMgDl, i + h) - netFlux(p, glucoseMgDl, Math.max(0, i - h))) / (i + h - Math.max(0, i - h));
  // ∫ΔI dt of a 1 U bolus is 1000 / (VI·ke) mU·min/L by either route; 1 g of carbohydrate is 1000/180.16 mmol.
  return (GLUCOSE_EFFECTIVENESS_ALLOWANCE * -slope * 180.16) / (p.aG * p.vI * p.weightKg * p.ke);
}

/** Insulin rate (U/h) whose steady state holds glucose at `glucoseMgDl`. */
export function basalRateFor(p: HovorkaParameters, glucoseMgDl: number): number {
  const insulinMuPerMin = steadyStateInsulin(p, glucoseMgDl) * p.vI * p.weightKg * p.ke;
  return (insulinMuPerMin * 60) / 1000;
}
