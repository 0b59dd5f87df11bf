import { z } from 'zod';
import type { Rng } from '../core/rng.ts';
import type { EventSignal } from './clinical-events.ts';

/**
 * What a patient's illness does to their vital signs: a shift of the resting values, wider
 * minute-to-minute variability, and a rate of arrhythmia episodes. Figures and sources are in
 * docs/physiology.md ("Sick patients"); rates of episodes are per patient-day.
 */
export interface VitalProfile {
  /** Added to the drawn resting baseline (temperature in °C, pressures in mmHg). */
  shift: Partial<Record<EventSignal, number>>;
  /** Resting SpO2 is drawn between 91 % and this (COPD: at or just above the 88–92 % target, as wards keep it). */
  spo2Max?: number;
  /** Multiplies the slow drift of HR, SpO2 and RR (an unwell patient's readings wander more). */
  variability: number;
  /** Atrial fibrillation with rapid ventricular response, episodes a day. */
  afPerDay: number;
  /** Bradycardia (sinus pauses, high-grade block, vagal episodes), episodes a day. */
  bradyPerDay: number;
  /** Non-sustained ventricular tachycardia (runs of seconds), episodes a day. Default 0. */
  vtPerDay?: number;
}

// Runs of non-sustained VT are rare and short: Drew et al. (2014, PLoS One 9:e110274) counted 168 true
// VT alarms in 48,404 ICU monitoring hours (0.08 a patient-day), 93 % of them too short to treat. The
// per-profile rates give an ICU mix about 0.1 a day.
export const VITAL_PROFILES = {
  healthy: { shift: {}, variability: 1, afPerDay: 0, bradyPerDay: 0.1, vtPerDay: 0 },
  // After surgery: pain, fluid shifts and opioids — HR and temperature up, SpO2 down. Sun et al. 2015
  // (Anesth Analg 121:709) found SpO2 < 90 % for ≥ 1 h in 37 % of ward patients after non-cardiac surgery;
  // new post-operative AF in a few per cent.
  'post-op': {
    shift: { hr: 10, spo2: -2.5, rr: 2, temp: 0.4, sbp: 5 },
    variability: 1.6,
    afPerDay: 0.15,
    bradyPerDay: 0.2,
    vtPerDay: 0.05,
  },
  // Sepsis: the SIRS/qSOFA picture (Singer et al. 2016, JAMA 315:801 — RR ≥ 22, SBP ≤ 100): tachycardia,
  // tachypnoea, fever, lower pressure, and new AF in about a tenth of patients.
  sepsis: {
    shift: { hr: 28, spo2: -3, rr: 8, temp: 1.4, sbp: -18, dbp: -10 },
    variability: 2,
    afPerDay: 0.5,
    bradyPerDay: 0.1,
    vtPerDay: 0.1,
  },
  // COPD: resting SpO2 at the 88–92 % target range of the BTS oxygen guideline (O'Driscoll et al. 2017,
  // Thorax 72:i1), faster breathing and heart rate, more desaturation swings.
  copd: { shift: { hr: 10, rr: 4 }, spo2Max: 94, variability: 1.2, afPerDay: 0.2, bradyPerDay: 0.1, vtPerDay: 0.05 },
  // Heart failure: AF in about a third of patients (Maisel & Stevenson 2003, Am J Cardiol 91:2D), lower
  // SpO2 with congestion, lower pressure on treatment, and the most runs of non-sustained VT.
  'heart-failure': { shift: { hr: 8, spo2: -2, rr: 3, sbp: -8 }, variability: 1.5, afPerDay: 0.5, bradyPerDay: 0.3, vtPerDay: 0.3 },
} as const satisfies Record<string, VitalProfile>;

export type VitalProfileName = keyof typeof VITAL_PROFILES;
export const VITAL_PROFILE_NAMES = Object.keys(VITAL_PROFILES) as VitalProfileName[];

/**
 * The share of each profile in a unit's patients. `healthy` is every patient well (the model before
 * sick profiles); `ward` a general medical–surgical ward, mostly stable with a minority of sick
 * patients; `icu` mostly sick. The shares are chosen, not measured: a plausible mix, stated as such.
 */
export const ACUITY_MIX = {
  healthy: { healthy: 1 },
  ward: { healthy: 0.55, 'post-op': 0.2, copd: 0.1, 'heart-failure': 0.1, sepsis: 0.05 },
  icu: { healthy: 0.1, 'post-op': 0.3, copd: 0.1, 'heart-failure': 0.2, sepsis: 0.3 },
} as const satisfies Record<string, Partial<Record<VitalProfileName, number>>>;

export type Acuity = keyof typeof ACUITY_MIX;
export const ACUITY_NAMES = Object.keys(ACUITY_MIX) as Acuity[];
export const acuitySchema = z.enum(ACUITY_NAMES as [Acuity, ...Acuity[]]);

/** Draws a patient's profile from a unit's mix (one uniform draw from `rng`). */
export function drawVitalProfile(rng: Rng, acuity: Acuity): VitalProfileName {
  const mix: Partial<Record<VitalProfileName, number>> = ACUITY_MIX[acuity];
  let u = rng.next();
  for (const name of VITAL_PROFILE_NAMES) {
    const share = mix[name] ?? 0;
    if (u < share) return name;
    u -= share;
  }
  return 'healthy';
}
