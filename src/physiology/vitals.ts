import type { Rng } from '../core/rng.ts';
import {
  applyEffects,
  clinicalEventSchema,
  eventEffects,
  type ClinicalEventInput,
  type EventSignal,
  type VitalEffect,
} from './clinical-events.ts';
import { VITAL_PROFILES, type VitalProfile } from './vital-profiles.ts';

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
  /** The patient's illness: wider drift and arrhythmia episodes (vital-profiles.ts). Default: well, no episodes. */
  profile?: VitalProfile;
}

/** An arrhythmia episode in progress: the rhythm, its ventricular rate and when it ends. */
export interface RhythmEpisode {
  kind: 'af-rvr' | 'brady' | 'vt';
  hr: number;
  start: number;
  end: number;
}

/**
 * Episode shapes. AF with rapid ventricular response: ventricular rate ~110–150 bpm (ESC 2020 AF
 * guideline, Hindricks et al., Eur Heart J 42:373: rate control aims below 110), lasting minutes to
 * hours, with beat-to-beat irregularity (absolutely irregular RR intervals) and a lower systolic
 * pressure (lost atrial kick). Bradycardia: 35–50 bpm for tens of seconds to minutes.
 */
const AF = { hrMean: 125, hrSd: 15, meanMinutes: 45, minMinutes: 2, irregularity: 2, sbpDrop: 10 };
const BRADY = { hrMean: 42, hrSd: 4, meanMinutes: 2, minMinutes: 0.5 };
/**
 * Non-sustained VT: three or more ventricular beats at 120–250 bpm ending within 30 s (ACC/AHA/ESC 2006
 * ventricular arrhythmia guideline, Zipes et al., Circulation 114:e385); here 170 ± 20 bpm for a mean
 * 10 s, at least 2 s.
 */
const VT = { hrMean: 170, hrSd: 20, meanMinutes: 10 / 60, minMinutes: 2 / 60 };
const WELL: VitalProfile = { shift: {}, variability: 1, afPerDay: 0, bradyPerDay: 0, vtPerDay: 0 };
const DAY_MS = 86_400_000;

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
// Positions in the state arrays (same order as SLOW_KEYS / FAST_KEYS, the order the streams are drawn in).
const S_HR = SLOW_KEYS.indexOf('hr');
const S_SPO2 = SLOW_KEYS.indexOf('spo2');
const S_RR = SLOW_KEYS.indexOf('rr');
const S_TEMP = SLOW_KEYS.indexOf('temp');
const S_BP = SLOW_KEYS.indexOf('bp');
const S_SBP = SLOW_KEYS.indexOf('sbp');
const S_DBP = SLOW_KEYS.indexOf('dbp');
const F_HR = FAST_KEYS.indexOf('hr');
const F_SPO2 = FAST_KEYS.indexOf('spo2');
const F_RR = FAST_KEYS.indexOf('rr');
const F_SBP = FAST_KEYS.indexOf('sbp');
const F_DBP = FAST_KEYS.indexOf('dbp');
const TWO_PI = 2 * Math.PI;

/**
 * True vital signs of one patient over time: baseline + circadian rhythm + clinical events + slow OU
 * drift + beat-to-beat variability. Deterministic for a given Rng stream and call sequence of
 * `schedule`; `advanceTo` may jump any distance (a day costs ~86 400 cheap steps).
 */
export class VitalsModel {
  readonly baseline: Readonly<VitalsBaseline>;
  readonly #rng: Rng;
  readonly #startHour: number;
  // Effects per signal, in schedule order: each signal's mean only walks its own.
  readonly #effects: Record<EventSignal, VitalEffect[]> = { hr: [], spo2: [], rr: [], temp: [], sbp: [], dbp: [] };
  #t: number;
  #gridT: number;
  // OU states in SLOW_KEYS / FAST_KEYS order: stepped once per simulated second per patient, the hot
  // path of long runs, so plain indexed arrays rather than records.
  readonly #slow: Float64Array;
  readonly #fast: Float64Array;
  #respPhase: number;
  #cache: VitalsTruth | undefined;
  // The mean breathing rate at a grid point is needed twice (evaluating there, then stepping from there).
  #rrMeanT = Number.NaN;
  #rrMean = 0;
  // Arrhythmia episodes come from their own stream, drawn only at episode boundaries, so a well
  // patient's vital signs are the same numbers whether or not episodes are modelled.
  readonly #rhythmRng: Rng;
  readonly #profile: VitalProfile;
  readonly #slowKick: Float64Array;
  #episode: RhythmEpisode | undefined;
  #nextOnset: number;

  constructor(rng: Rng, baseline: VitalsBaseline, options: VitalsOptions = {}) {
    this.#rng = rng;
    this.baseline = { ...baseline };
    this.#startHour = options.startHour ?? 8;
    this.#t = this.#gridT = options.startMs ?? 0;
    const profile = options.profile ?? WELL;
    if (!(profile.variability > 0 && profile.afPerDay >= 0 && profile.bradyPerDay >= 0 && (profile.vtPerDay ?? 0) >= 0)) {
      throw new RangeError(`VitalsModel profile is invalid: ${JSON.stringify(profile)}; variability must be > 0 and episode rates ≥ 0`);
    }
    this.#profile = profile;
    // An unwell patient's HR, SpO2 and RR wander further (the same OU, a larger stationary SD).
    const widen = (k: SlowKey) => (k === 'hr' || k === 'spo2' || k === 'rr' ? profile.variability : 1);
    this.#slowKick = Float64Array.from(SLOW_KEYS, (k, i) => SLOW_KICK[i]! * widen(k));
    // Start from the stationary distribution so there is no warm-up transient.
    this.#slow = Float64Array.from(SLOW_KEYS, (k) => rng.normal(0, SLOW[k].sd * widen(k)));
    this.#fast = Float64Array.from(FAST_KEYS, (k) => rng.normal(0, FAST[k].sd));
    this.#respPhase = rng.uniform(0, 2 * Math.PI);
    this.#rhythmRng = rng.fork('rhythm');
    this.#nextOnset = this.#gridT + this.#waitForEpisode();
  }

  /** The arrhythmia episode in progress, if any. */
  get episode(): Readonly<RhythmEpisode> | undefined {
    return this.#episode;
  }

  /** Time to the next episode onset, ms: exponential at the profile's combined rate (Infinity when none). */
  #waitForEpisode(): number {
    const perDay = this.#profile.afPerDay + this.#profile.bradyPerDay + (this.#profile.vtPerDay ?? 0);
    return perDay > 0 ? Math.max(STEP_MS, Math.round(this.#rhythmRng.exponential(perDay / DAY_MS))) : Number.POSITIVE_INFINITY;
  }

  /** Starts or ends an episode at grid time `t`. */
  #rhythm(t: number): void {
    if (this.#episode !== undefined && t >= this.#episode.end) {
      this.#episode = undefined;
      this.#nextOnset = t + this.#waitForEpisode();
    }
    if (this.#episode === undefined && t >= this.#nextOnset) {
      const r = this.#rhythmRng;
      const { afPerDay, bradyPerDay, vtPerDay = 0 } = this.#profile;
      const u = r.uniform(0, afPerDay + bradyPerDay + vtPerDay);
      const kind = u < afPerDay ? 'af-rvr' : u < afPerDay + bradyPerDay ? 'brady' : 'vt';
      const shape = kind === 'af-rvr' ? AF : kind === 'brady' ? BRADY : VT;
      const minutes = Math.max(shape.minMinutes, r.exponential(1 / shape.meanMinutes));
      const hr = r.normal(shape.hrMean, shape.hrSd);
      this.#episode = { kind, hr, start: t, end: t + Math.max(STEP_MS, Math.round(minutes * 60) * 1000) };
    }
  }

  /** Current model time, ms. */
  get t(): number {
    return this.#t;
  }

  /** Schedules a clinical event (validated and defaulted by `clinicalEventSchema`). */
  schedule(event: ClinicalEventInput): void {
    for (const effect of eventEffects(clinicalEventSchema.parse(event), this.baseline)) this.#effects[effect.signal].push(effect);
    this.#cache = undefined;
    this.#rrMeanT = Number.NaN;
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
    const rr = this.#rrMeanAtGrid() + this.#slow[S_RR]!;
    this.#respPhase = (this.#respPhase + (2 * Math.PI * Math.max(0, rr) * STEP_MS) / 60_000) % (2 * Math.PI);
    const rng = this.#rng;
    const slow = this.#slow;
    const fast = this.#fast;
    const kick = this.#slowKick;
    for (let i = 0; i < slow.length; i++) slow[i] = SLOW_DECAY[i]! * slow[i]! + kick[i]! * rng.normal();
    for (let i = 0; i < fast.length; i++) fast[i] = FAST_DECAY[i]! * fast[i]! + FAST_KICK[i]! * rng.normal();
    this.#gridT += STEP_MS;
    if (this.#gridT >= this.#nextOnset || this.#episode !== undefined) this.#rhythm(this.#gridT);
  }

  #rrMeanAtGrid(): number {
    const t = this.#gridT;
    if (this.#rrMeanT !== t) {
      this.#rrMean = this.#mean('rr', this.#resting('rr', this.#startHour + t / 3_600_000), t);
      this.#rrMeanT = t;
    }
    return this.#rrMean;
  }

  /** Baseline + circadian rhythm at clock hour `hour`. */
  #resting(signal: EventSignal, hour: number): number {
    const { amp, peakHour } = CIRCADIAN[signal];
    return this.baseline[signal] + amp * Math.cos((TWO_PI * (hour - peakHour)) / 24);
  }

  /** The resting value moved by clinical events. */
  #mean(signal: EventSignal, resting: number, t: number): number {
    const effects = this.#effects[signal];
    return effects.length === 0 ? resting : applyEffects(signal, resting, effects, t);
  }

  /** One signal's true value: its mean plus `noise`, which shrinks when an event drives the mean towards zero (apnoea). */
  #value(signal: EventSignal, hour: number, t: number, noise: number): number {
    const resting = this.#resting(signal, hour);
    const value = this.#mean(signal, resting, t);
    const scale = resting > 0 ? Math.min(1, Math.max(0, value / resting)) : 1;
    const [lo, hi] = BOUNDS[signal];
    return clamp(value + scale * noise, lo, hi);
  }

  #evaluate(t: number): VitalsTruth {
    const slow = this.#slow;
    const fast = this.#fast;
    const rr0 = this.#rrMeanAtGrid() + slow[S_RR]!;
    const phase = this.#respPhase + (2 * Math.PI * Math.max(0, rr0) * (t - this.#gridT)) / 60_000;
    const resp = Math.sin(phase);
    const hour = this.#startHour + t / 3_600_000;
    const episode = this.#episode;
    // In an arrhythmia the ventricular rate replaces the sinus rate (and AF is absolutely irregular).
    const hr =
      episode === undefined
        ? this.#value('hr', hour, t, slow[S_HR]! + fast[F_HR]! + RSA_BPM * resp)
        : clamp(episode.hr + slow[S_HR]! + (episode.kind === 'af-rvr' ? AF.irregularity : 1) * fast[F_HR]!, BOUNDS.hr[0], BOUNDS.hr[1]);
    const spo2 = this.#value('spo2', hour, t, slow[S_SPO2]! + fast[F_SPO2]!);
    const rr = this.#value('rr', hour, t, slow[S_RR]! + fast[F_RR]!);
    const temp = this.#value('temp', hour, t, slow[S_TEMP]!);
    const afDrop = episode?.kind === 'af-rvr' ? AF.sbpDrop : 0;
    const sbp = this.#value('sbp', hour, t, slow[S_SBP]! + fast[F_SBP]! + (BP_SHARED.sbp * slow[S_BP]! - RESP_SBP_MMHG * resp) - afDrop);
    const dbp = Math.max(
      BOUNDS.dbp[0],
      Math.min(this.#value('dbp', hour, t, slow[S_DBP]! + fast[F_DBP]! + BP_SHARED.dbp * slow[S_BP]!), sbp - MIN_PULSE_PRESSURE),
    );
    // MAP ≈ DBP + pulse pressure / 3, the usual clinical estimate at resting heart rates.
    return { hr, spo2, rr, temp, sbp, dbp, map: dbp + (sbp - dbp) / 3 };
  }
}

/**
 * Exact OU transition over one grid step, x' = a·x + sd·√(1−a²)·N(0,1) with a = e^(−step/tau), so the
 * stationary SD is `sd` whatever the step. Precomputed: a day of stepping is the hot path of long runs.
 */
function ouCoefficients<K extends string>(params: Record<K, { sd: number; tau: number }>, keys: readonly K[]) {
  const decay = new Float64Array(keys.length);
  const kick = new Float64Array(keys.length);
  keys.forEach((k, i) => {
    const a = Math.exp(-STEP_MS / 1000 / params[k].tau);
    decay[i] = a;
    kick[i] = params[k].sd * Math.sqrt(1 - a * a);
  });
  return { decay, kick };
}
const { decay: SLOW_DECAY, kick: SLOW_KICK } = ouCoefficients(SLOW, SLOW_KEYS);
const { decay: FAST_DECAY, kick: FAST_KICK } = ouCoefficients(FAST, FAST_KEYS);

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : Math.min(x, hi);
}

/**
 * Draws a plausible resting adult baseline. Population means and spreads: resting HR ~70 ± 8 bpm, a few
 * bpm higher in women (Avram et al. 2019, npj Digit Med); temperature 36.8 ± 0.4 °C, lower in older
 * adults (Mackowiak et al. 1992, JAMA 268:1578); mean SBP rising ~0.5 mmHg per year of age, higher in
 * younger men (NHANES); SpO2 95–100 % at sea level; RR 12–20 /min.
 */
export function drawVitalsBaseline(
  rng: Rng,
  patient: { ageYears?: number; sex?: 'female' | 'male' } = {},
  profile: VitalProfile = VITAL_PROFILES.healthy,
): VitalsBaseline {
  const age = patient.ageYears ?? 45;
  const sex = patient.sex ?? (rng.bernoulli(0.5) ? 'female' : 'male');
  const male = sex === 'male';
  const hr = clamp(rng.normal(male ? 68 : 72, 8), 55, 95);
  const spo2 = clamp(rng.normal(97.8 - 0.02 * Math.max(0, age - 40), 0.8), 95.5, 99.5);
  const rr = clamp(rng.normal(15, 2), 11, 20);
  const temp = clamp(rng.normal(age >= 65 ? 36.6 : 36.8, 0.2), 36.2, 37.3);
  const sbp = clamp(rng.normal(110 + 0.45 * Math.max(0, age - 20) + (male && age < 60 ? 5 : 0), 9), 95, 150);
  const dbp = clamp(rng.normal(70 + 0.15 * Math.max(0, age - 20) + (male ? 3 : 0), 6), 55, Math.min(92, sbp - 30));
  const well = { hr, spo2, rr, temp, sbp, dbp };
  if (profile === VITAL_PROFILES.healthy) return well;
  // An illness moves the well person's values (same draws, so a patient's sick self resembles their well one).
  const { shift, spo2Max } = profile;
  const moved = { ...well };
  for (const k of Object.keys(shift) as EventSignal[]) moved[k] += shift[k] ?? 0;
  // A COPD patient's saturation sits in its target range: the well draw (95.5–99.5) mapped onto 91–spo2Max.
  if (spo2Max !== undefined) moved.spo2 = 91 + ((well.spo2 - 95.5) / 4) * (spo2Max - 91);
  moved.spo2 = clamp(moved.spo2, 85, 99.5);
  moved.dbp = Math.min(moved.dbp, moved.sbp - 25);
  return moved;
}
