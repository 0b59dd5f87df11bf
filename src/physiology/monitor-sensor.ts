import type { Rng } from '../core/rng.ts';
import type { EcgArtefact } from './arrhythmia-analysis.ts';

/** Signals a bedside patient monitor measures. */
export const MONITOR_SIGNALS = ['hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp', 'map'] as const;
export type MonitorSignal = (typeof MONITOR_SIGNALS)[number];

/**
 * Error model of one measured signal. Error SD is `max(sd, relSd × |true value|)`, around a fixed
 * `bias`; successive errors are AR(1) with lag-one correlation `phi` (monitors average over several
 * beats or breaths, so their errors persist for seconds), and the reading is rounded to `resolution`
 * and clamped to the display range.
 */
export interface SignalAccuracy {
  bias: number;
  sd: number;
  relSd: number;
  phi: number;
  resolution: number;
  min: number;
  max: number;
}

/** Default accuracies, with the standard each comes from. Calls are assumed 1 s apart for `phi`. */
export const MONITOR_ACCURACY: Readonly<Record<MonitorSignal, SignalAccuracy>> = {
  // ECG heart rate: ±1 bpm or 1 %, whichever is greater (typical monitor spec; IEC 60601-2-27 allows
  // ±10 % or ±5 bpm).
  hr: { bias: 0, sd: 1, relSd: 0.01, phi: 0.5, resolution: 1, min: 0, max: 300 },
  // Pulse oximetry: ISO 80601-2-61 requires Arms ≤ 4 % over 70–100 %; typical devices reach ~2 %, but
  // that figure is against arterial samples across patients and is mostly per-patient offset. What a
  // displayed value does from second to second, after the oximeter's ~10 s averaging, is a slow wander
  // of about 1 %: an SD of 2 with short memory made a patient at 97 % cross a 95 % limit every few
  // minutes, far more often than monitors on stable patients do.
  spo2: { bias: 0, sd: 1, relSd: 0, phi: 0.97, resolution: 1, min: 0, max: 100 },
  // Impedance-pneumography respiratory rate: ±1 /min.
  rr: { bias: 0, sd: 1, relSd: 0, phi: 0.8, resolution: 1, min: 0, max: 150 },
  // Electronic thermometry: ±0.1 °C over 35.8–41 °C (ASTM E1112; ISO 80601-2-56 allows ±0.3 °C); mostly
  // probe offset, so slow-changing.
  temp: { bias: 0, sd: 0.1, relSd: 0, phi: 0.99, resolution: 0.1, min: 25, max: 45 },
  // Oscillometric NIBP: ISO 81060-2 (AAMI SP10) accepts mean error ≤ ±5 mmHg with SD ≤ 8 mmHg; we model a
  // device at the SD limit, unbiased. Each determination is independent.
  sbp: { bias: 0, sd: 8, relSd: 0, phi: 0, resolution: 1, min: 0, max: 300 },
  dbp: { bias: 0, sd: 8, relSd: 0, phi: 0, resolution: 1, min: 0, max: 300 },
  map: { bias: 0, sd: 8, relSd: 0, phi: 0, resolution: 1, min: 0, max: 300 },
};

/**
 * Measurement artefacts, episodes an hour of monitoring. None is the patient's physiology: each makes
 * the display wrong for a while, which is where most monitor alarms come from (Drew et al. 2014, PLoS
 * One 9:e110274: 88.8 % of annotated ICU arrhythmia alarms false; Sendelbach & Funk 2013, AACN Adv Crit
 * Care 24:378: 72–99 % of clinical alarms false). The rates are chosen so that alarms per bed-day land in
 * the published ranges at ward and ICU limits (npm run validate:clinical; docs/physiology.md).
 *
 * - `motion`: the patient moves; the oximeter reads falsely low (3–15 %) for 5–60 s.
 * - `probeOff`: the probe slips or is pulled off: SpO2 reads invalid for 15 s–3 min (the monitor says
 *   "SpO2 no pulse", a technical alarm, after its signal-loss delay).
 * - `leadNoise`: ECG electrode noise or a loose electrode: half the time noise is counted as beats (HR
 *   reads 1.5–2× for 5–30 s), half the time the ECG reads invalid for 10–60 s ("ECG no signal").
 */
export interface ArtefactRates {
  motion: number;
  probeOff: number;
  leadNoise: number;
}

/** Default artefact rates, episodes an hour (see ArtefactRates). */
export const DEFAULT_ARTEFACT_RATES: Readonly<ArtefactRates> = { motion: 0.6, probeOff: 0.25, leadNoise: 0.3 };

const NO_ARTEFACTS: ArtefactRates = { motion: 0, probeOff: 0, leadNoise: 0 };

/** An artefact in progress: what it does to the reading and how many more readings it lasts. */
interface Artefact {
  /** `null`: the reading is invalid; otherwise true value × factor + offset. */
  factor: number | null;
  offset: number;
  left: number;
}

/** One signal's accuracy with what `measure` derives from it, computed once per sensor. */
interface Channel {
  accuracy: SignalAccuracy;
  /** √(1 − φ²): the AR(1) innovation that keeps the error's SD at 1. */
  innovation: number;
  /** Decimals of the display resolution. */
  decimals: number;
  /** Standardized AR(1) error; undefined until the first reading. */
  z: number | undefined;
  /** Artefact kinds that hit this signal, with their rates per reading (readings are 1 s apart). */
  artefacts: { kind: keyof ArtefactRates; perReading: number }[];
  /** Readings until the next artefact onset. */
  untilNext: number;
  artefact: Artefact | undefined;
}

/**
 * A monitor's measurement model: turns a patient's true value into what the monitor displays. Keeps
 * one error state per signal, so give each device its own instance and its own Rng stream.
 */
export class MonitorSensor {
  readonly accuracy: Readonly<Record<MonitorSignal, SignalAccuracy>>;
  readonly #rng: Rng;
  // Called for every signal of every monitor each second: per-signal constants are worked out here.
  readonly #channels = new Map<string, Channel>();
  // Artefacts have their own stream, drawn only at their onsets: the measurement noise is the same
  // numbers with or without them.
  readonly #artefactRng: Rng;

  /**
   * `artefacts`: episode rates an hour (ArtefactRates); default none, so a sensor built without them
   * measures only its accuracy. Devices on patients get DEFAULT_ARTEFACT_RATES (src/fleet/sensors.ts).
   */
  constructor(
    rng: Rng,
    overrides: Partial<Record<MonitorSignal, Partial<SignalAccuracy>>> = {},
    artefacts: Partial<ArtefactRates> = NO_ARTEFACTS,
  ) {
    this.#rng = rng;
    this.#artefactRng = rng.fork('artefacts');
    const rates = { ...NO_ARTEFACTS, ...artefacts };
    for (const [kind, rate] of Object.entries(rates)) {
      if (!(rate >= 0 && Number.isFinite(rate))) {
        throw new RangeError(`MonitorSensor artefact rate "${kind}" is ${rate}; give episodes an hour, a finite number ≥ 0`);
      }
    }
    this.accuracy = Object.fromEntries(MONITOR_SIGNALS.map((s) => [s, { ...MONITOR_ACCURACY[s], ...overrides[s] }])) as Record<
      MonitorSignal,
      SignalAccuracy
    >;
    for (const s of MONITOR_SIGNALS) {
      const a = this.accuracy[s];
      if (!(a.sd >= 0 && a.relSd >= 0 && a.phi >= 0 && a.phi < 1 && a.resolution > 0)) {
        throw new RangeError(
          `MonitorSensor accuracy for "${s}" is invalid: ${JSON.stringify(a)}; sd and relSd must be ≥ 0, phi in [0, 1), resolution > 0`,
        );
      }
      const decimals = Math.max(0, -Math.floor(Math.log10(a.resolution)));
      const kinds: (keyof ArtefactRates)[] = s === 'spo2' ? ['motion', 'probeOff'] : s === 'hr' ? ['leadNoise'] : [];
      const channelArtefacts = kinds.filter((k) => rates[k] > 0).map((kind) => ({ kind, perReading: rates[kind] / 3600 }));
      const channel: Channel = {
        accuracy: a,
        innovation: Math.sqrt(1 - a.phi * a.phi),
        decimals,
        z: undefined,
        artefacts: channelArtefacts,
        untilNext: Number.POSITIVE_INFINITY,
        artefact: undefined,
      };
      channel.untilNext = this.#wait(channel);
      this.#channels.set(s, channel);
    }
  }

  /** Error SD for a signal at a true value. */
  errorSd(signal: MonitorSignal, trueValue: number): number {
    const a = this.accuracy[signal];
    return Math.max(a.sd, a.relSd * Math.abs(trueValue));
  }

  /** Readings until a channel's next artefact onset (exponential at its combined rate). */
  #wait(channel: Channel): number {
    let total = 0;
    for (const a of channel.artefacts) total += a.perReading;
    return total > 0 ? Math.max(1, Math.round(this.#artefactRng.exponential(total))) : Number.POSITIVE_INFINITY;
  }

  /** Starts an artefact on a channel: which kind by its share of the rate, then its size and length. */
  #onset(channel: Channel): Artefact {
    const r = this.#artefactRng;
    let total = 0;
    for (const a of channel.artefacts) total += a.perReading;
    let u = r.uniform(0, total);
    let kind = channel.artefacts[0]!.kind;
    for (const a of channel.artefacts) {
      if (u < a.perReading) {
        kind = a.kind;
        break;
      }
      u -= a.perReading;
    }
    if (kind === 'motion') return { factor: 1, offset: -r.uniform(3, 15), left: r.int(5, 60) };
    if (kind === 'probeOff') return { factor: null, offset: 0, left: r.int(15, 180) };
    return r.bernoulli(0.5)
      ? { factor: r.uniform(1.5, 2), offset: 0, left: r.int(5, 30) }
      : { factor: null, offset: 0, left: r.int(10, 60) };
  }

  /** The artefact on this reading, if any (one call is one reading, 1 s apart). */
  #artefactNow(channel: Channel): Artefact | undefined {
    if (channel.artefact !== undefined) {
      if (--channel.artefact.left > 0) return channel.artefact;
      channel.artefact = undefined;
      channel.untilNext = this.#wait(channel);
    }
    if (--channel.untilNext > 0) return undefined;
    channel.artefact = this.#onset(channel);
    return channel.artefact;
  }

  /**
   * What the ECG showed at the last HR reading: `noise` counted as beats, `lost` (no ECG), or clean.
   * The arrhythmia analysis reads the same ECG (arrhythmia-analysis.ts).
   */
  ecgArtefact(): EcgArtefact {
    const artefact = this.#channels.get('hr')?.artefact;
    if (artefact === undefined) return undefined;
    return artefact.factor === null ? 'lost' : 'noise';
  }

  /** The reading the monitor displays for `trueValue`: a number, or null while an artefact makes it invalid. */
  measure(signal: MonitorSignal, trueValue: number): number | null {
    const channel = this.#channels.get(signal);
    if (channel === undefined) {
      throw new RangeError(`MonitorSensor cannot measure "${String(signal)}"; it measures ${MONITOR_SIGNALS.join(', ')}`);
    }
    if (!Number.isFinite(trueValue)) {
      throw new RangeError(`MonitorSensor.measure("${signal}") needs a finite true value, received ${trueValue}`);
    }
    const a = channel.accuracy;
    const previous = channel.z;
    const z = previous === undefined ? this.#rng.normal() : a.phi * previous + channel.innovation * this.#rng.normal();
    channel.z = z;
    let raw = trueValue + a.bias + z * Math.max(a.sd, a.relSd * Math.abs(trueValue));
    if (channel.artefacts.length > 0) {
      const artefact = this.#artefactNow(channel);
      if (artefact !== undefined) {
        if (artefact.factor === null) return null;
        raw = raw * artefact.factor + artefact.offset;
      }
    }
    const rounded = Math.round(raw / a.resolution) * a.resolution;
    const shown = Math.min(a.max, Math.max(a.min, rounded));
    // An integer shown with no decimals is its own display value (`+ 0` turns -0 into 0, as toFixed does);
    // otherwise round again to the resolution's decimals so 36.7 does not display as 36.699999999999996.
    if (channel.decimals === 0 && Number.isInteger(shown)) return shown + 0;
    return Number(shown.toFixed(channel.decimals));
  }
}
