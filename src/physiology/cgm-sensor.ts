import type { Rng } from '../core/rng.ts';

/**
 * A CGM sensor's error, in three parts: a reading is `(1 + gain) × IG + slow(t) + fast(t)`, clipped.
 *
 * - **slow**: simglucose's error (jxx123/simglucose: sensor/noise_gen.py, sensor/cgm.py,
 *   params/sensor_params.csv), itself after Breton & Kovatchev, "Analysis, modeling, and simulation of
 *   the accuracy of continuous glucose sensors", J Diabetes Sci Technol 2008;2(5):853–862. Every 15
 *   minutes an AR(1) value e of standard normals is drawn (e₀ = n₀, then eₖ = PACF·(eₖ₋₁ + nₖ), exactly
 *   as noise_gen.py writes it) and mapped to mg/dL by the Johnson SU transform
 *   ε = ξ + λ·sinh((e − γ)/δ). Blocks of eleven 15-minute values (each block starting from the previous
 *   block's last) are interpolated with a not-a-knot cubic spline (scipy's `interp1d(kind='cubic')`)
 *   onto the sensor's sample grid. Breton & Kovatchev fitted it to 15-minute reference samples, so it
 *   says nothing about what happens between them: alone, its spline holds a flat stretch of glucose on
 *   one whole mg/dL for half an hour, which no real sensor does.
 * - **fast**: the measurement noise every reading carries, an AR(2) process at the 5-minute sample
 *   rate with the coefficients Vettoretti et al. identified for the Dexcom G6's sensor-specific noise
 *   (α₁ 1.220, α₂ −0.331, innovation variance 3.641 mg²/dL²: Vettoretti M, Del Favero S, Sparacino G,
 *   Facchinetti A, "Modeling the error of factory-calibrated continuous glucose monitoring sensors:
 *   application to Dexcom G6 sensor data", IEEE EMBC 2019, table 2). Stationary SD about 5 mg/dL,
 *   lag-1 correlation 0.92: consecutive readings differ by about 2 mg/dL.
 * - **gain**: the sensor's calibration error, drawn once per sensor (normal, mean 0, SD `gainSd`,
 *   within ±2 SD: a sensor further off is a faulty one, which a scenario injects as a fault —
 *   `sensor.gain`, `sensor.calibration-error`).
 *   Factory-calibrated sensors carry a per-sensor gain error (Vettoretti et al. model it as a
 *   polynomial in wear time). Its SD, 6 %, is chosen, not measured: it brings the population's MARD
 *   against true plasma glucose to about 9 %, where accuracy studies put current sensors (Dexcom G6
 *   about 9–10 %, Shah VN et al., Diabetes Technol Ther 2018;20:428; FreeStyle Libre 2 9.2 % in adults,
 *   Alva S et al., J Diabetes Sci Technol 2022;16:70–77; Dexcom G7 8.2 % on the arm, Garg SK et al.,
 *   Diabetes Technol Ther 2022;24:373).
 *
 * Each part draws from its own fork of the sensor's stream, so the simglucose part is the reference's
 * sequence whatever the others do.
 */
export interface CgmNoiseParams {
  pacf: number;
  gamma: number;
  lambda: number;
  delta: number;
  xi: number;
  /** Minutes between readings. */
  sampleTimeMin: number;
  /** Clip bounds of a reading, mg/dL. */
  min: number;
  max: number;
}

/** sensor_params.csv, row GuardianRT (the 5-minute sensor); min 39 and max 600 mg/dL as there. */
export const DEFAULT_CGM_NOISE: Readonly<CgmNoiseParams> = Object.freeze({
  pacf: 0.7,
  gamma: -0.5444,
  lambda: 15.9574,
  delta: 1.6898,
  xi: -5.47,
  sampleTimeMin: 5,
  min: 39,
  max: 600,
});

/** The per-reading noise (AR(2) at the sample rate) and the per-sensor gain error. */
export interface CgmReadingError {
  alpha1: number;
  alpha2: number;
  /** Innovation variance, mg²/dL². */
  variance: number;
  /** SD of the sensor's calibration gain error, a fraction. */
  gainSd: number;
}

/** Vettoretti et al. 2019 (Dexcom G6) for the noise; the gain SD calibrated to a MARD of about 9 %. */
export const DEFAULT_CGM_READING_ERROR: Readonly<CgmReadingError> = Object.freeze({
  alpha1: 1.22,
  alpha2: -0.331,
  variance: 3.641,
  gainSd: 0.06,
});

/** No per-reading noise and no gain error: simglucose's sensor alone. */
export const SIMGLUCOSE_ONLY: Readonly<CgmReadingError> = Object.freeze({ alpha1: 0, alpha2: 0, variance: 0, gainSd: 0 });

/** noise_gen.py: MDL_SAMPLE_TIME and PRECOMPUTE. */
const MODEL_SAMPLE_MIN = 15;
const PRECOMPUTE = 10;

/**
 * One sensor's error process. Call `measure` once per reading, every `sampleTimeMin` minutes of
 * simulation time; the error sequence is a function of the Rng stream alone, so it does not depend on
 * when or how often the caller advances its patient.
 */
export class CgmSensor {
  readonly params: Readonly<CgmNoiseParams>;
  readonly readingError: Readonly<CgmReadingError>;
  /** This sensor's calibration gain error, a fraction. */
  readonly gain: number;
  readonly #rng: Rng;
  readonly #fast: Rng;
  #e = 0;
  #drawn15 = 0;
  #blockStart: number;
  #queue: number[] = [];
  /** The last two values of the per-reading AR(2) noise, newest first. */
  #v1 = 0;
  #v2 = 0;

  constructor(rng: Rng, params: Partial<CgmNoiseParams> = {}, readingError: Readonly<CgmReadingError> = DEFAULT_CGM_READING_ERROR) {
    this.params = Object.freeze({ ...DEFAULT_CGM_NOISE, ...params });
    this.readingError = readingError;
    if (!(this.params.sampleTimeMin > 0 && this.params.sampleTimeMin <= MODEL_SAMPLE_MIN * PRECOMPUTE)) {
      throw new RangeError(`CgmSensor: sampleTimeMin must be in (0, 150] minutes, received ${this.params.sampleTimeMin}`);
    }
    this.#rng = rng;
    this.#blockStart = this.#next15();
    this.gain = readingError.gainSd > 0 ? truncatedNormal(rng.fork('gain'), readingError.gainSd) : 0;
    this.#fast = rng.fork('reading-noise');
    // Start the AR(2) noise in its stationary state: v₀ with the stationary SD, v₋₁ correlated by ρ₁.
    const { alpha1, alpha2, variance } = readingError;
    if (variance > 0) {
      const sd = Math.sqrt((variance * (1 - alpha2)) / ((1 + alpha2) * ((1 - alpha2) ** 2 - alpha1 ** 2)));
      const rho1 = alpha1 / (1 - alpha2);
      this.#v2 = this.#fast.normal(0, sd);
      this.#v1 = rho1 * this.#v2 + this.#fast.normal(0, sd * Math.sqrt(1 - rho1 ** 2));
    }
  }

  /** A reading (mg/dL) of the given true interstitial glucose. */
  measure(interstitialGlucose: number): number {
    const reading = (1 + this.gain) * interstitialGlucose + this.nextError() + this.#nextNoise();
    return Math.min(this.params.max, Math.max(this.params.min, reading));
  }

  /** The next value of simglucose's additive error (mg/dL), without a glucose value. */
  nextError(): number {
    if (this.#queue.length === 0) this.#queue = this.#block();
    return this.#queue.shift()!;
  }

  #nextNoise(): number {
    const { alpha1, alpha2, variance } = this.readingError;
    if (variance === 0) return 0;
    const v = alpha1 * this.#v1 + alpha2 * this.#v2 + this.#fast.normal(0, Math.sqrt(variance));
    this.#v2 = this.#v1;
    this.#v1 = v;
    return v;
  }

  #next15(): number {
    const n = this.#rng.normal();
    this.#e = this.#drawn15 === 0 ? n : this.params.pacf * (this.#e + n);
    this.#drawn15++;
    const { xi, lambda, gamma, delta } = this.params;
    return xi + lambda * Math.sinh((this.#e - gamma) / delta);
  }

  #block(): number[] {
    const knots = [this.#blockStart];
    for (let i = 0; i < PRECOMPUTE; i++) knots.push(this.#next15());
    this.#blockStart = knots[PRECOMPUTE]!;
    const spline = notAKnotSpline(knots, MODEL_SAMPLE_MIN);
    const st = this.params.sampleTimeMin;
    const count = Math.floor((PRECOMPUTE * MODEL_SAMPLE_MIN) / st) + 1;
    const out: number[] = [];
    for (let k = 1; k < count; k++) out.push(spline(k * st));
    return out;
  }
}

/** Normal(0, sd) redrawn until within ±2 SD. */
function truncatedNormal(rng: Rng, sd: number): number {
  for (;;) {
    const x = rng.normal(0, sd);
    if (Math.abs(x) <= 2 * sd) return x;
  }
}

/**
 * The not-a-knot cubic spline through `y` at x = 0, h, 2h, … (what scipy's `make_interp_spline(k=3)`
 * builds by default). Needs at least four points.
 */
export function notAKnotSpline(y: readonly number[], h: number): (x: number) => number {
  const n = y.length;
  if (n < 4) throw new RangeError(`notAKnotSpline needs at least 4 points, received ${n}`);
  // Unknowns: second derivatives M0..Mn-1.
  const a = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  // Not-a-knot: the third derivative is continuous across x1 and x(n-2).
  a[0]![0] = 1;
  a[0]![1] = -2;
  a[0]![2] = 1;
  a[n - 1]![n - 3] = 1;
  a[n - 1]![n - 2] = -2;
  a[n - 1]![n - 1] = 1;
  for (let i = 1; i < n - 1; i++) {
    a[i]![i - 1] = 1;
    a[i]![i] = 4;
    a[i]![i + 1] = 1;
    a[i]![n] = (6 / (h * h)) * (y[i - 1]! - 2 * y[i]! + y[i + 1]!);
  }
  const m = solve(a);
  return (x: number) => {
    const i = Math.min(n - 2, Math.max(0, Math.floor(x / h)));
    const left = x - i * h;
    const right = (i + 1) * h - x;
    return (
      (m[i]! * right ** 3 + m[i + 1]! * left ** 3) / (6 * h) +
      (y[i]! / h - (m[i]! * h) / 6) * right +
      (y[i + 1]! / h - (m[i + 1]! * h) / 6) * left
    );
  };
}

/** Gaussian elimination with partial pivoting on an augmented n×(n+1) matrix (modified in place). */
function solve(a: number[][]): number[] {
  const n = a.length;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]!;
    for (let r = col + 1; r < n; r++) {
      const row = a[r]!;
      const f = row[col]! / p[col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) row[c]! -= f * p[c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= a[r]![c]! * x[c]!;
    x[r] = s / a[r]![r]!;
  }
  return x;
}
