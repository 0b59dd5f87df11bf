import { assign, emit, enqueueActions, setup } from 'xstate';
import type { DeviceConditions, DeviceEmitted } from '../descriptor.ts';
import type { MeasuredValues, SignalName } from '../../src/physiology/signals.ts';
import {
  type AlarmLimits,
  type MonitorAlarm,
  type MonitorParameter,
  type Onset,
  type PresentCondition,
  DEFAULT_ALARM_LIMITS,
  NIBP_PARAMETERS,
  conditionOn,
  limitViolations,
  limitsProblem,
  technicalAlarm,
  updateAlarms,
} from './alarm-limits.ts';

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
  /** Displayed continuous values; null = invalid (no reading, lead or probe off). */
  values: Record<MonitorVital, number | null>;
  nibp: NibpReading | null;
  /** An on-demand (or first) NIBP determination is due at the next sample. */
  nibpRequested: boolean;
  nextNibpAt: number | null;
  /** The last NIBP determination failed; cleared by the next good one. */
  nibpFailure: 'nibp.cuff-error' | 'nibp.failed' | null;
  conditions: DeviceConditions;
  /** Alarm conditions present now and since when (persistence timers). */
  onsets: Record<string, Onset>;
  /** Announced alarms, in the order they were raised. */
  alarms: MonitorAlarm[];
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
type CommandEvent = Extract<MonitorEvent, { type: keyof typeof COMMAND_OF_EVENT }>;
type SampleEvent = Extract<MonitorEvent, { type: 'sensor.sample' }>;
interface Reply {
  context?: Partial<MonitorContext>;
  emitted: DeviceEmitted[];
}

const ok = (event: CommandEvent, detail?: string): DeviceEmitted => ({
  type: 'command.accepted',
  command: COMMAND_OF_EVENT[event.type],
  commandId: event.commandId,
  detail,
});
const no = (event: CommandEvent, code: string, reason: string): Reply => ({
  emitted: [{ type: 'command.rejected', command: COMMAND_OF_EVENT[event.type], commandId: event.commandId, code, reason }],
});

const IDLE_STATE: Pick<MonitorContext, 'values' | 'nibp' | 'nibpRequested' | 'nextNibpAt' | 'nibpFailure' | 'onsets' | 'alarms' | 'conditions'> = {
  values: { hr: null, spo2: null, rr: null, temp: null },
  nibp: null,
  nibpRequested: false,
  nextNibpAt: null,
  nibpFailure: null,
  onsets: {},
  alarms: [],
  conditions: {},
};

/** One second of monitoring: displayed values, the NIBP cycle, then the alarm conditions they imply. */
function sample(context: MonitorContext, { t, measured, conditions }: SampleEvent): Reply {
  const { settings } = context;
  const leadOff = conditionOn(conditions, 'ecg.lead-off');
  const probeOff = conditionOn(conditions, 'spo2.probe-off');
  const read = (signal: SignalName, blocked = false) => {
    const v = measured[signal];
    return blocked || typeof v !== 'number' || !Number.isFinite(v) ? null : v;
  };
  // Respiration is impedance pneumography across the ECG electrodes, so a lead off loses it too.
  const values = { hr: read('hr', leadOff), spo2: read('spo2', probeOff), rr: read('rr', leadOff), temp: read('temp') };

  let { nibp, nibpFailure, nextNibpAt } = context;
  const cycleDue = nextNibpAt !== null && t >= nextNibpAt;
  if (context.nibpRequested || cycleDue) {
    const [sbp, dbp] = [read('sbp'), read('dbp')];
    const map = read('map') ?? (sbp !== null && dbp !== null ? Math.round(dbp + (sbp - dbp) / 3) : null);
    if (conditionOn(conditions, 'nibp.cuff-error')) nibpFailure = 'nibp.cuff-error';
    else if (sbp === null || dbp === null || map === null) nibpFailure = 'nibp.failed';
    else [nibp, nibpFailure] = [{ sbp, dbp, map, t }, null];
    // An on-demand determination leaves the auto cycle where it was.
    if (cycleDue || nextNibpAt === null) nextNibpAt = t + settings.nibpIntervalMs;
  }

  const present = new Map<string, PresentCondition>();
  const technical = (code: Parameters<typeof technicalAlarm>[0], delayMs = 0) =>
    present.set(code, { info: technicalAlarm(code), critical: false, delayMs });
  if (leadOff) technical('ecg.lead-off');
  if (probeOff) technical('spo2.probe-off');
  if (nibpFailure !== null) technical(nibpFailure);
  // A dropout without a detected lead/probe fault: the monitor searches for a while before it says so.
  if (!leadOff && values.hr === null) technical('ecg.signal-loss', settings.signalLossDelayMs);
  if (!probeOff && values.spo2 === null) technical('spo2.signal-loss', settings.signalLossDelayMs);
  const shown = { ...values, sbp: nibp?.sbp ?? null, dbp: nibp?.dbp ?? null, map: nibp?.map ?? null };
  for (const v of limitViolations(shown, settings.limits)) {
    // An NIBP value is one determination held until the next: nothing to wait for.
    const delayMs = NIBP_PARAMETERS.includes(v.parameter) ? 0 : settings.alarmDelayMs;
    present.set(v.code, { info: v.info, critical: v.critical, delayMs });
  }

  const { alarms, onsets, emitted } = updateAlarms(context, present, t);
  return { context: { t, values, nibp, nibpFailure, nextNibpAt, nibpRequested: false, conditions, onsets, alarms }, emitted };
}

/** Acknowledging stops an alarm's audio while its condition lasts, and releases a latched alarm (IEC 60601-1-8). */
function acknowledge(context: MonitorContext, event: Extract<MonitorEvent, { type: 'alarm.acknowledge' }>): Reply {
  const targets = context.alarms.filter((a) => (event.code === undefined ? a.status !== 'acknowledged' : a.info.code === event.code));
  if (event.code !== undefined && targets.length === 0) {
    const codes = context.alarms.map((a) => a.info.code);
    return no(event, 'unknown-alarm', `no announced alarm "${event.code}"; announced: ${codes.length > 0 ? codes.join(', ') : 'none'}`);
  }
  if (targets.length === 0) return no(event, 'no-alarm', 'no unacknowledged alarm to acknowledge');
  const emitted: DeviceEmitted[] = [];
  const alarms: MonitorAlarm[] = [];
  for (const alarm of context.alarms) {
    if (!targets.includes(alarm)) alarms.push(alarm);
    else if (!alarm.conditionPresent) emitted.push({ type: 'alarm.cleared', code: alarm.info.code });
    else {
      alarms.push({ ...alarm, status: 'acknowledged', until: undefined });
      emitted.push({ type: 'alarm.updated', code: alarm.info.code, status: 'acknowledged' });
    }
  }
  return { context: { alarms }, emitted: [ok(event, targets.map((a) => a.info.code).join(',')), ...emitted] };
}

/** Audio paused for a time; each silenced alarm sounds again when it ends if still announced. */
function silence(context: MonitorContext, event: Extract<MonitorEvent, { type: 'alarm.silence' }>): Reply {
  const duration = event.durationMs ?? context.settings.silenceMs;
  if (!(duration > 0) || duration > context.settings.maxSilenceMs) {
    return no(event, 'out-of-range', `silence of ${duration} ms is outside 1..${context.settings.maxSilenceMs} ms (maxSilenceMs)`);
  }
  if (!context.alarms.some((a) => a.status === 'active')) return no(event, 'no-alarm', 'no sounding alarm to silence');
  const until = context.t + duration;
  const emitted: DeviceEmitted[] = [];
  const alarms = context.alarms.map((alarm): MonitorAlarm => {
    if (alarm.status !== 'active') return alarm;
    emitted.push({ type: 'alarm.updated', code: alarm.info.code, status: 'silenced', until });
    return { ...alarm, status: 'silenced', until };
  });
  return { context: { alarms }, emitted: [ok(event, `until ${until}`), ...emitted] };
}

function setLimits(context: MonitorContext, event: Extract<MonitorEvent, { type: 'limits.set' }>): Reply {
  const current = context.settings.limits[event.parameter];
  const pair = { ...current[event.level] };
  if (event.low !== undefined) pair.low = event.low;
  if (event.high !== undefined) pair.high = event.high;
  const next = { ...current, [event.level]: pair };
  const problem = limitsProblem(event.parameter, next);
  if (problem !== undefined) return no(event, 'invalid-limits', problem);
  const settings = { ...context.settings, limits: { ...context.settings.limits, [event.parameter]: next } };
  const text = `${event.parameter} ${event.level} ${pair.low ?? '-'}..${pair.high ?? '-'}`;
  return { context: { settings }, emitted: [ok(event, text)] };
}

/** Pure reducer behind every event that changes context while the state stays put. */
function reduce(context: MonitorContext, event: MonitorEvent): Reply {
  switch (event.type) {
    case 'sensor.sample':
      return sample(context, event);
    case 'alarm.acknowledge':
      return acknowledge(context, event);
    case 'alarm.silence':
      return silence(context, event);
    case 'limits.set':
      return setLimits(context, event);
    case 'nibp.start':
      return { context: { nibpRequested: true }, emitted: [ok(event)] };
    case 'nibp.interval.set':
      return { context: { settings: { ...context.settings, nibpIntervalMs: event.intervalMs } }, emitted: [ok(event, `${event.intervalMs} ms`)] };
    default:
      return { emitted: [] };
  }
}

/** Rejections of commands that make no sense in a state. */
function refuse(reason: string, events: readonly CommandEvent['type'][]) {
  return Object.fromEntries(events.map((type) => [type, { actions: { type: 'refuse' as const, params: { reason } } }]));
}

export const patientMonitorMachine = setup({
  types: {
    context: {} as MonitorContext,
    input: {} as MonitorInput,
    events: {} as MonitorEvent,
    emitted: {} as DeviceEmitted,
  },
  actions: {
    configure: assign(({ context, event }) =>
      event.type === 'power.on' && event.nibpIntervalMs !== undefined ? { settings: { ...context.settings, nibpIntervalMs: event.nibpIntervalMs } } : {},
    ),
    accept: emit(({ event }) => ok(event as CommandEvent)),
    refuse: emit(({ event }, params: { reason: string }) => no(event as CommandEvent, 'invalid-state', params.reason).emitted[0]!),
    // The first determination starts with monitoring; the auto cycle runs from it.
    startMonitoring: assign({ ...IDLE_STATE, nibpRequested: true }),
    stopMonitoring: enqueueActions(({ context, enqueue }) => {
      for (const alarm of context.alarms) enqueue.emit({ type: 'alarm.cleared', code: alarm.info.code });
      enqueue.assign(IDLE_STATE);
    }),
    reduce: enqueueActions(({ context, event, enqueue }) => {
      const outcome = reduce(context, event);
      if (outcome.context !== undefined) enqueue.assign(outcome.context);
      for (const e of outcome.emitted) enqueue.emit(e);
    }),
  },
  guards: {
    startsMonitoring: ({ event }) => event.type === 'power.on' && event.monitoring === true,
  },
}).createMachine({
  id: 'patient-monitor',
  initial: 'off',
  context: ({ input }) => ({ ...input, t: 0, ...IDLE_STATE }),
  on: { 'power.off': { target: '.off' } },
  states: {
    off: {
      on: {
        'power.on': [
          { guard: 'startsMonitoring', target: 'monitoring', actions: 'configure' },
          { target: 'standby', actions: 'configure' },
        ],
        ...refuse('the monitor is off; power it on first', Object.keys(COMMAND_OF_EVENT) as CommandEvent['type'][]),
      },
    },
    standby: {
      on: {
        'monitor.start': { target: 'monitoring', actions: 'accept' },
        'limits.set': { actions: 'reduce' },
        'nibp.interval.set': { actions: 'reduce' },
        ...refuse('the monitor is in standby; start monitoring first', ['monitor.standby', 'alarm.acknowledge', 'alarm.silence', 'nibp.start']),
      },
    },
    monitoring: {
      entry: 'startMonitoring',
      exit: 'stopMonitoring',
      on: {
        'sensor.sample': { actions: 'reduce' },
        'monitor.standby': { target: 'standby', actions: 'accept' },
        'alarm.acknowledge': { actions: 'reduce' },
        'alarm.silence': { actions: 'reduce' },
        'nibp.start': { actions: 'reduce' },
        'nibp.interval.set': { actions: 'reduce' },
        'limits.set': { actions: 'reduce' },
        ...refuse('the monitor is already monitoring', ['monitor.start']),
      },
    },
  },
});

export type PatientMonitorMachine = typeof patientMonitorMachine;
