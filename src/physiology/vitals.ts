import type { Rng } from '../core/rng.ts';
import { applyEffects, clinicalEventSchema, eventEffects, type ClinicalEventInput, type EventSignal, type VitalEffect } from './clinical-events.ts';

/** A patient's resting vital signs: hr bpm, spo2 %, rr /min, temp °C, sbp/dbp mmHg. */
export interface VitalsBaseline {
  hr: number;
  spo2: number;
  rr: number;
  temp: number;
  sbp: number;
  dbp: number;
}

export type VitalSign = EventSignal | 'map';
export type VitalsTruth = Record<VitalSign, number>;

export interface VitalsOptions {
  /** Simulation time the model starts at, ms (default 0). */
  startMs?: number;
  /** Clock hour of day at `startMs`, for the circadian rhythm (default 8 = 08:00). */
  startHour?: number;
}

// The model steps its random processes on a fixed 1 s grid, so a value at time t depends only on the
// seed and t — not on how the caller split the way there (advanceTo(10 s) once or ten times).
const STEP_MS = 1_000;

/**
 * Minute-to-minute drift: Ornstein–Uhlenbeck, stationary SD `sd`, time constant `tau` s. Sizes follow
 * the spread of repeated resting readings within an hour (HR ~3 bpm; SBP ~5–6 mmHg, the short-term BP
 * variability of ambulatory recordings, Parati et al. 1987 J Hypertens; SpO2 ~0.5 % in healthy adults).
 * `bp` is a shared pressure component that moves sbp and dbp together.
 */
const SLOW = {
  hr: { sd: 3, tau: 300 },
  spo2: { sd: 0.5, tau: 120 },
  rr: { sd: 1.2, tau: 180 },
  temp: { sd: 0.08, tau: 1_800 },
  bp: { sd: 1, tau: 300 },
  sbp: { sd: 2, tau: 300 },
  dbp: { sd: 1.5, tau: 300 },
} as const;
const BP_SHARED = { sbp: 5, dbp: 3.5 };

/**
 * Beat-to-beat / breath-to-breath variability (OU, tau 3 s). Task Force of the ESC/NASPE 1996 (HRV
 * standards): short-term SDNN ~50 ms, i.e. ~4 bpm at 70 bpm; together with SLOW.hr and the RSA term
 * below the short-term HR SD comes to ~4 bpm.
 */
const FAST = {
  hr: { sd: 2, tau: 3 },
  spo2: { sd: 0.2, tau: 3 },
  rr: { sd: 0.6, tau: 3 },
  sbp: { sd: 2, tau: 3 },
  dbp: { sd: 1.5, tau: 3 },
} as const;

// Respiratory sinus arrhythmia (~5 bpm peak to trough at rest) and the respiratory swing of systolic
// pressure (normal < 10 mmHg, above that is pulsus paradoxus).
const RSA_BPM = 2.5;
const RESP_SBP_MMHG = 2;

/**
 * Circadian cosinor terms: amplitude and hour of peak. Core temperature peaks ~17:00 with nadir ~05:00
 * and ~0.5–1 °C peak to trough (Refinetti & Menaker 1992, Physiol Behav 51:613); BP dips 10–20 % at night
 * (O'Brien et al. 2013, ESH ABPM position paper); HR is ~10 bpm lower asleep (Degaute et al. 1991,
 * Hypertension 18:199).
 */
const CIRCADIAN: Record<EventSignal, { amp: number; peakHour: number }> = {
  hr: { amp: 5, peakHour: 14 },
  spo2: { amp: 0.3, peakHour: 14 },
  rr: { amp: 0.5, peakHour: 14 },
  temp: { amp: 0.3, peakHour: 17 },
  sbp: { amp: 6, peakHour: 15 },
  dbp: { amp: 4, peakHour: 15 },
};

/** Hard physiological bounds; the model never reports beyond them. */
const BOUNDS: Record<EventSignal, [number, number]> = {
  hr: [20, 250],
  spo2: [40, 100],
  rr: [0, 60],
  temp: [30, 43],
  sbp: [40, 260],
  dbp: [20, 160],
};
// Pulse pressure never collapses below this.
const MIN_PULSE_PRESSURE = 10;

type SlowKey = keyof typeof SLOW;
type FastKey = keyof typeof FAST;
const SLOW_KEYS = Object.keys(SLOW) as SlowKey[];
const FAST_KEYS = Object.keys(FAST) as FastKey[];
const SIGNALS: readonly EventSignal[] = ['hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp'];

/**
 * True vital signs of one patient over time: baseline + circadian rhythm + clinical events + slow OU
 * drift + beat-to-beat variability. Deterministic for a given Rng stream and call sequence of
 * `schedule`; `advanceTo` may jump any distance (a day costs ~86 400 cheap steps).
 */
export class VitalsModel {
  readonly baseline: Readonly<VitalsBaseline>;
  readonly #rng: Rng;
  readonly #startHour: number;
  readonly #effects: VitalEffect[] = [];
  #t: number;
  #gridT: number;
  #slow: Record<SlowKey, number>;
  #fast: Record<FastKey, number>;
  #respPhase: number;
  #cache: VitalsTruth | undefined;

  constructor(rng: Rng, baseline: VitalsBaseline, options: VitalsOptions = {}) {
    this.#rng = rng;
    this.baseline = { ...baseline };
    this.#startHour = options.startHour ?? 8;
    this.#t = this.#gridT = options.startMs ?? 0;
    // Start from the stationary distribution so there is no warm-up transient.
    this.#slow = Object.fromEntries(SLOW_KEYS.map((k) => [k, rng.normal(0, SLOW[k].sd)])) as Record<SlowKey, number>;
    this.#fast = Object.fromEntries(FAST_KEYS.map((k) => [k, rng.normal(0, FAST[k].sd)])) as Record<FastKey, number>;
    this.#respPhase = rng.uniform(0, 2 * Math.PI);
  }

  /** Current model time, ms. */
  get t(): number {
    return this.#t;
  }

  /** Schedules a clinical event (validated and defaulted by `clinicalEventSchema`). */
  schedule(event: ClinicalEventInput): void {
    this.#effects.push(...eventEffects(clinicalEventSchema.parse(event), this.baseline));
    this.#cache = undefined;
  }

  /** Moves the model to time `t` (ms). Same `t` again is a no-op; going back is a programming error. */
  advanceTo(t: number): void {
    if (t < this.#t) throw new RangeError(`VitalsModel cannot go back in time: now is ${this.#t} ms, asked for ${t} ms`);
    if (t === this.#t) return;
    while (this.#gridT + STEP_MS <= t) this.#step();
    this.#t = t;
    this.#cache = undefined;
  }

  /** True values at the current time. */
  truth(): VitalsTruth {
    this.#cache ??= this.#evaluate(this.#t);
    return this.#cache;
  }

  #step(): void {
    // Breathing rate at the grid point sets how far the respiratory phase turns in this step.
    const rr = this.#mean('rr', this.#gridT).value + this.#slow.rr;
    this.#respPhase = (this.#respPhase + (2 * Math.PI * Math.max(0, rr) * STEP_MS) / 60_000) % (2 * Math.PI);
    for (const k of SLOW_KEYS) this.#slow[k] = SLOW_DECAY[k] * this.#slow[k] + SLOW_KICK[k] * this.#rng.normal();
    for (const k of FAST_KEYS) this.#fast[k] = FAST_DECAY[k] * this.#fast[k] + FAST_KICK[k] * this.#rng.normal();
    this.#gridT += STEP_MS;
  }

  /** Baseline + circadian + events; `scale` shrinks noise when an event drives the mean towards zero (apnoea). */
  #mean(signal: EventSignal, t: number): { value: number; scale: number } {
    const { amp, peakHour } = CIRCADIAN[signal];
    const hour = this.#startHour + t / 3_600_000;
    const resting = this.baseline[signal] + amp * Math.cos((2 * Math.PI * (hour - peakHour)) / 24);
    const value = applyEffects(signal, resting, this.#effects, t);
    return { value, scale: resting > 0 ? Math.min(1, Math.max(0, value / resting)) : 1 };
  }

  #evaluate(t: number): VitalsTruth {
    const rr0 = this.#mean('rr', this.#gridT).value + this.#slow.rr;
    const phase = this.#respPhase + (2 * Math.PI * Math.max(0, rr0) * (t - this.#gridT)) / 60_000;
    const resp = Math.sin(phase);
    const out = {} as VitalsTruth;
    for (const signal of SIGNALS) {
      const { value, scale } = this.#mean(signal, t);
      let noise = this.#slow[signal];
      if (signal !== 'temp') noise += this.#fast[signal];
      if (signal === 'hr') noise += RSA_BPM * resp;
      if (signal === 'sbp') noise += BP_SHARED.sbp * this.#slow.bp - RESP_SBP_MMHG * resp;
      if (signal === 'dbp') noise += BP_SHARED.dbp * this.#slow.bp;
      const [lo, hi] = BOUNDS[signal];
      out[signal] = clamp(value + scale * noise, lo, hi);
    }
    out.dbp = Math.max(BOUNDS.dbp[0], Math.min(out.dbp, out.sbp - MIN_PULSE_PRESSURE));
    // MAP ≈ DBP + pulse pressure / 3, the usual clinical estimate at resting heart rates.
    out.map = out.dbp + (out.sbp - out.dbp) / 3;
    return out;
  }
}

/**
 * Exact OU transition over one grid step, x' = a·x + sd·√(1−a²)·N(0,1) with a = e^(−step/tau), so the
 * stationary SD is `sd` whatever the step. Precomputed: a day of stepping is the hot path of long runs.
 */
function ouCoefficients<K extends string>(params: Record<K, { sd: number; tau: number }>) {
  const decay = {} as Record<K, number>;
  const kick = {} as Record<K, number>;
  for (const k of Object.keys(params) as K[]) {
    const a = Math.exp(-STEP_MS / 1000 / params[k].tau);
    decay[k] = a;
    kick[k] = params[k].sd * Math.sqrt(1 - a * a);
  }
  return { decay, kick };
}
const { decay: SLOW_DECAY, kick: SLOW_KICK } = ouCoefficients(SLOW);
const { decay: FAST_DECAY, kick: FAST_KICK } = ouCoefficients(FAST);

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * Draws a plausible resting adult baseline. Population means and spreads: resting HR ~70 ± 8 bpm, a few
 * bpm higher in women (Avram et al. 2019, npj Digit Med); temperature 36.8 ± 0.4 °C, lower in older
 * adults (Mackowiak et al. 1992, JAMA 268:1578); mean SBP rising ~0.5 mmHg per year of age, higher in
 * younger men (NHANES); SpO2 95–100 % at sea level; RR 12–20 /min.
 */
export function drawVitalsBaseline(rng: Rng, patient: { ageYears?: number; sex?: 'female' | 'male' } = {}): VitalsBaseline {
  const age = patient.ageYears ?? 45;
  const sex = patient.sex ?? (rng.bernoulli(0.5) ? 'female' : 'male');
  const male = sex === 'male';
  const hr = clamp(rng.normal(male ? 68 : 72, 8), 55, 95);
  const spo2 = clamp(rng.normal(97.8 - 0.02 * Math.max(0, age - 40), 0.8), 95.5, 99.5);
  const rr = clamp(rng.normal(15, 2), 11, 20);
  const temp = clamp(rng.normal(age >= 65 ? 36.6 : 36.8, 0.2), 36.2, 37.3);
  const sbp = clamp(rng.normal(110 + 0.45 * Math.max(0, age - 20) + (male && age < 60 ? 5 : 0), 9), 95, 150);
  const dbp = clamp(rng.normal(70 + 0.15 * Math.max(0, age - 20) + (male ? 3 : 0), 6), 55, Math.min(92, sbp - 30));
  return { hr, spo2, rr, temp, sbp, dbp };
}
