import type { SignalName, SignalValues } from './signals.ts';

/**
 * Bounds outside which a true physiological value cannot describe a living patient (or the model has
 * left its valid range). They are deliberately wide: a value outside them is a model or solver failure,
 * never a clinical finding, so crossing one is a run-integrity error rather than an alarm.
 *
 * - glucose 10–1000 mg/dL: the lowest plasma glucose in case reports of survivors is about 10–20 mg/dL
 *   and hyperosmolar states rarely exceed 1000–1500 mg/dL (Kitabchi et al., Diabetes Care 2009;32:1335).
 * - spo2 0–100 %: a saturation is a fraction.
 * - hr 0–300 bpm: 0 is asystole; ventricular rates above ~300 bpm are not sustained in adults.
 * - rr 0–80 /min, temp 25–45 °C, blood pressures 0–300 mmHg: outside these no physiological state exists.
 */
export const PHYSIOLOGICAL_BOUNDS: Readonly<Record<SignalName, { min: number; max: number }>> = {
  glucose: { min: 10, max: 1000 },
  hr: { min: 0, max: 300 },
  spo2: { min: 0, max: 100 },
  rr: { min: 0, max: 80 },
  temp: { min: 25, max: 45 },
  sbp: { min: 0, max: 300 },
  dbp: { min: 0, max: 300 },
  map: { min: 0, max: 300 },
};

/** One impossible value in a patient's true state. */
export interface PhysiologyIssue {
  /** Simulation time of the state, ms. */
  at: number;
  /** The signal, or `state` for an internal model variable (a solver that diverged). */
  signal: SignalName | 'state';
  /** The value; non-finite values are carried as text (`NaN`, `Infinity`) so they survive JSON. */
  value: number | string;
  /** What is wrong, for humans: "glucose 3.1 mg/dL is below the physiological bound 10 mg/dL". */
  reason: string;
}

/** An issue for `value` of `signal` at `at`, or undefined when the value is physiological. */
export function checkValue(signal: SignalName, value: number, at: number): PhysiologyIssue | undefined {
  if (!Number.isFinite(value)) return { at, signal, value: String(value), reason: `${signal} is ${value}: the model diverged` };
  const { min, max } = PHYSIOLOGICAL_BOUNDS[signal];
  if (value < min) return { at, signal, value, reason: `${signal} ${round(value)} is below the physiological bound ${min}` };
  if (value > max) return { at, signal, value, reason: `${signal} ${round(value)} is above the physiological bound ${max}` };
  return undefined;
}

/**
 * Watches one patient's true values and reports each signal once when it becomes impossible, and again
 * only after it has been valid in between: a patient stuck at an impossible value gives one loud event,
 * not one per sample.
 */
export class IntegrityMonitor {
  #invalid = new Set<string>();
  #issues: PhysiologyIssue[] = [];

  /** Checks the given values at time `at`. */
  check(values: SignalValues, at: number): void {
    for (const key in values) {
      const signal = key as SignalName;
      const value = values[signal];
      if (value !== undefined) this.note(signal, checkValue(signal, value, at));
    }
  }

  /** Records the outcome of checking `signal` (undefined: valid). */
  note(signal: SignalName | 'state', issue: PhysiologyIssue | undefined): void {
    if (issue === undefined) {
      // Checked for every signal of every reading; almost always nothing was invalid.
      if (this.#invalid.size > 0) this.#invalid.delete(signal);
      return;
    }
    if (this.#invalid.has(signal)) return;
    this.#invalid.add(signal);
    this.#issues.push(issue);
  }

  /** Issues found since the last call (emptied by the call). */
  take(): readonly PhysiologyIssue[] {
    if (this.#issues.length === 0) return NONE;
    const out = this.#issues;
    this.#issues = [];
    return out;
  }
}

const NONE: readonly PhysiologyIssue[] = Object.freeze([]);

function round(x: number): string {
  return Math.abs(x) >= 1e6 ? x.toExponential(2) : String(Math.round(x * 100) / 100);
}
