import type { ArrhythmiaCall } from '../../src/physiology/signals.ts';
import type { AlarmInfo, AlarmPriority, DeviceConditions } from '../descriptor.ts';

/** Parameters a patient monitor displays and can alarm on. */
export const MONITOR_PARAMETERS = ['hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp', 'map'] as const;
export type MonitorParameter = (typeof MONITOR_PARAMETERS)[number];

/** A limit pair; `null` (or absent) means no limit on that side. */
export interface LimitPair {
  low?: number | null;
  high?: number | null;
}
/** `warn` violations raise medium-priority alarms, `crit` high-priority ones (IEC 60601-1-8). */
export interface ParameterLimits {
  warn: LimitPair;
  crit: LimitPair;
}
export type AlarmLimits = Record<MonitorParameter, ParameterLimits>;

/** Defaults from OpenICE's VitalSign table; dbp and map have none unless a scenario sets them. */
export const DEFAULT_ALARM_LIMITS: AlarmLimits = {
  hr: { warn: { low: 40, high: 140 }, crit: { low: 20, high: 160 } },
  spo2: { warn: { low: 95 }, crit: { low: 85 } },
  rr: { warn: { low: 10, high: 25 }, crit: { low: 4, high: 35 } },
  temp: { warn: { low: 35, high: 39 }, crit: { low: 32, high: 42 } },
  sbp: { warn: { low: 90, high: 140 }, crit: { low: 60, high: 180 } },
  dbp: { warn: {}, crit: {} },
  map: { warn: {}, crit: {} },
};

const PARAMETER_LABEL: Record<MonitorParameter, { label: string; unit: string }> = {
  hr: { label: 'HR', unit: 'bpm' },
  spo2: { label: 'SpO2', unit: '%' },
  rr: { label: 'RR', unit: '/min' },
  temp: { label: 'Temp', unit: '°C' },
  sbp: { label: 'NIBP sys', unit: 'mmHg' },
  dbp: { label: 'NIBP dia', unit: 'mmHg' },
  map: { label: 'NIBP mean', unit: 'mmHg' },
};

/**
 * An alarm condition present in one sample, before persistence is applied: a limit crossed (`hr.high`)
 * or a technical fault (`ecg.lead-off`). Plain data, so a sample with nothing wrong allocates nothing.
 */
export type PresentCondition =
  | { kind: 'technical'; code: TechnicalAlarmCode; critical: false; delayMs: number }
  | { kind: 'arrhythmia'; code: ArrhythmiaAlarmCode; call: ArrhythmiaCall; critical: false; delayMs: number }
  | {
      kind: 'limit';
      code: string;
      parameter: MonitorParameter;
      side: 'low' | 'high';
      value: number;
      limit: number;
      /** The value crosses the crit limit, not just the warn limit (escalates to high priority). */
      critical: boolean;
      delayMs: number;
    };

const LIMIT_CODES = Object.fromEntries(MONITOR_PARAMETERS.map((p) => [p, { low: `${p}.low`, high: `${p}.high` }])) as Record<
  MonitorParameter,
  { low: string; high: string }
>;

/**
 * Appends the limit alarm conditions of one parameter's value to `out` (null values are invalid and
 * never alarm): low before high, each at its crit limit if crossed, else its warn limit.
 */
export function pushLimitConditions(
  out: PresentCondition[],
  parameter: MonitorParameter,
  value: number | null,
  limits: ParameterLimits,
  delayMs: number,
): void {
  if (value === null) return;
  const { warn, crit } = limits;
  if (crit.low != null && value < crit.low) out.push(limitCondition(parameter, 'low', value, crit.low, true, delayMs));
  else if (warn.low != null && value < warn.low) out.push(limitCondition(parameter, 'low', value, warn.low, false, delayMs));
  if (crit.high != null && value > crit.high) out.push(limitCondition(parameter, 'high', value, crit.high, true, delayMs));
  else if (warn.high != null && value > warn.high) out.push(limitCondition(parameter, 'high', value, warn.high, false, delayMs));
}

function limitCondition(
  parameter: MonitorParameter,
  side: 'low' | 'high',
  value: number,
  limit: number,
  critical: boolean,
  delayMs: number,
): PresentCondition {
  return { kind: 'limit', code: LIMIT_CODES[parameter][side], parameter, side, value, limit, critical, delayMs };
}

/** Priority before any escalation: a limit alarm starts medium, technical and arrhythmia alarms have their own. */
export function basePriority(condition: PresentCondition): AlarmPriority {
  if (condition.kind === 'limit') return 'medium';
  if (condition.kind === 'arrhythmia') return ARRHYTHMIA_ALARMS[condition.call].priority;
  return TECHNICAL_ALARMS[condition.code].priority;
}

/** The alarm as announced, at `priority`. */
export function conditionInfo(condition: PresentCondition, priority: AlarmPriority): AlarmInfo {
  if (condition.kind === 'technical') return { ...technicalAlarm(condition.code), priority };
  if (condition.kind === 'arrhythmia') return { ...arrhythmiaAlarm(condition.call), priority };
  const { code, parameter, side, value, limit } = condition;
  const { label, unit } = PARAMETER_LABEL[parameter];
  const message = `${label} ${side} ${value} ${unit} (limit ${limit})`;
  return { code, priority, category: 'physiological', message, parameter, value, limit };
}

/** True when `info` already tells what `condition` would (same value against the same limit). */
export function describesCondition(info: AlarmInfo, condition: PresentCondition): boolean {
  return condition.kind !== 'limit' || (Object.is(info.value, condition.value) && Object.is(info.limit, condition.limit));
}

/** Checks one parameter's limits: each pair ordered, crit limits outside warn limits. Returns the problem or undefined. */
export function limitsProblem(parameter: MonitorParameter, limits: ParameterLimits): string | undefined {
  for (const level of ['warn', 'crit'] as const) {
    const { low, high } = limits[level];
    if (low != null && high != null && low >= high) {
      return `${parameter} ${level} low ${low} must be below ${level} high ${high}`;
    }
  }
  const { warn, crit } = limits;
  if (warn.low != null && crit.low != null && crit.low > warn.low) {
    return `${parameter} crit low ${crit.low} is above warn low ${warn.low}; crit limits must lie outside warn limits`;
  }
  if (warn.high != null && crit.high != null && crit.high < warn.high) {
    return `${parameter} crit high ${crit.high} is below warn high ${warn.high}; crit limits must lie outside warn limits`;
  }
  return undefined;
}

/** Hardware conditions (set by device faults in `SampleInput.conditions`) the monitor reacts to. */
export const HARDWARE_CONDITIONS = ['ecg.lead-off', 'spo2.probe-off', 'nibp.cuff-error'] as const;
export type HardwareCondition = (typeof HARDWARE_CONDITIONS)[number];

/**
 * Technical alarms (about the device, not the patient). Losing HR or SpO2 monitoring can hide a
 * deterioration, so it is medium priority; a failed NIBP determination is retried next cycle, so low.
 */
export const TECHNICAL_ALARMS = {
  'ecg.lead-off': { message: 'ECG lead off', priority: 'medium', parameter: 'hr' },
  'spo2.probe-off': { message: 'SpO2 probe off', priority: 'medium', parameter: 'spo2' },
  'nibp.cuff-error': { message: 'NIBP cuff error', priority: 'low', parameter: 'sbp' },
  'ecg.signal-loss': { message: 'ECG no signal', priority: 'medium', parameter: 'hr' },
  'spo2.signal-loss': { message: 'SpO2 no pulse', priority: 'medium', parameter: 'spo2' },
  'nibp.failed': { message: 'NIBP measurement failed', priority: 'low', parameter: 'sbp' },
  // The arrhythmia analysis cannot classify a noisy ECG (the HR may still be counted).
  'ecg.noisy': { message: 'ECG noisy, cannot analyse', priority: 'low', parameter: 'hr' },
} as const satisfies Record<string, { message: string; priority: AlarmPriority; parameter: MonitorParameter }>;
export type TechnicalAlarmCode = keyof typeof TECHNICAL_ALARMS;

export function technicalAlarm(code: TechnicalAlarmCode): AlarmInfo {
  const { message, priority, parameter } = TECHNICAL_ALARMS[code];
  return { code, priority, category: 'technical', message, parameter };
}

/** True when a fault has set `name` on the device (conditions are numbers, 1/0 for on/off). */
export function conditionOn(conditions: DeviceConditions, name: HardwareCondition): boolean {
  return (conditions[name] ?? 0) > 0;
}

/**
 * Arrhythmia alarms, from the monitor's ECG analysis (physiological; immediate, no persistence delay:
 * the analysis has its own beat criteria). Life-threatening rhythms are high priority, AF medium, ectopy
 * low, as bedside monitors rank them (IEC 60601-2-27; Drew et al. 2014 for what sounds in an ICU).
 */
export const ARRHYTHMIA_ALARMS = {
  asystole: { code: 'arrhythmia.asystole', message: 'Asystole', priority: 'high' },
  vtach: { code: 'arrhythmia.vtach', message: 'V-Tach', priority: 'high' },
  brady: { code: 'arrhythmia.brady', message: 'Extreme brady', priority: 'high' },
  afib: { code: 'arrhythmia.afib', message: 'AFib', priority: 'medium' },
  pvcs: { code: 'arrhythmia.pvcs', message: 'PVCs/min high', priority: 'low' },
} as const satisfies Record<ArrhythmiaCall, { code: string; message: string; priority: AlarmPriority }>;
export type ArrhythmiaAlarmCode = (typeof ARRHYTHMIA_ALARMS)[ArrhythmiaCall]['code'];

export function arrhythmiaAlarm(call: ArrhythmiaCall): AlarmInfo {
  const { code, message, priority } = ARRHYTHMIA_ALARMS[call];
  return { code, priority, category: 'physiological', message, parameter: 'hr' };
}

/** The present condition of an arrhythmia call. */
export function arrhythmiaCondition(call: ArrhythmiaCall): PresentCondition {
  return ARRHYTHMIA_CONDITIONS[call];
}
const ARRHYTHMIA_CONDITIONS = Object.fromEntries(
  (Object.keys(ARRHYTHMIA_ALARMS) as ArrhythmiaCall[]).map((call) => [
    call,
    Object.freeze({ kind: 'arrhythmia', code: ARRHYTHMIA_ALARMS[call].code, call, critical: false, delayMs: 0 }),
  ]),
) as unknown as Record<ArrhythmiaCall, PresentCondition>;
