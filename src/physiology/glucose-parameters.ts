import type { Rng } from '../core/rng.ts';

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
}

/** The Hovorka 2004 mean patient, with a 10-minute interstitial lag. */
export function nominalParameters(weightKg: number): HovorkaParameters {
  return {
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
  };
}

/**
 * A virtual patient: Hovorka 2004 values as medians, with the log-normal spreads of the virtual-patient
 * sampler accompanying Boiroux et al., "Adaptive control in an artificial pancreas for people with type 1
 * diabetes", Control Eng Pract 2017 (σ: EGP0 0.2, F01 0.1, k12 0.4, ka1–3 0.4, SIT/SID/SIE 0.4,
 * ke 0.2, tmaxI 0.2, tmaxG 0.2, VG/VI 0.05). As there, draws whose basal need falls outside
 * 0.1–2.2 U/h are redrawn. The plasma→interstitial lag, which Hovorka 2004 does not model, has median
 * 10 min (σ 0.2): simglucose's adult UVA/Padova patients have 1/ksc of 6.6–18.7 min, median about 11
 * (params/vpatient_params.csv), the same sampler uses 10.7 min (e^2.372); Basu et al., Diabetes
 * 2013;62:4083, measured 5–6 min for the physiological part alone.
 */
export function samplePatientParameters(rng: Rng, weightKg: number): HovorkaParameters {
  const mean = nominalParameters(weightKg);
  const ln = (median: number, sigma: number) => median * Math.exp(sigma * rng.normal());
  for (let attempt = 0; attempt < 100; attempt++) {
    const p: HovorkaParameters = {
      weightKg,
      vG: ln(mean.vG, 0.05),
      vI: ln(mean.vI, 0.05),
      f01: ln(mean.f01, 0.1),
      egp0: ln(mean.egp0, 0.2),
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
    };
    const basal = basalRateFor(p, 120);
    if (basal >= 0.1 && basal <= 2.2) return p;
  }
  return mean;
}

/** Hovorka 2004: non-insulin-dependent uptake falls linearly below 4.5 mmol/L. */
export function f01c(p: HovorkaParameters, g: number): number {
  const f01 = p.f01 * p.weightKg;
  return g >= 4.5 ? f01 : (f01 * Math.max(g, 0)) / 4.5;
}

/** Hovorka 2004: renal clearance above 9 mmol/L, 0.003 /min × (G − 9) × VG. */
export function renal(p: HovorkaParameters, g: number): number {
  return g >= 9 ? 0.003 * (g - 9) * p.vG * p.weightKg : 0;
}

/** dQ1/dt (mmol/min) with glucose held at `glucoseMgDl`, plasma insulin `i` and Q2, x1–x3 at steady state. */
function netFlux(p: HovorkaParameters, glucoseMgDl: number, i: number): number {
  const g = glucoseMgDl / MG_DL_PER_MMOL_L;
  const q1 = g * p.vG * p.weightKg;
  const x1 = p.sIT * i;
  const q2 = (x1 * q1) / (p.k12 + p.sID * i);
  return -f01c(p, g) - renal(p, g) - x1 * q1 + p.k12 * q2 + p.egp0 * p.weightKg * Math.max(0, 1 - p.sIE * i);
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
  while (flux(hi) > 0) hi *= 2;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (flux(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The linearised ratio below ignores that the post-meal rise itself speeds glucose disposal, so it
 * over-doses. Calibrated on this model: with 1.4× the ratio, a 60 g meal and its SC bolus bring the
 * median of 30 virtual patients back to ~110 mg/dL at 6 h from a 120 mg/dL basal start.
 */
const GLUCOSE_EFFECTIVENESS_ALLOWANCE = 1.4;

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
