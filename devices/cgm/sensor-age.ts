import type { Rng } from '../../src/core/rng.ts';

/**
 * How a CGM sensor's accuracy changes over its wear, as a gain error on the reading: readings are
 * `(1 + gain(age))` × what the sensor's noise model gives.
 *
 * - Day 1: early sensor attenuation — a fresh sensor reads low while the tissue around the filament
 *   recovers from the insertion, fading over about half a day. Accuracy studies report it as the worst
 *   day of a wear: Dexcom G6 MARD about 11–12 % on day 1 against about 9 % over days 2–10 (Shah VN et
 *   al., Diabetes Technol Ther 2018;20:428–433); FreeStyle Libre 2 about 11 % on day 1 against 9.2 %
 *   overall (Alva S et al., Diabetes Ther 2021;12:1109). Here the attenuation is drawn per sensor,
 *   normal with mean −10 % and SD 5 %, decaying with a 12 h time constant and gone after 36 h.
 * - End of life: as the membrane ages the sensitivity wanders; from day 7 the gain drifts by a per-sensor
 *   rate, normal with mean −0.5 %/day and SD 1.5 %/day, so that the last days read slightly worse.
 *
 * Between 36 h and day 7 the gain error is exactly zero, so a stuck sensor (a fault that repeats one
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
const EARLY_TAU_MS = 12 * HOUR;
const EARLY_UNTIL_MS = 36 * HOUR;
const LATE_FROM_MS = 7 * DAY;

/** A new sensor's profile. */
export function drawSensorAge(rng: Rng): SensorAgeProfile {
  return { earlyGain: rng.normal(-0.1, 0.05), lateDriftPerDay: rng.normal(-0.005, 0.015) };
}

/** The gain error (fraction) of a sensor `ageMs` into its session. */
export function sensorAgeGain(profile: SensorAgeProfile, ageMs: number): number {
  const age = Math.max(0, ageMs);
  const early = age < EARLY_UNTIL_MS ? profile.earlyGain * Math.exp(-age / EARLY_TAU_MS) : 0;
  const late = age > LATE_FROM_MS ? (profile.lateDriftPerDay * (age - LATE_FROM_MS)) / DAY : 0;
  return early + late;
}
