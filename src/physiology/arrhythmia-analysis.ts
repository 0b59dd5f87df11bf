import type { Rng } from '../core/rng.ts';
import { ARRHYTHMIA_CALLS, type ArrhythmiaCall, type EcgAnalysis } from './signals.ts';

export { ARRHYTHMIA_CALLS, type ArrhythmiaCall, type EcgAnalysis };

/** The patient's true rhythm: sinus, or an arrhythmia episode (vitals.ts). */
export type TrueRhythm = 'sinus' | 'af-rvr' | 'brady' | 'vt';

/** What the ECG itself looks like this second, from the monitor's measurement model (monitor-sensor.ts). */
export type EcgArtefact = 'noise' | 'lost' | undefined;

/**
 * How often the analysis is wrong, and how. Most arrhythmia alarms are false: 88.8 % of 12,671
 * annotated ICU arrhythmia alarms in Drew et al. 2014 (PLoS One 9:e110274), who name the causes
 * modelled here — low-amplitude QRS complexes in some leads (undercounting: false asystole, pause and
 * bradycardia), wide QRS complexes from bundle-branch block or ventricular pacing (false VT), artefact
 * (false VT), persistent AF (the AF alarm sounding again each time the algorithm re-detects it) and
 * non-actionable ectopy (PVC alarms). Rates are per hour of monitoring; the prevalences and rates are
 * chosen so that an ICU mix's arrhythmia alarms per bed-day land near Drew et al.'s (about 570, nearly
 * all non-actionable), not measured one by one.
 */
export interface ArrhythmiaErrorRates {
  /** Share of patients whose QRS is of low amplitude in some leads. */
  lowAmplitudeShare: number;
  /** False asystole or bradycardia calls an hour, in those patients. */
  undercountPerHour: number;
  /** Share of patients with wide QRS complexes (bundle-branch block, paced rhythm). */
  wideQrsShare: number;
  /** False VT calls an hour, in those patients. */
  wideQrsVtPerHour: number;
  /** Share of ECG noise artefacts the analysis calls VT (the rest it declares unanalysable). */
  noiseAsVt: number;
  /** During AF, how often an hour the analysis loses and re-detects it. */
  afRedetectPerHour: number;
  /** Median PVC alarms an hour (log-normal across patients, σ `ectopySigma`). */
  ectopyMedianPerHour: number;
  ectopySigma: number;
  /** Short spells an hour of an ECG too poor to analyse (baseline wander, low signal) besides artefacts. */
  poorSignalPerHour: number;
}

/** A general ward: fewer sick patients, less handling, fewer false calls (chosen). */
export const WARD_ARRHYTHMIA_ERRORS: Readonly<ArrhythmiaErrorRates> = Object.freeze({
  lowAmplitudeShare: 0.2,
  undercountPerHour: 0.5,
  wideQrsShare: 0.15,
  wideQrsVtPerHour: 0.5,
  noiseAsVt: 0.5,
  afRedetectPerHour: 10,
  ectopyMedianPerHour: 0.3,
  ectopySigma: 1.2,
  poorSignalPerHour: 0.5,
});

/** An ICU: chosen so that an ICU mix lands near Drew et al.'s arrhythmia and technical alarms a bed-day. */
export const ICU_ARRHYTHMIA_ERRORS: Readonly<ArrhythmiaErrorRates> = Object.freeze({
  lowAmplitudeShare: 0.25,
  undercountPerHour: 3,
  wideQrsShare: 0.2,
  wideQrsVtPerHour: 3,
  noiseAsVt: 0.5,
  afRedetectPerHour: 30,
  ectopyMedianPerHour: 12,
  ectopySigma: 1.2,
  poorSignalPerHour: 18,
});

/** No false calls: a perfect analysis of the true rhythm (patients without measurement artefacts). */
export const NO_ARRHYTHMIA_ERRORS: Readonly<ArrhythmiaErrorRates> = Object.freeze({
  lowAmplitudeShare: 0,
  undercountPerHour: 0,
  wideQrsShare: 0,
  wideQrsVtPerHour: 0,
  noiseAsVt: 0,
  afRedetectPerHour: 0,
  ectopyMedianPerHour: 0,
  ectopySigma: 0,
  poorSignalPerHour: 0,
});

interface Spell {
  call: ArrhythmiaCall | null;
  analysable: boolean;
  left: number;
}

const SECOND = 1;
const NONE: EcgAnalysis = Object.freeze({ call: null, analysable: true });
const CALLS: Record<ArrhythmiaCall, EcgAnalysis> = Object.fromEntries(
  ARRHYTHMIA_CALLS.map((c) => [c, Object.freeze({ call: c, analysable: true })]),
) as Record<ArrhythmiaCall, EcgAnalysis>;
const UNANALYSABLE: EcgAnalysis = Object.freeze({ call: null, analysable: false });

/**
 * A bedside monitor's arrhythmia analysis of one patient, called once a second. True arrhythmias are
 * called as they are (AF, bradycardia, VT); on top come the analysis's own errors, each kind a
 * Poisson process drawn only at its onsets from the monitor's own stream.
 */
export class ArrhythmiaAnalyser {
  readonly lowAmplitude: boolean;
  readonly wideQrs: boolean;
  /** This patient's PVC alarms an hour. */
  readonly ectopyPerHour: number;
  readonly #rng: Rng;
  readonly #rates: Readonly<ArrhythmiaErrorRates>;
  /** False-call sources: their rate a second and seconds to their next onset. */
  readonly #sources: { perSecond: number; until: number; start: () => Spell }[];
  #spell: Spell | undefined;
  #afLapse = 0;
  #untilAfLapse = Number.POSITIVE_INFINITY;
  #lastArtefact: EcgArtefact;
  #noiseCall: EcgAnalysis = UNANALYSABLE;

  constructor(rng: Rng, rates: Readonly<ArrhythmiaErrorRates> = WARD_ARRHYTHMIA_ERRORS) {
    this.#rng = rng;
    this.#rates = rates;
    const traits = rng.fork('traits');
    this.lowAmplitude = traits.next() < rates.lowAmplitudeShare;
    this.wideQrs = traits.next() < rates.wideQrsShare;
    this.ectopyPerHour = rates.ectopyMedianPerHour > 0 ? rates.ectopyMedianPerHour * Math.exp(rates.ectopySigma * traits.normal()) : 0;
    const r = rng;
    this.#sources = [
      {
        perSecond: this.lowAmplitude ? rates.undercountPerHour / 3600 : 0,
        until: 0,
        start: () =>
          r.bernoulli(0.5)
            ? { call: 'asystole', analysable: true, left: r.int(4, 10) }
            : { call: 'brady', analysable: true, left: r.int(5, 30) },
      },
      {
        perSecond: this.wideQrs ? rates.wideQrsVtPerHour / 3600 : 0,
        until: 0,
        start: () => ({ call: 'vtach', analysable: true, left: r.int(3, 15) }),
      },
      { perSecond: this.ectopyPerHour / 3600, until: 0, start: () => ({ call: 'pvcs', analysable: true, left: r.int(10, 60) }) },
      { perSecond: rates.poorSignalPerHour / 3600, until: 0, start: () => ({ call: null, analysable: false, left: r.int(5, 30) }) },
    ];
    for (const source of this.#sources) source.until = this.#wait(source.perSecond);
  }

  #wait(perSecond: number): number {
    return perSecond > 0 ? Math.max(SECOND, Math.round(this.#rng.exponential(perSecond))) : Number.POSITIVE_INFINITY;
  }

  /** This second's analysis, given the true rhythm and what the ECG shows (its artefacts). */
  analyse(rhythm: TrueRhythm, artefact: EcgArtefact): EcgAnalysis {
    const errors = this.#errors();
    const noise = this.#noise(artefact);
    if (artefact === 'lost') return NONE; // no ECG: the monitor says so ("ECG no signal"), nothing to analyse
    if (noise !== undefined) return noise;
    const truth = this.#truth(rhythm);
    if (errors !== undefined && (truth === NONE || rank(errors) < rank(truth))) return errors;
    return truth;
  }

  /** A noise artefact counted as beats: called VT, or declared unanalysable, for its whole length. */
  #noise(artefact: EcgArtefact): EcgAnalysis | undefined {
    if (artefact === 'noise' && this.#lastArtefact !== 'noise') {
      this.#noiseCall = this.#rng.next() < this.#rates.noiseAsVt ? CALLS.vtach : UNANALYSABLE;
    }
    this.#lastArtefact = artefact;
    return artefact === 'noise' ? this.#noiseCall : undefined;
  }

  #truth(rhythm: TrueRhythm): EcgAnalysis {
    if (rhythm === 'vt') return CALLS.vtach;
    if (rhythm === 'brady') return CALLS.brady;
    if (rhythm !== 'af-rvr') {
      this.#afLapse = 0;
      this.#untilAfLapse = Number.POSITIVE_INFINITY;
      return NONE;
    }
    // AF: the analysis loses the rhythm now and then and announces it again when it re-detects it.
    if (this.#untilAfLapse === Number.POSITIVE_INFINITY) this.#untilAfLapse = this.#wait(this.#rates.afRedetectPerHour / 3600);
    if (this.#afLapse > 0) {
      if (--this.#afLapse === 0) this.#untilAfLapse = this.#wait(this.#rates.afRedetectPerHour / 3600);
      return NONE;
    }
    if (--this.#untilAfLapse <= 0) {
      this.#afLapse = this.#rng.int(5, 20);
      return NONE;
    }
    return CALLS.afib;
  }

  /** The analysis's own error this second (a spell in progress, or one starting now). */
  #errors(): EcgAnalysis | undefined {
    if (this.#spell !== undefined) {
      if (--this.#spell.left > 0) return this.#spell.call === null ? UNANALYSABLE : CALLS[this.#spell.call];
      this.#spell = undefined;
    }
    for (const source of this.#sources) {
      if (--source.until > 0) continue;
      source.until = this.#wait(source.perSecond);
      if (this.#spell === undefined) this.#spell = source.start();
    }
    if (this.#spell === undefined) return undefined;
    return this.#spell.call === null ? UNANALYSABLE : CALLS[this.#spell.call];
  }
}

function rank(a: EcgAnalysis): number {
  return a.call === null ? (a.analysable ? ARRHYTHMIA_CALLS.length + 1 : -1) : ARRHYTHMIA_CALLS.indexOf(a.call);
}
