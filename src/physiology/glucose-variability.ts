import type { Rng } from '../core/rng.ts';

/**
 * Endogenous variability of glucose production: why a fasting person with type 1 diabetes on a fixed
 * basal rate does not hold one glucose value all day. A multiplier on the insulin-suppressible part of
 * endogenous glucose production (EGP), made of
 *
 * - the dawn phenomenon: growth hormone and cortisol at the end of the night raise glucose production
 *   and insulin resistance, a rise peaking around 06:00–08:00 (Porcellati F, Lucidi P, Bolli GB, Fanelli
 *   CG, "Thirty years of research on the dawn phenomenon", Diabetes Care 2013;36:3860–3862); amplitude
 *   per patient, log-normal;
 * - slow random drift: intra-day variability of insulin action in type 1 diabetes (Hinshaw L et al.,
 *   Diabetes 2013;62:2223–2229; modelled in the UVA/Padova simulator as circadian insulin sensitivity,
 *   Visentin R et al., Diabetes Technol Ther 2015;17:1–7) as an Ornstein–Uhlenbeck process with a 2 h
 *   correlation time, sampled at knots every 15 minutes and interpolated linearly between them.
 *
 * Amplitudes are calibrated on this model (200 adults fasting on their own basal rate, second day):
 * within-day SD median 9 mg/dL (p10–p90 5–16), daily range median 32 mg/dL, rise from 03:00 to 08:00
 * median 16 mg/dL (p10–p90 −1 to 34), in the range Porcellati et al. review for type 1 diabetes.
 *
 * The knots are drawn in time order from the patient's own stream as the model first needs them, so the
 * values depend only on the seed, never on how often or in what steps the model is advanced.
 */
export interface GlucoseVariabilityOptions {
  /** Clock hour at simulation time 0. */
  startHour: number;
  /** Scales every amplitude; 0 turns variability off. Default 1. */
  scale?: number;
}

const KNOT_MS = 15 * 60_000;
const DRIFT_TAU_MS = 2 * 3_600_000;
/** Stationary SD of the drift, as a fraction of the suppressible EGP. */
const DRIFT_SD = 0.06;
/** Median dawn amplitude (fraction of the suppressible EGP) and its log-normal spread. */
const DAWN_MEDIAN = 0.1;
const DAWN_SIGMA = 0.5;
const DAWN_PEAK_HOUR = 6.5;
const DAWN_WIDTH_H = 1.5;

export class GlucoseVariability {
  readonly #rng: Rng;
  readonly #startHour: number;
  readonly #scale: number;
  readonly #dawn: number;
  readonly #knots: number[] = [];
  readonly #decay = Math.exp(-KNOT_MS / DRIFT_TAU_MS);

  constructor(rng: Rng, options: GlucoseVariabilityOptions) {
    this.#rng = rng;
    this.#startHour = options.startHour;
    this.#scale = options.scale ?? 1;
    this.#dawn = DAWN_MEDIAN * Math.exp(DAWN_SIGMA * rng.normal());
    // Start from the stationary distribution: no warm-up.
    this.#knots.push(DRIFT_SD * rng.normal());
  }

  /** The EGP multiplier at simulation time `tMs` (1 = the patient's average). */
  factor(tMs: number): number {
    if (this.#scale === 0) return 1;
    const hour = (((this.#startHour + tMs / 3_600_000) % 24) + 24) % 24;
    // Distance to the dawn peak on the 24 h circle.
    const d = Math.min(Math.abs(hour - DAWN_PEAK_HOUR), 24 - Math.abs(hour - DAWN_PEAK_HOUR));
    const dawn = this.#dawn * Math.exp(-0.5 * (d / DAWN_WIDTH_H) ** 2);
    return Math.max(0, 1 + this.#scale * (dawn + this.#drift(Math.max(0, tMs))));
  }

  #drift(tMs: number): number {
    const k = Math.floor(tMs / KNOT_MS);
    const kick = DRIFT_SD * Math.sqrt(1 - this.#decay ** 2);
    while (this.#knots.length <= k + 1) this.#knots.push(this.#decay * this.#knots[this.#knots.length - 1]! + kick * this.#rng.normal());
    const f = (tMs - k * KNOT_MS) / KNOT_MS;
    return this.#knots[k]! * (1 - f) + this.#knots[k + 1]! * f;
  }
}
