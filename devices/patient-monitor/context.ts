import type { AlarmInfo } from '../descriptor.ts';
import { type AlarmLimits, type MonitorParameter, DEFAULT_ALARM_LIMITS } from './alarm-limits.ts';

/** The monitor machine's data: settings, input, context and events. Displayed values live in plant.ts. */

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

export interface MonitorInput {
  id: string;
  firmware: string;
  settings: MonitorSettings;
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

export interface MonitorContext extends MonitorInput {
  /** Announced alarms, in the order they were raised. */
  alarms: readonly MonitorAlarm[];
  /** On-demand NIBP determinations asked for so far; the plant takes one at its next sample for each new ask. */
  nibpRequests: number;
}

type WithId = { commandId?: string };
export type MonitorCommandEvent =
  | ({ type: 'monitor.start' } & WithId)
  | ({ type: 'monitor.standby' } & WithId)
  | ({ type: 'alarm.acknowledge'; code?: string } & WithId)
  | ({ type: 'alarm.silence'; durationMs?: number; t: number } & WithId)
  | ({ type: 'nibp.start' } & WithId)
  | ({ type: 'nibp.interval.set'; intervalMs: number } & WithId)
  | ({ type: 'limits.set'; parameter: MonitorParameter; level: 'warn' | 'crit'; low?: number | null; high?: number | null } & WithId);

export type MonitorEvent =
  | { type: 'device.power-on'; monitoring?: boolean; nibpIntervalMs?: number }
  | { type: 'device.power-off' }
  | MonitorCommandEvent
  /**
   * From the plant: the alarm conditions that have held for their delay now, each at its priority, in
   * announcement order. Sent only when that set (codes and priorities) changes.
   */
  | { type: 'alarm.conditions'; t: number; conditions: readonly AlarmInfo[] }
  /** The audio pause that ends at `until` is over (scheduled by the silence command). */
  | { type: 'alarm.silence-ended'; until: number };

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
