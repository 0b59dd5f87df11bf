import type { AlarmInfo, DeviceConditions, DevicePlant, SampleInput } from '../descriptor.ts';
import {
  type PresentCondition,
  type TechnicalAlarmCode,
  arrhythmiaCondition,
  basePriority,
  conditionInfo,
  conditionOn,
  pushLimitConditions,
} from './alarm-limits.ts';
import type { MonitorContext, MonitorEvent } from './context.ts';

/** What the plant reads of the machine: its state and context. */
export interface MonitorView {
  value: unknown;
  context: MonitorContext;
}

export type MonitorVital = 'hr' | 'spo2' | 'rr' | 'temp';
/** Displayed continuous values; null = invalid (no reading, lead or probe off). */
export type MonitorValues = Record<MonitorVital, number | null>;
/** One NIBP determination (keys in sorted order: telemetry carries it as it is). */
export interface NibpReading {
  dbp: number;
  map: number;
  sbp: number;
  /** Time of the determination, ms. */
  t: number;
}

/** Since when a condition has been present (and beyond its crit limit). */
export interface Onset {
  since: number;
  critSince?: number;
}

const NO_VALUES: MonitorValues = Object.freeze({ hr: null, spo2: null, rr: null, temp: null });
const NOTHING: readonly MonitorEvent[] = [];
const NO_CONDITIONS: readonly AlarmInfo[] = [];

/** The cuff's reading of `signal`: taken now when the device reads it on demand, else from the sample. */
function cuff(input: SampleInput, signal: 'sbp' | 'dbp' | 'map'): number | null | undefined {
  return input.measured[signal] !== undefined || input.measure === undefined ? input.measured[signal] : input.measure(signal);
}

/** A reading as displayed: a finite number, or null (no reading, or blocked by a lead/probe fault). */
function displayed(value: number | null | undefined, blocked: boolean): number | null {
  return blocked || typeof value !== 'number' || !Number.isFinite(value) ? null : value;
}

function technical(code: TechnicalAlarmCode, delayMs = 0): PresentCondition {
  return { kind: 'technical', code, critical: false, delayMs };
}

/**
 * The monitor's measuring side: what it displays each second, its NIBP cycle, and how long each alarm
 * condition (a limit crossed, a lead off) has been present. It tells the machine only when the set of
 * conditions that have held for their delay changes — one appears, escalates past its crit limit, or
 * goes (OpenICE: 5 s persistence for limit alarms). The machine keeps the announced alarms, their
 * latching, acknowledgement and silence.
 *
 * This runs at 1 Hz on every monitor of a ward, so a quiet second allocates nothing: unchanged values
 * and onsets are kept as the same objects, and the condition list is reused.
 */
export class MonitorPlant implements DevicePlant<MonitorView, MonitorEvent> {
  /** Time of the last sample, ms. */
  t = 0;
  values: MonitorValues = NO_VALUES;
  nibp: NibpReading | null = null;
  /** The last NIBP determination failed; cleared by the next good one. */
  nibpFailure: 'nibp.cuff-error' | 'nibp.failed' | null = null;
  nextNibpAt: number | null = null;
  /** An on-demand (or first) NIBP determination is due at the next sample. */
  nibpRequested = false;
  /** Alarm conditions present now and since when (persistence timers). */
  onsets: Readonly<Record<string, Onset>> = {};
  conditions: DeviceConditions = {};
  /** The conditions the machine was last told of (held for their delay), in order. */
  #reported: readonly AlarmInfo[] = NO_CONDITIONS;
  #monitoring = false;
  #nibpRequests = 0;
  #present: PresentCondition[] = [];

  sample(view: MonitorView, input: SampleInput): readonly MonitorEvent[] {
    const { t, measured, conditions } = input;
    this.t = t;
    this.conditions = conditions;
    if (!this.#monitoring) return NOTHING;
    const { settings } = view.context;
    const { limits } = settings;
    const leadOff = conditionOn(conditions, 'ecg.lead-off');
    const probeOff = conditionOn(conditions, 'spo2.probe-off');
    // Respiration is impedance pneumography across the ECG electrodes, so a lead off loses it too.
    this.values = sameValues(
      this.values,
      displayed(measured.hr, leadOff),
      displayed(measured.spo2, probeOff),
      displayed(measured.rr, leadOff),
      displayed(measured.temp, false),
    );
    const values = this.values;

    const cycleDue = this.nextNibpAt !== null && t >= this.nextNibpAt;
    if (this.nibpRequested || cycleDue) {
      // The cuff is read now, for this determination (oscillometric NIBP takes one reading per cycle).
      const sbp = displayed(cuff(input, 'sbp'), false);
      const dbp = displayed(cuff(input, 'dbp'), false);
      const map = displayed(cuff(input, 'map'), false) ?? (sbp !== null && dbp !== null ? Math.round(dbp + (sbp - dbp) / 3) : null);
      if (conditionOn(conditions, 'nibp.cuff-error')) this.nibpFailure = 'nibp.cuff-error';
      else if (sbp === null || dbp === null || map === null) this.nibpFailure = 'nibp.failed';
      else {
        this.nibp = { dbp, map, sbp, t };
        this.nibpFailure = null;
      }
      // An on-demand determination leaves the auto cycle where it was.
      if (cycleDue || this.nextNibpAt === null) this.nextNibpAt = t + settings.nibpIntervalMs;
      this.nibpRequested = false;
    }

    // In the order the alarms are announced when simultaneous: technical first, then by parameter.
    const present = this.#present;
    present.length = 0;
    if (leadOff) present.push(technical('ecg.lead-off'));
    if (probeOff) present.push(technical('spo2.probe-off'));
    if (this.nibpFailure !== null) present.push(technical(this.nibpFailure));
    // A dropout without a detected lead/probe fault: the monitor searches for a while before it says so.
    if (!leadOff && values.hr === null) present.push(technical('ecg.signal-loss', settings.signalLossDelayMs));
    if (!probeOff && values.spo2 === null) present.push(technical('spo2.signal-loss', settings.signalLossDelayMs));
    // The arrhythmia analysis runs on the ECG behind a displayed HR; a lead off or no signal stops it.
    const ecg = input.ecg;
    if (ecg !== undefined && values.hr !== null) {
      if (!ecg.analysable) present.push(technical('ecg.noisy'));
      else if (ecg.call !== null) present.push(arrhythmiaCondition(ecg.call));
    }
    const delayMs = settings.alarmDelayMs;
    pushLimitConditions(present, 'hr', values.hr, limits.hr, delayMs);
    pushLimitConditions(present, 'spo2', values.spo2, limits.spo2, delayMs);
    pushLimitConditions(present, 'rr', values.rr, limits.rr, delayMs);
    pushLimitConditions(present, 'temp', values.temp, limits.temp, delayMs);
    // An NIBP value is one determination held until the next: nothing to wait for.
    const nibp = this.nibp;
    pushLimitConditions(present, 'sbp', nibp?.sbp ?? null, limits.sbp, 0);
    pushLimitConditions(present, 'dbp', nibp?.dbp ?? null, limits.dbp, 0);
    pushLimitConditions(present, 'map', nibp?.map ?? null, limits.map, 0);

    if (present.length === 0 && this.#reported.length === 0) {
      if (!isEmpty(this.onsets)) this.onsets = {};
      return NOTHING;
    }
    this.onsets = nextOnsets(this.onsets, present, t);
    const due = this.#due(present, t);
    if (due === undefined) return NOTHING;
    this.#reported = due;
    return [{ type: 'alarm.conditions', t, conditions: due }];
  }

  follow(view: MonitorView, _t: number): void {
    const monitoring = view.value === 'monitoring';
    if (monitoring !== this.#monitoring) {
      this.#monitoring = monitoring;
      this.values = NO_VALUES;
      this.nibp = null;
      this.nibpFailure = null;
      this.nextNibpAt = null;
      this.onsets = {};
      this.#reported = NO_CONDITIONS;
      // The first determination starts with monitoring; the auto cycle runs from it.
      this.nibpRequested = monitoring;
      this.#nibpRequests = view.context.nibpRequests;
    }
    if (view.context.nibpRequests !== this.#nibpRequests) {
      this.#nibpRequests = view.context.nibpRequests;
      this.nibpRequested = true;
    }
  }

  /**
   * The conditions that have held for their delay, at their priority (high once beyond the crit limit
   * for the delay), or undefined when they are what the machine was last told (codes and priorities).
   */
  #due(present: readonly PresentCondition[], t: number): readonly AlarmInfo[] | undefined {
    let n = 0;
    let same = true;
    for (const condition of present) {
      const onset = this.onsets[condition.code]!;
      if (t - onset.since < condition.delayMs) continue;
      const previous = this.#reported[n++];
      if (previous === undefined || previous.code !== condition.code || previous.priority !== priorityOf(condition, onset, t)) same = false;
    }
    if (same && n === this.#reported.length) return undefined;
    const due: AlarmInfo[] = [];
    for (const condition of present) {
      const onset = this.onsets[condition.code]!;
      if (t - onset.since >= condition.delayMs) due.push(conditionInfo(condition, priorityOf(condition, onset, t)));
    }
    return due;
  }
}

function priorityOf(condition: PresentCondition, onset: Onset, t: number) {
  return onset.critSince !== undefined && t - onset.critSince >= condition.delayMs ? 'high' : basePriority(condition);
}

/** Onsets of the present conditions: kept from the previous sample, or starting now. */
function nextOnsets(
  previous: Readonly<Record<string, Onset>>,
  present: readonly PresentCondition[],
  t: number,
): Readonly<Record<string, Onset>> {
  let changed = false;
  for (const condition of present) {
    const onset = previous[condition.code];
    if (onset === undefined || (onset.critSince !== undefined) !== condition.critical) changed = true;
  }
  if (!changed && countKeys(previous) === present.length) return previous;
  const onsets: Record<string, Onset> = {};
  for (const { code, critical } of present) {
    const before = previous[code];
    const since = before?.since ?? t;
    const critSince = critical ? (before?.critSince ?? t) : undefined;
    onsets[code] = critSince === undefined ? { since } : { since, critSince };
  }
  return onsets;
}

/** The previous values object when nothing on the display changed, else a new one. */
function sameValues(
  previous: MonitorValues,
  hr: number | null,
  spo2: number | null,
  rr: number | null,
  temp: number | null,
): MonitorValues {
  if (Object.is(previous.hr, hr) && Object.is(previous.spo2, spo2) && Object.is(previous.rr, rr) && Object.is(previous.temp, temp)) {
    return previous;
  }
  return { hr, spo2, rr, temp };
}

function countKeys(record: object): number {
  let n = 0;
  for (const _ in record) n++;
  return n;
}

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}
