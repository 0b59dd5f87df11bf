import type { Rng } from '../../src/core/rng.ts';

/**
 * How a CGM sensor's accuracy changes over its wear, as a gain error on the reading: readings are
 * `(1 + gain(age))` × what the sensor's noise model gives.
 *
 * - Days 1–2: early sensor attenuation — a fresh sensor reads low while the tissue around the filament
 *   recovers from the insertion. Pivotal studies put day 1 about 2–3 MARD points above the rest of the
 *   wear: FreeStyle Libre 2, 11.2 % on day 1 against 9.2 % over 14 days in adults (Abbott, FreeStyle
 *   Libre 2 System Performance Data Sheet; the study is Alva S et al., J Diabetes Sci Technol
 *   2022;16:70–77); Dexcom G7, 9.9 % at the beginning of wear (days 1–2) against 6.8 % in the middle and
 *   at the end in 7–17-year-olds (Dexcom G7 User Guide, table 6-B; the study is J Diabetes Sci Technol
 *   2023, PMC10347986). The G6 is the exception: 9.3 % on day 1 against 9.0 % overall (Shah VN et al.,
 *   Diabetes Technol Ther 2018;20:428–433). Here the attenuation is drawn per sensor, normal with mean
 *   −15 % and SD 7 %, and fades exponentially with a 20 h time constant, shifted so that it reaches zero
 *   exactly at 48 h (no step in the readings); with these values the validation (npm run
 *   validate:clinical) measures day 1 at 10.5 %, 2.4 points above days 2–10.
 * - End of life: as the membrane ages the sensitivity wanders; from day 7 the gain drifts by a per-sensor
 *   rate, normal with mean −0.5 %/day and SD 1.5 %/day, so that the last days read slightly worse.
 *
 * Between 48 h and day 7 the gain error is exactly zero, so a stuck sensor (a fault that repeats one
 * raw value) still repeats it. Each sensor session draws its own values from the device's plant stream,
 * in session order.
 */
export interface SensorAgeProfile {
  /** Gain error at insertion (negative: reads low), fraction. */
  earlyGain: number;
  /** Gain drift per day from day 7 on, fraction per day. */
  lateDriftPerDay: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EARLY_TAU_MS = 20 * HOUR;
const EARLY_UNTIL_MS = 48 * HOUR;
/** What exp(−age/τ) has left at the end of the early phase; subtracted so the attenuation ends at zero. */
const EARLY_TAIL = Math.exp(-EARLY_UNTIL_MS / EARLY_TAU_MS);
const LATE_FROM_MS = 7 * DAY;

/** A new sensor's profile. */
export function drawSensorAge(rng: Rng): SensorAgeProfile {
  return { earlyGain: rng.normal(-0.15, 0.07), lateDriftPerDay: rng.normal(-0.005, 0.015) };
}

/** The gain error (fraction) of a sensor `ageMs` into its session. */
export function sensorAgeGain(profile: SensorAgeProfile, ageMs: number): number {
  const age = Math.max(0, ageMs);
  const early = age < EARLY_UNTIL_MS ? (profile.earlyGain * (Math.exp(-age / EARLY_TAU_MS) - EARLY_TAIL)) / (1 - EARLY_TAIL) : 0;
  const late = age > LATE_FROM_MS ? (profile.lateDriftPerDay * (age - LATE_FROM_MS)) / DAY : 0;
  return early + late;
}
