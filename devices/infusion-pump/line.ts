import type { PumpSettings } from './telemetry.ts';

/**
 * The administration set below the pump as a compliant line: volume pushed into a closed line is
 * stored in the set's compliance C and raises its pressure (p = baseline + stored / C); an open line
 * gives the stored volume up into the patient with time constant τ (the set's resistance × C). Pure
 * functions of the line's state; the plant (plant.ts) keeps that state and integrates it.
 */
type Line = PumpSettings['linePressure'];

const MS_PER_H = 3_600_000;

/** Pressure of a line holding `storedMl` above its baseline volume, mmHg. */
export function linePressure(storedMl: number, line: Line): number {
  return line.baselineMmHg + storedMl / line.complianceMlPerMmHg;
}

/**
 * Volume stored after `dtMs` of the pump pushing `inflowMlPerH` into a closed line. Pressure rises as
 * dp/dt = q/C · (1 − p/max): linear at first, then the pump's fingers slip and it saturates at the
 * pump's maximum output pressure. Solved exactly, so the step does not matter.
 */
export function storedWhileClosed(storedMl: number, inflowMlPerH: number, dtMs: number, line: Line): number {
  const { maxMmHg, complianceMlPerMmHg: c } = line;
  const p = linePressure(storedMl, line);
  if (p >= maxMmHg || inflowMlPerH <= 0) return storedMl;
  const k = inflowMlPerH / MS_PER_H / (c * maxMmHg);
  const next = maxMmHg - (maxMmHg - p) * Math.exp(-k * dtMs);
  return Math.max(0, (next - line.baselineMmHg) * c);
}

/** Volume an open line gives up into the patient over `dtMs` from `storedMl` (exponential emptying). */
export function releasedWhileOpen(storedMl: number, dtMs: number, line: Line): number {
  return storedMl <= 0 ? 0 : storedMl * (1 - Math.exp(-dtMs / line.relaxMs));
}
