import type { AlarmInfo, DevicePlant, SampleInput } from '../descriptor.ts';
import type { Rng } from '../../src/core/rng.ts';
import { type CgmContext, type CgmEvent, type CgmPlantEvent, type CgmSettings, cgmMode } from './context.ts';
import { drawSensorAge, sensorAgeGain, type SensorAgeProfile } from './sensor-age.ts';
import {
  GLUCOSE_ALARM_CODES,
  TREND_WINDOW_MS,
  displayValue,
  glucoseAlarms,
  rateOfChange,
  trendArrow,
  type TrendArrow,
} from './telemetry.ts';

/** What the plant reads of the machine: its state and context. */
export interface CgmView {
  value: unknown;
  context: CgmContext;
}

export interface Reading {
  t: number;
  value: number;
}

const NOTHING: readonly CgmPlantEvent[] = [];

/**
 * The CGM's sensor side: the raw interstitial reading of each 5-minute cycle, the readings of the last
 * 15 minutes for the trend, the 3 h backfill buffer, and the count of missed readings. It tells the
 * machine when the sensor fails or recovers, when the signal is lost (after `signalLossSamples` missed
 * readings) or back, and when the glucose alarms a reading calls for differ from those announced.
 * Calibration is the machine's (an offset set by a command); the plant applies it.
 */
export class CgmPlant implements DevicePlant<CgmView, CgmEvent> {
  readonly settings: CgmSettings;
  /** Time of the last sample, ms. */
  t = 0;
  /** The sensor's uncalibrated value of the current reading; null without one. */
  lastRaw: number | null = null;
  rate: number | null = null;
  trend: TrendArrow = 'none';
  missedSamples = 0;
  /** Raw readings of the last 15 minutes, for the trend (a calibration offset does not change a slope). */
  recent: Reading[] = [];
  /** Displayed readings (whole mg/dL within 40–400) of the last `backfillMs`. */
  backfill: Reading[] = [];
  #session: number | null = null;
  readonly #rng: Rng | undefined;
  /** The current sensor's accuracy over its wear (sensor-age.ts); drawn when its session starts. */
  #age: SensorAgeProfile | undefined;

  /** Without `rng` the sensor has no wear effects (a test of the plant alone). */
  constructor(settings: CgmSettings, rng?: Rng) {
    this.settings = settings;
    this.#rng = rng;
  }

  /** The calibrated value of the current reading, or null. */
  current(context: CgmContext): number | null {
    return this.lastRaw === null ? null : this.lastRaw + context.calibrationOffset;
  }

  sample(view: CgmView, { t, measured, conditions }: SampleInput): readonly CgmPlantEvent[] {
    this.t = t;
    const mode = cgmMode(view.value);
    if (mode !== 'active' && mode !== 'signal-loss' && mode !== 'sensor-error') return NOTHING;
    const failed = (conditions['sensor.error'] ?? 0) >= 1;
    const out: CgmPlantEvent[] = [];
    if (mode === 'sensor-error') {
      if (failed) return NOTHING;
      // Back from an error, the machine starts reading again: this sample is its first.
      out.push({ type: 'sensor.recovered' });
    } else if (failed) {
      this.#noReading();
      return [{ type: 'sensor.failed' }];
    }
    const glucose = measured.glucose;
    if (typeof glucose !== 'number' || !Number.isFinite(glucose)) {
      this.lastRaw = null;
      this.rate = null;
      this.trend = 'none';
      this.missedSamples++;
      if (mode === 'active' && this.missedSamples >= this.settings.signalLossSamples) out.push({ type: 'signal.lost' });
      return out.length === 0 ? NOTHING : out;
    }
    this.missedSamples = 0;
    const started = view.context.sensorStartedAt;
    const raw = this.#age === undefined || started === null ? glucose : glucose * (1 + sensorAgeGain(this.#age, t - started));
    this.lastRaw = raw;
    this.recent = [...this.recent.filter((r) => r.t > t - TREND_WINDOW_MS), { t, value: raw }];
    this.rate = rateOfChange(this.recent, t);
    this.trend = trendArrow(this.rate);
    const value = raw + view.context.calibrationOffset;
    const shown = displayValue(value);
    this.backfill = [...this.backfill.filter((r) => r.t > t - this.settings.backfillMs), { t, value: shown.glucose }];
    if (mode === 'signal-loss') out.push({ type: 'signal.restored' });
    // Compared with what the machine holds: it clears glucose alarms whenever it stops reading.
    const wanted = [...glucoseAlarms(this.settings, value, this.rate).values()];
    const held = mode === 'active' ? view.context.alarms.filter((a) => GLUCOSE_ALARM_CODES.includes(a.code as never)) : [];
    if (!sameCodes(wanted, held)) out.push({ type: 'glucose.alarms', alarms: wanted });
    return out.length === 0 ? NOTHING : out;
  }

  follow(view: CgmView, _t: number): void {
    // A new sensor, or none: no current reading, no trend.
    if (view.context.sensorStartedAt !== this.#session) {
      this.#session = view.context.sensorStartedAt;
      this.#age = this.#session !== null && this.#rng ? drawSensorAge(this.#rng) : undefined;
      this.#noReading();
    }
  }

  #noReading(): void {
    this.lastRaw = null;
    this.rate = null;
    this.trend = 'none';
    this.recent = [];
    this.missedSamples = 0;
  }
}

function sameCodes(a: readonly AlarmInfo[], b: readonly AlarmInfo[]): boolean {
  if (a.length !== b.length) return false;
  for (const x of a) if (!b.some((y) => y.code === x.code)) return false;
  return true;
}
