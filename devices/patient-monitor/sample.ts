import type { DeviceEmitted } from '../descriptor.ts';
import { type PresentCondition, type TechnicalAlarmCode, conditionOn, pushLimitConditions } from './alarm-limits.ts';
import { updateAlarms } from './alarm-manager.ts';
import type { MonitorContext, MonitorEvent, MonitorValues, NibpReading } from './context.ts';

export type SampleEvent = Extract<MonitorEvent, { type: 'sensor.sample' }>;

/** What one sample changes: always these fields, plus the alarm events it causes. */
export interface SampleOutcome {
  context: Pick<
    MonitorContext,
    't' | 'values' | 'nibp' | 'nibpFailure' | 'nextNibpAt' | 'nibpRequested' | 'conditions' | 'onsets' | 'alarms'
  >;
  emitted: readonly DeviceEmitted[];
}

/** A reading as displayed: a finite number, or null (no reading, or blocked by a lead/probe fault). */
function displayed(value: number | null | undefined, blocked: boolean): number | null {
  return blocked || typeof value !== 'number' || !Number.isFinite(value) ? null : value;
}

function technical(code: TechnicalAlarmCode, delayMs = 0): PresentCondition {
  return { kind: 'technical', code, critical: false, delayMs };
}

/**
 * One second of monitoring: displayed values, the NIBP cycle, then the alarm conditions they imply.
 * This runs at 1 Hz on every monitor of a ward, so unchanged parts of the context are passed on as the
 * same objects and closures are kept out of it.
 */
export function sample(context: MonitorContext, { t, measured, conditions }: SampleEvent): SampleOutcome {
  const { settings } = context;
  const { limits } = settings;
  const leadOff = conditionOn(conditions, 'ecg.lead-off');
  const probeOff = conditionOn(conditions, 'spo2.probe-off');
  // Respiration is impedance pneumography across the ECG electrodes, so a lead off loses it too.
  const values = sameValues(
    context.values,
    displayed(measured.hr, leadOff),
    displayed(measured.spo2, probeOff),
    displayed(measured.rr, leadOff),
    displayed(measured.temp, false),
  );

  let { nibp, nibpFailure, nextNibpAt } = context;
  const cycleDue = nextNibpAt !== null && t >= nextNibpAt;
  if (context.nibpRequested || cycleDue) {
    const sbp = displayed(measured.sbp, false);
    const dbp = displayed(measured.dbp, false);
    const map = displayed(measured.map, false) ?? (sbp !== null && dbp !== null ? Math.round(dbp + (sbp - dbp) / 3) : null);
    if (conditionOn(conditions, 'nibp.cuff-error')) nibpFailure = 'nibp.cuff-error';
    else if (sbp === null || dbp === null || map === null) nibpFailure = 'nibp.failed';
    else {
      nibp = { sbp, dbp, map, t } satisfies NibpReading;
      nibpFailure = null;
    }
    // An on-demand determination leaves the auto cycle where it was.
    if (cycleDue || nextNibpAt === null) nextNibpAt = t + settings.nibpIntervalMs;
  }

  // In the order the alarm manager announces simultaneous alarms: technical first, then by parameter.
  const present: PresentCondition[] = [];
  if (leadOff) present.push(technical('ecg.lead-off'));
  if (probeOff) present.push(technical('spo2.probe-off'));
  if (nibpFailure !== null) present.push(technical(nibpFailure));
  // A dropout without a detected lead/probe fault: the monitor searches for a while before it says so.
  if (!leadOff && values.hr === null) present.push(technical('ecg.signal-loss', settings.signalLossDelayMs));
  if (!probeOff && values.spo2 === null) present.push(technical('spo2.signal-loss', settings.signalLossDelayMs));
  const delayMs = settings.alarmDelayMs;
  pushLimitConditions(present, 'hr', values.hr, limits.hr, delayMs);
  pushLimitConditions(present, 'spo2', values.spo2, limits.spo2, delayMs);
  pushLimitConditions(present, 'rr', values.rr, limits.rr, delayMs);
  pushLimitConditions(present, 'temp', values.temp, limits.temp, delayMs);
  // An NIBP value is one determination held until the next: nothing to wait for.
  pushLimitConditions(present, 'sbp', nibp?.sbp ?? null, limits.sbp, 0);
  pushLimitConditions(present, 'dbp', nibp?.dbp ?? null, limits.dbp, 0);
  pushLimitConditions(present, 'map', nibp?.map ?? null, limits.map, 0);

  const { alarms, onsets, emitted } = updateAlarms(context, present, t);
  return { context: { t, values, nibp, nibpFailure, nextNibpAt, nibpRequested: false, conditions, onsets, alarms }, emitted };
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
