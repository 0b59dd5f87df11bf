import type { AlarmInfo, AlarmPriority, DeviceConditions, DeviceEmitted } from '../descriptor.ts';

/** Parameters a patient monitor displays and can alarm on. */
export const MONITOR_PARAMETERS = ['hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp', 'map'] as const;
export type MonitorParameter = (typeof MONITOR_PARAMETERS)[number];
/** Parameters measured intermittently by the NIBP cuff rather than continuously. */
export const NIBP_PARAMETERS: readonly MonitorParameter[] = ['sbp', 'dbp', 'map'];

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

/** A limit alarm condition present in one sample: `hr.high`, `spo2.low`... */
export interface LimitViolation {
  code: string;
  parameter: MonitorParameter;
  /** The value crosses the crit limit, not just the warn limit. */
  critical: boolean;
  info: AlarmInfo;
}

/** Limit alarm conditions for the current values (null values are invalid and never alarm). */
export function limitViolations(values: Partial<Record<MonitorParameter, number | null>>, limits: AlarmLimits): LimitViolation[] {
  const out: LimitViolation[] = [];
  for (const parameter of MONITOR_PARAMETERS) {
    const value = values[parameter];
    if (value === null || value === undefined) continue;
    const { warn, crit } = limits[parameter];
    const { label, unit } = PARAMETER_LABEL[parameter];
    for (const side of ['low', 'high'] as const) {
      const beyond = (limit: number | null | undefined) => limit != null && (side === 'low' ? value < limit : value > limit);
      const critical = beyond(crit[side]);
      if (!critical && !beyond(warn[side])) continue;
      const limit = (critical ? crit[side] : warn[side])!;
      const code = `${parameter}.${side}`;
      out.push({
        code,
        parameter,
        critical,
        info: {
          code,
          priority: critical ? 'high' : 'medium',
          category: 'physiological',
          message: `${label} ${side} ${value} ${unit} (limit ${limit})`,
          parameter,
          value,
          limit,
        },
      });
    }
  }
  return out;
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

// ---- alarm bookkeeping -------------------------------------------------------------------------

/** An alarm condition present in the current sample, before persistence is applied. */
export interface PresentCondition {
  info: AlarmInfo;
  /** A limit alarm whose value is beyond the crit limit (escalates to high priority). */
  critical: boolean;
  /** How long the condition must persist before it is announced. */
  delayMs: number;
}

/** Since when a condition has been present (and beyond its crit limit). */
export interface Onset {
  since: number;
  critSince?: number;
}

export type AlarmStatus = 'active' | 'acknowledged' | 'silenced';

/** An announced alarm. */
export interface MonitorAlarm {
  info: AlarmInfo;
  status: AlarmStatus;
  /** End of the audio pause while silenced, ms. */
  until?: number;
  raisedAt: number;
  /** False once the condition has cleared but a high-priority alarm stays latched. */
  conditionPresent: boolean;
}

const RANK: Record<AlarmPriority, number> = { low: 0, medium: 1, high: 2 };

/**
 * Applies one sample's alarm conditions at time `t`: persistence, escalation, clearing, latching and
 * the end of audio pauses. Rules:
 * - a condition is announced once present for its `delayMs` (OpenICE: 5 s for limit alarms);
 * - a limit alarm is medium priority, and high once beyond its crit limit for the delay; it never drops
 *   back while announced, and an escalation re-emits `alarm.raised` and sounds again;
 * - when the condition clears the alarm is cleared, except a high-priority physiological alarm not yet
 *   acknowledged: it stays latched until acknowledged (IEC 60601-1-8 latching alarm signal);
 * - a silenced alarm becomes active again when its audio pause ends.
 */
export function updateAlarms(
  previous: { alarms: readonly MonitorAlarm[]; onsets: Readonly<Record<string, Onset>> },
  present: ReadonlyMap<string, PresentCondition>,
  t: number,
): { alarms: MonitorAlarm[]; onsets: Record<string, Onset>; emitted: DeviceEmitted[] } {
  const emitted: DeviceEmitted[] = [];
  const onsets: Record<string, Onset> = {};
  const announced = new Map(previous.alarms.map((a) => [a.info.code, a]));
  const alarms: MonitorAlarm[] = [];

  for (const [code, condition] of present) {
    const before = previous.onsets[code];
    const since = before?.since ?? t;
    const critSince = condition.critical ? (before?.critSince ?? t) : undefined;
    onsets[code] = critSince === undefined ? { since } : { since, critSince };
    const escalated = critSince !== undefined && t - critSince >= condition.delayMs;
    const priority = escalated ? 'high' : condition.info.category === 'physiological' ? 'medium' : condition.info.priority;
    const existing = announced.get(code);
    if (existing !== undefined) {
      announced.delete(code);
      const raise = RANK[priority] > RANK[existing.info.priority];
      const info = { ...condition.info, priority: raise ? priority : existing.info.priority };
      if (raise) emitted.push({ type: 'alarm.raised', alarm: info });
      alarms.push(raise ? { info, status: 'active', raisedAt: existing.raisedAt, conditionPresent: true } : { ...existing, info, conditionPresent: true });
    } else if (t - since >= condition.delayMs) {
      const info = { ...condition.info, priority };
      emitted.push({ type: 'alarm.raised', alarm: info });
      alarms.push({ info, status: 'active', raisedAt: t, conditionPresent: true });
    }
  }

  // Announced alarms whose condition is gone.
  for (const alarm of announced.values()) {
    const latches = alarm.info.category === 'physiological' && alarm.info.priority === 'high' && alarm.status !== 'acknowledged';
    if (latches) alarms.push({ ...alarm, conditionPresent: false });
    else emitted.push({ type: 'alarm.cleared', code: alarm.info.code });
  }

  // Keep the order alarms were raised in; end audio pauses that are over.
  alarms.sort((a, b) => a.raisedAt - b.raisedAt);
  for (let i = 0; i < alarms.length; i++) {
    const alarm = alarms[i]!;
    if (alarm.status === 'silenced' && alarm.until !== undefined && t >= alarm.until) {
      alarms[i] = { ...alarm, status: 'active', until: undefined };
      emitted.push({ type: 'alarm.updated', code: alarm.info.code, status: 'active' });
    }
  }
  return { alarms, onsets, emitted };
}
