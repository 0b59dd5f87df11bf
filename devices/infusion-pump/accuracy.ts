import type { Rng } from '../../src/core/rng.ts';
import type { PumpSettings } from './telemetry.ts';

/**
 * How far what a volumetric pump delivers is from what it was told: a seeded, lasting error of one pump
 * and its administration set, as a fraction of the rate (+0.03 = 3 % more than programmed).
 *
 * - Manufacturers state accuracy under IEC 60601-2-24's test conditions — the intermediate rate
 *   (25 mL/h for volumetric pumps), a fixed head height and back pressure, a new set — and volumetric
 *   pumps claim about ±5 % there (BD Alaris GP: "volumetric accuracy ±5 % (nominal)").
 * - In use it varies with the set and the rate, most at low rates (Batista et al., "Assessment of drug
 *   delivery devices", Biomed Tech 2015;60(4):347–357: accuracy depended on flow rate and accessories,
 *   especially at low flow), and with head height (the container's height over the pumping segment
 *   changes how full it fills). We found no published coefficient for head height; its share is inside
 *   the set's spread here, not a parameter of its own.
 *
 * The model: at the test conditions, a mechanism error (per pump) plus a set error (per pump's set, for
 * the run), each normal, the sum kept within the claim — a pump or set outside it fails the maker's
 * release test or the hospital's maintenance check and is not in use (the draw is repeated from the
 * same seeded stream). Below the intermediate rate the error grows as √(25 / rate), up to 3× at
 * 2.8 mL/h and under: our assumption for Batista's finding, which gives no figure to fit. So a healthy
 * pump stays within ±5 % at 25 mL/h and up, ±7.9 % at 10 mL/h, ±15 % at 1 mL/h (docs/devices.md).
 */
export interface DeliveryError {
  /** The pump and set's error at the standard's test conditions, % of the rate. */
  testPct: number;
}

/** The standard's intermediate rate for volumetric pumps, where the claimed accuracy holds. */
export const INTERMEDIATE_RATE_ML_PER_H = 25;
/** The error grows at most this much at low rates. */
const MAX_LOW_RATE_WIDENING = 3;

/** Draws one pump's and set's lasting error from the pump's own stream. */
export function drawDeliveryError(rng: Rng, s: PumpSettings['accuracy']): DeliveryError {
  for (let i = 0; i < 100; i++) {
    const testPct = s.mechanismSdPct * rng.normal() + s.setSdPct * rng.normal();
    if (Math.abs(testPct) <= s.claimPct) return { testPct };
  }
  return { testPct: 0 };
}

/** How much larger the error is at `rateMlPerH` than at the intermediate rate. */
export function lowRateWidening(rateMlPerH: number): number {
  if (!(rateMlPerH > 0)) return 1;
  return Math.min(MAX_LOW_RATE_WIDENING, Math.max(1, Math.sqrt(INTERMEDIATE_RATE_ML_PER_H / rateMlPerH)));
}

/** Delivered ÷ programmed at `rateMlPerH` for this pump and set (never below 0). */
export function deliveryFactor(error: DeliveryError, rateMlPerH: number): number {
  return Math.max(0, 1 + (error.testPct * lowRateWidening(rateMlPerH)) / 100);
}

/** The largest error a healthy pump and set show at `rateMlPerH`, % (the envelope dose-error checks allow). */
export function accuracyEnvelopePct(rateMlPerH: number, s: PumpSettings['accuracy']): number {
  return s.claimPct * lowRateWidening(rateMlPerH);
}
