import { z } from 'zod';
import type { AlarmInfo } from '../descriptor.ts';
import type { CgmSettings } from './context.ts';

/**
 * Trend arrows by rate of change, as Dexcom labels them (Dexcom G6 user guide, "Trend arrows"; names as
 * the Dexcom API's `trend` field): double up ≥ 3 mg/dL/min, single up 2–3, forty-five up 1–2, flat
 * within ±1, and the mirror images falling. `none` when there are too few recent readings.
 */
export const TREND_ARROWS = ['doubleUp', 'singleUp', 'fortyFiveUp', 'flat', 'fortyFiveDown', 'singleDown', 'doubleDown', 'none'] as const;
export type TrendArrow = (typeof TREND_ARROWS)[number];

export function trendArrow(rateMgDlPerMin: number | null): TrendArrow {
  if (rateMgDlPerMin === null || !Number.isFinite(rateMgDlPerMin)) return 'none';
  const r = rateMgDlPerMin;
  if (r >= 3) return 'doubleUp';
  if (r >= 2) return 'singleUp';
  if (r >= 1) return 'fortyFiveUp';
  if (r > -1) return 'flat';
  if (r > -2) return 'fortyFiveDown';
  if (r > -3) return 'singleDown';
  return 'doubleDown';
}

/** Readings the trend is fitted over; needs three of them spanning at least 10 minutes (our choice). */
export const TREND_WINDOW_MS = 15 * 60_000;

/** Least-squares slope (mg/dL/min) of the readings in the last 15 minutes, or null if too few. */
export function rateOfChange(readings: readonly { t: number; value: number }[], now: number): number | null {
  const recent = readings.filter((r) => r.t >= now - TREND_WINDOW_MS && r.t <= now);
  if (recent.length < 3 || recent[recent.length - 1]!.t - recent[0]!.t < 10 * 60_000) return null;
  const meanT = recent.reduce((s, r) => s + r.t, 0) / recent.length;
  const meanV = recent.reduce((s, r) => s + r.value, 0) / recent.length;
  let num = 0;
  let den = 0;
  for (const r of recent) {
    num += (r.t - meanT) * (r.value - meanV);
    den += (r.t - meanT) ** 2;
  }
  return (num / den) * 60_000;
}

/** The alarm conditions a CGM announces. */
export const CGM_ALARMS = {
  // Dexcom G6: the urgent low alarm is fixed at 55 mg/dL and cannot be turned off.
  'glucose.urgent-low': { priority: 'high', category: 'physiological', message: 'Urgent low glucose' },
  // Dexcom G6 "Urgent Low Soon": glucose projected to reach 55 mg/dL within 20 minutes.
  'glucose.urgent-low-soon': { priority: 'medium', category: 'physiological', message: 'Urgent low glucose soon' },
  'glucose.low': { priority: 'medium', category: 'physiological', message: 'Low glucose' },
  'glucose.high': { priority: 'medium', category: 'physiological', message: 'High glucose' },
  'sensor.signal-loss': { priority: 'medium', category: 'technical', message: 'Signal loss: no glucose readings' },
  'sensor.error': { priority: 'medium', category: 'technical', message: 'Sensor error: no glucose readings' },
  'sensor.expired': { priority: 'low', category: 'technical', message: 'Sensor session ended: replace sensor' },
} as const satisfies Record<string, Omit<AlarmInfo, 'code'>>;

export type CgmAlarmCode = keyof typeof CGM_ALARMS;
export const GLUCOSE_ALARM_CODES: readonly CgmAlarmCode[] = [
  'glucose.urgent-low',
  'glucose.urgent-low-soon',
  'glucose.low',
  'glucose.high',
];

export function alarmInfo(code: CgmAlarmCode, extra: Partial<Pick<AlarmInfo, 'value' | 'limit'>> = {}): AlarmInfo {
  const base: AlarmInfo = { code, ...CGM_ALARMS[code] };
  if (CGM_ALARMS[code].category === 'physiological') base.parameter = 'glucose';
  if (extra.value !== undefined) base.value = extra.value;
  if (extra.limit !== undefined) base.limit = extra.limit;
  return base;
}

/** Dexcom G6: the urgent low threshold is fixed and the alarm cannot be disabled. */
export const URGENT_LOW_MG_DL = 55;
/** Dexcom G6 "Urgent Low Soon": projected to reach 55 mg/dL within 20 minutes. */
export const URGENT_LOW_SOON_HORIZON_MIN = 20;
/** Dexcom displays 40–400 mg/dL; beyond that LOW or HIGH. */
export const DISPLAY_MIN = 40;
export const DISPLAY_MAX = 400;

/** The glucose alarms a calibrated reading calls for. */
export function glucoseAlarms(s: CgmSettings, value: number, rate: number | null): Map<CgmAlarmCode, AlarmInfo> {
  const v = Math.round(value);
  const wanted = new Map<CgmAlarmCode, AlarmInfo>();
  // Dexcom G6: urgent low "at or below 55 mg/dL".
  if (value <= URGENT_LOW_MG_DL) wanted.set('glucose.urgent-low', alarmInfo('glucose.urgent-low', { value: v, limit: URGENT_LOW_MG_DL }));
  else if (s.lowEnabled && value <= s.lowMgDl) wanted.set('glucose.low', alarmInfo('glucose.low', { value: v, limit: s.lowMgDl }));
  if (s.highEnabled && value >= s.highMgDl) wanted.set('glucose.high', alarmInfo('glucose.high', { value: v, limit: s.highMgDl }));
  if (
    s.urgentLowSoonEnabled &&
    value > URGENT_LOW_MG_DL &&
    rate !== null &&
    value + rate * URGENT_LOW_SOON_HORIZON_MIN <= URGENT_LOW_MG_DL
  ) {
    wanted.set('glucose.urgent-low-soon', alarmInfo('glucose.urgent-low-soon', { value: v, limit: URGENT_LOW_MG_DL }));
  }
  return wanted;
}

export function displayValue(value: number): { glucose: number; display: 'LOW' | 'HIGH' | null } {
  if (value < DISPLAY_MIN) return { glucose: DISPLAY_MIN, display: 'LOW' };
  if (value > DISPLAY_MAX) return { glucose: DISPLAY_MAX, display: 'HIGH' };
  return { glucose: Math.round(value), display: null };
}

export const CGM_STATES = ['off', 'no-sensor', 'warm-up', 'active', 'signal-loss', 'sensor-error', 'expired'] as const;
export type CgmStateLabel = (typeof CGM_STATES)[number];

export const cgmTelemetrySchema = z.object({
  state: z.enum(CGM_STATES),
  /** mg/dL, whole numbers within 40–400; null when there is no current reading. */
  glucose: z.number().nullable(),
  /** Dexcom shows LOW below 40 and HIGH above 400 mg/dL instead of a number. */
  display: z.enum(['LOW', 'HIGH']).nullable(),
  trend: z.enum(TREND_ARROWS),
  rateOfChange: z.number().nullable(),
  sensorAgeMs: z.number().nullable(),
  warmUpRemainingMs: z.number().nullable(),
  alarms: z.array(z.string()),
});
export type CgmTelemetry = z.infer<typeof cgmTelemetrySchema>;

const commandId = z.string().min(1).max(128).optional();

/** A command on the CGM's `cmd` topic. */
export const cgmCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('acknowledge'), commandId, code: z.string().optional() }),
  z.object({ type: z.literal('calibrate'), commandId, glucose: z.number() }),
  z.object({ type: z.literal('sensor.start'), commandId }),
  z.object({ type: z.literal('sensor.stop'), commandId }),
]);
export type CgmCommand = z.infer<typeof cgmCommandSchema>;
