import type { SnapshotFrom } from 'xstate';
import { z } from 'zod';
import { parseDuration } from '../../src/core/duration.ts';
import { MONITOR_PARAMETERS } from './alarm-limits.ts';
import { alarmCodes } from '../alarm-codes.ts';
import type { CommandContext } from '../descriptor.ts';
import type { MonitorEvent, PatientMonitorMachine } from './machine.ts';
import type { MonitorPlant } from './plant.ts';

export type MonitorSnapshot = SnapshotFrom<PatientMonitorMachine>;
export const MONITOR_STATES = ['off', 'standby', 'monitoring'] as const;
export type MonitorState = (typeof MONITOR_STATES)[number];

const reading = z.number().nullable();

/** Body of a patient monitor's telemetry message (1 Hz). `null` marks an invalid parameter. */
export const monitorTelemetrySchema = z.object({
  state: z.enum(MONITOR_STATES),
  hr: reading,
  spo2: reading,
  rr: reading,
  temp: reading,
  /** The last NIBP determination and when it was taken; null until the first one succeeds. */
  nibp: z.object({ sbp: z.number(), dbp: z.number(), map: z.number(), t: z.number() }).nullable(),
  /** Codes of announced alarms, oldest first (including acknowledged, silenced and latched ones). */
  alarms: z.array(z.string()),
});
export type MonitorTelemetry = z.infer<typeof monitorTelemetrySchema>;

export function monitorStateLabel(snapshot: MonitorSnapshot): MonitorState {
  return snapshot.value as MonitorState;
}

/**
 * Telemetry body: the state and announced alarms from the machine, the displayed values from the
 * plant. Keys are written in sorted order: the event log's canonical JSON of a 1 Hz message is then one
 * native JSON.stringify (src/core/canonical-json.ts).
 */
export function monitorTelemetry(snapshot: MonitorSnapshot, plant: MonitorPlant): MonitorTelemetry {
  const { alarms } = snapshot.context;
  const { values, nibp } = plant;
  return {
    alarms: alarmCodes(alarms, (a) => a.info.code),
    hr: values.hr,
    // The plant keeps each determination as one object, keys sorted, never changed.
    nibp,
    rr: values.rr,
    spo2: values.spo2,
    state: monitorStateLabel(snapshot),
    temp: values.temp,
  };
}

const commandId = { commandId: z.string().min(1).max(128).optional() };
/** A duration as ms or text ("2m", "15m"), parsed to ms. */
export const durationMs = z.union([z.number(), z.string()]).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.issues.push({ code: 'custom', message: (error as Error).message, input: value });
    return z.NEVER;
  }
});

/** A command on the monitor's `cmd` topic. */
export const monitorCommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), ...commandId }),
  z.object({ type: z.literal('standby'), ...commandId }),
  /** Acknowledge one alarm by code, or every unacknowledged alarm. */
  z.object({ type: z.literal('acknowledge'), code: z.string().min(1).optional(), ...commandId }),
  /** Pause alarm audio for `durationMs` or `duration` ("2m"); the monitor's default otherwise. */
  z.object({
    type: z.literal('silence'),
    durationMs: z.number().int().positive().optional(),
    duration: durationMs.optional(),
    ...commandId,
  }),
  z.object({ type: z.literal('nibp.start'), ...commandId }),
  z.object({ type: z.literal('nibp.interval'), minutes: z.number().min(1).max(1440), ...commandId }),
  /** Set (number) or remove (null) one limit pair of a parameter. */
  z
    .object({
      type: z.literal('limits.set'),
      parameter: z.enum(MONITOR_PARAMETERS),
      level: z.enum(['warn', 'crit']),
      low: z.number().nullable().optional(),
      high: z.number().nullable().optional(),
      ...commandId,
    })
    .refine((c) => c.low !== undefined || c.high !== undefined, {
      message: 'limits.set needs low or high: a number to set the limit, or null to remove it',
    }),
]);
export type MonitorCommand = z.output<typeof monitorCommandSchema>;

/** The machine event for a validated command that arrived at `t`. */
export function monitorCommandEvent(command: MonitorCommand, { t }: CommandContext<MonitorPlant>): MonitorEvent {
  const { commandId } = command;
  switch (command.type) {
    case 'start':
      return { type: 'monitor.start', commandId };
    case 'standby':
      return { type: 'monitor.standby', commandId };
    case 'acknowledge':
      return { type: 'alarm.acknowledge', code: command.code, commandId };
    case 'silence':
      return { type: 'alarm.silence', durationMs: command.durationMs ?? command.duration, t, commandId };
    case 'nibp.start':
      return { type: 'nibp.start', commandId };
    case 'nibp.interval':
      return { type: 'nibp.interval.set', intervalMs: Math.round(command.minutes * 60_000), commandId };
    case 'limits.set':
      return { type: 'limits.set', parameter: command.parameter, level: command.level, low: command.low, high: command.high, commandId };
  }
}
