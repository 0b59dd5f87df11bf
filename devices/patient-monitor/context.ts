import type { DeviceConditions } from '../descriptor.ts';
import type { MeasuredValues } from '../../src/physiology/signals.ts';
import { type AlarmLimits, type MonitorParameter, DEFAULT_ALARM_LIMITS } from './alarm-limits.ts';
import type { MonitorAlarm, Onset } from './alarm-manager.ts';

/** The monitor's data: settings, machine context and events. */

export interface MonitorSettings {
  limits: AlarmLimits;
  /** Persistence before a continuous parameter's limit alarm is announced (OpenICE: 5 s). */
  alarmDelayMs: number;
  /** How long HR or SpO2 may read nothing before "no signal" is announced. */
  signalLossDelayMs: number;
  /** Default audio-paused time of the silence command. */
  silenceMs: number;
  /** Longest silence a command may ask for; an unbounded silence would be alarms off. */
  maxSilenceMs: number;
  /** NIBP auto-cycle interval. */
  nibpIntervalMs: number;
}

export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = {
  limits: DEFAULT_ALARM_LIMITS,
  alarmDelayMs: 5_000,
  signalLossDelayMs: 10_000,
  // IEC 60601-1-8 leaves the audio-paused interval to the manufacturer; 2 min is the common default.
  silenceMs: 120_000,
  maxSilenceMs: 600_000,
  nibpIntervalMs: 15 * 60_000,
};

export type MonitorVital = 'hr' | 'spo2' | 'rr' | 'temp';
/** Displayed continuous values; null = invalid (no reading, lead or probe off). */
export type MonitorValues = Record<MonitorVital, number | null>;
export interface NibpReading {
  sbp: number;
  dbp: number;
  map: number;
  /** Time of the determination, ms. */
  t: number;
}

export interface MonitorInput {
  id: string;
  firmware: string;
  settings: MonitorSettings;
}

export interface MonitorContext extends MonitorInput {
  /** Time of the last sample: the monitor keeps time from its 1 Hz samples. */
  t: number;
  values: MonitorValues;
  nibp: NibpReading | null;
  /** An on-demand (or first) NIBP determination is due at the next sample. */
  nibpRequested: boolean;
  nextNibpAt: number | null;
  /** The last NIBP determination failed; cleared by the next good one. */
  nibpFailure: 'nibp.cuff-error' | 'nibp.failed' | null;
  conditions: DeviceConditions;
  /** Alarm conditions present now and since when (persistence timers). */
  onsets: Readonly<Record<string, Onset>>;
  /** Announced alarms, in the order they were raised. */
  alarms: readonly MonitorAlarm[];
}

type WithId = { commandId?: string };
export type MonitorEvent =
  | { type: 'power.on'; monitoring?: boolean; nibpIntervalMs?: number }
  | { type: 'power.off' }
  | { type: 'sensor.sample'; t: number; measured: MeasuredValues; conditions: DeviceConditions }
  | ({ type: 'monitor.start' } & WithId)
  | ({ type: 'monitor.standby' } & WithId)
  | ({ type: 'alarm.acknowledge'; code?: string } & WithId)
  | ({ type: 'alarm.silence'; durationMs?: number } & WithId)
  | ({ type: 'nibp.start' } & WithId)
  | ({ type: 'nibp.interval.set'; intervalMs: number } & WithId)
  | ({ type: 'limits.set'; parameter: MonitorParameter; level: 'warn' | 'crit'; low?: number | null; high?: number | null } & WithId);

/** The command name (as on the wire) behind each command event. */
export const COMMAND_OF_EVENT = {
  'monitor.start': 'start',
  'monitor.standby': 'standby',
  'alarm.acknowledge': 'acknowledge',
  'alarm.silence': 'silence',
  'nibp.start': 'nibp.start',
  'nibp.interval.set': 'nibp.interval',
  'limits.set': 'limits.set',
} as const;
export type CommandEvent = Extract<MonitorEvent, { type: keyof typeof COMMAND_OF_EVENT }>;
