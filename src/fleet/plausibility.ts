/**
 * The twin's model of what a body can do. A reading outside what physiology allows, a signal that
 * changes faster than a body can change it, or one frozen where a living signal always moves, means
 * the device — not the patient — is wrong: a failing sensor, a stuck value, spoofed telemetry.
 *
 * Limits are deliberately wide (they must never fire on a real patient's extremes):
 * - glucose 20–600 mg/dL (meters and CGMs read 20/40–500/600); rises and falls beyond 5 mg/dL/min are
 *   not seen physiologically — Dexcom marks ≥ 3 mg/dL/min as "rapid" (Dexcom G6 user guide).
 * - heart rate 20–300 bpm; SpO2 40–100 %; respiratory rate 0–80 /min; temperature 25–45 °C.
 * A change between two readings may be `maxStep` (measurement noise, beat-to-beat variability) plus
 * `maxRatePerMin` for every minute between them (how fast the body itself can move).
 */
export interface SignalLimits {
  min: number;
  max: number;
  /** Largest plausible jump between consecutive readings, however close together. */
  maxStep: number;
  /** Largest plausible sustained change per minute. */
  maxRatePerMin: number;
  /** Identical consecutive readings that mean a frozen sensor (a living signal jitters). */
  maxRepeats: number;
  /** A sensor's display limits: a reading held there is clipped (LOW/HIGH), not frozen. */
  clip?: { low: number; high: number };
}

export const PLAUSIBLE: Readonly<Record<string, SignalLimits>> = {
  // CGM noise is several mg/dL per reading (simglucose Johnson-SU); 5 mg/dL/min is beyond physiology.
  glucose: { min: 20, max: 600, maxStep: 12, maxRatePerMin: 5, maxRepeats: 6, clip: { low: 40, high: 400 } },
  // Beat-to-beat variability and ECG averaging move displayed HR several bpm between seconds.
  hr: { min: 20, max: 300, maxStep: 35, maxRatePerMin: 60, maxRepeats: 120 },
  // Pulse oximeters read ±2–4 % (ISO 80601-2-61); apnoea desaturates a few % per minute.
  spo2: { min: 40, max: 100, maxStep: 10, maxRatePerMin: 15, maxRepeats: 900 },
  rr: { min: 0, max: 80, maxStep: 20, maxRatePerMin: 30, maxRepeats: 300 },
  temp: { min: 25, max: 45, maxStep: 0.6, maxRatePerMin: 0.5, maxRepeats: 3600 },
};

export type PlausibilityCheck = 'range' | 'rate' | 'frozen' | 'clock';

export interface Implausibility {
  check: PlausibilityCheck;
  signal: string;
  value: number;
  detail: string;
}

interface SignalTrack {
  last: number;
  lastT: number;
  repeats: number;
}

/**
 * Per-device plausibility state. `observe` takes one telemetry body and returns the checks that
 * newly failed and those that recovered; a check that keeps failing is reported once.
 */
export class PlausibilityTracker {
  #tracks = new Map<string, SignalTrack>();
  #failing = new Map<string, Implausibility>();

  /**
   * Checks one reading of every signal the body carries; returns what started and stopped failing.
   * Nearly every reading of a fleet changes nothing: that answer is one shared, frozen object.
   */
  observe(t: number, body: Record<string, unknown>): PlausibilityChange {
    let failed: Implausibility[] | undefined;
    let recovered: Implausibility[] | undefined;
    for (const { signal, limits, keys } of SIGNALS) {
      const value = body[signal];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      const now = this.#evaluate(signal, limits, t, value);
      // The usual case, every reading of a healthy device: nothing wrong now, nothing wrong before.
      if (now.length === 0 && this.#failing.size === 0) continue;
      for (const check of CHECKS) {
        const key = keys[check];
        const problem = now.find((p) => p.check === check);
        const was = this.#failing.get(key);
        if (problem && !was) {
          this.#failing.set(key, problem);
          (failed ??= []).push(problem);
        } else if (!problem && was && check !== 'rate') {
          // A rate violation is a single jump; range and frozen are states that end.
          this.#failing.delete(key);
          (recovered ??= []).push(was);
        } else if (!problem && was && check === 'rate') {
          this.#failing.delete(key);
        }
      }
    }
    return failed === undefined && recovered === undefined ? NO_CHANGE : { failed: failed ?? [], recovered: recovered ?? [] };
  }

  /**
   * Forgets the previous readings, so the next one is not compared with them: after a commanded
   * change (a calibration) a jump is expected, not implausible.
   */
  rebase(): void {
    this.#tracks.clear();
  }

  /** Checks failing now. */
  get failing(): Implausibility[] {
    return [...this.#failing.values()];
  }

  #evaluate(signal: string, limits: SignalLimits, t: number, value: number): readonly Implausibility[] {
    let out: Implausibility[] | undefined;
    if (value < limits.min || value > limits.max) {
      (out ??= []).push({
        check: 'range',
        signal,
        value,
        detail: `${signal} ${value} outside the physiological range ${limits.min}–${limits.max}`,
      });
    }
    const track = this.#tracks.get(signal);
    if (track && t > track.lastT) {
      const minutes = (t - track.lastT) / 60_000;
      const change = Math.abs(value - track.last);
      const allowed = limits.maxStep + limits.maxRatePerMin * minutes;
      if (change > allowed) {
        (out ??= []).push({
          check: 'rate',
          signal,
          value,
          detail: `${signal} moved ${round(change)} in ${formatMinutes(minutes)} (from ${track.last} to ${value}); at most ${round(allowed)} is plausible`,
        });
      }
      const clipped = limits.clip !== undefined && (value <= limits.clip.low || value >= limits.clip.high);
      track.repeats = value === track.last && !clipped ? track.repeats + 1 : 0;
      if (track.repeats >= limits.maxRepeats) {
        (out ??= []).push({
          check: 'frozen',
          signal,
          value,
          detail: `${signal} has read exactly ${value} ${track.repeats + 1} times in a row`,
        });
      }
      track.last = value;
      track.lastT = t;
    } else if (!track) {
      this.#tracks.set(signal, { last: value, lastT: t, repeats: 0 });
    }
    return out ?? NONE;
  }
}

/** What one reading changed: checks that started failing, and checks that stopped. */
export interface PlausibilityChange {
  readonly failed: readonly Implausibility[];
  readonly recovered: readonly Implausibility[];
}

const NONE: readonly Implausibility[] = Object.freeze([]);
const NO_CHANGE: PlausibilityChange = Object.freeze({ failed: NONE, recovered: NONE });

function formatMinutes(minutes: number): string {
  return minutes < 1 ? `${round(minutes * 60)} s` : `${round(minutes)} min`;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

const CHECKS = ['range', 'rate', 'frozen'] as const satisfies readonly PlausibilityCheck[];
/** PLAUSIBLE as a list, with each check's key built once (observe runs for every telemetry message). */
const SIGNALS = Object.entries(PLAUSIBLE).map(([signal, limits]) => ({
  signal,
  limits,
  keys: Object.fromEntries(CHECKS.map((check) => [check, `${signal}:${check}`])) as Record<(typeof CHECKS)[number], string>,
}));
