import { enqueueActions, setup } from 'xstate';
import type { AlarmInfo, DeviceEmitted } from '../descriptor.ts';
import {
  DISPLAY_MAX,
  DISPLAY_MIN,
  GLUCOSE_ALARM_CODES,
  TREND_WINDOW_MS,
  alarmInfo,
  displayValue,
  glucoseAlarms,
  rateOfChange,
  trendArrow,
  type CgmAlarmCode,
  type TrendArrow,
} from './telemetry.ts';

export interface CgmSettings {
  /** Sensor warm-up before the first reading: Dexcom G6 2 h, G7 30 min. */
  warmUpMs: number;
  /** Sensor session length: Dexcom G6 10 days. */
  sensorLifeMs: number;
  /** High alert, mg/dL (Dexcom's adjustable range 120–400). */
  highMgDl: number;
  /** Low alert, mg/dL (Dexcom's adjustable range 60–100). */
  lowMgDl: number;
  highEnabled: boolean;
  lowEnabled: boolean;
  urgentLowSoonEnabled: boolean;
  signalLossEnabled: boolean;
  /** Consecutive missing samples before signal loss: 4 × 5 min = Dexcom G6's 20-minute default. */
  signalLossSamples: number;
  /** An acknowledged glucose alarm sounds again after this long if still present (Dexcom repeats urgent low after 30 min). */
  snoozeMs: number;
  /** Readings kept for backfill after a link outage: Dexcom G6 backfills up to 3 h. */
  backfillMs: number;
}

export interface CgmInput {
  id: string;
  firmware: string;
  settings: CgmSettings;
}

export interface ActiveAlarm extends AlarmInfo {
  status: 'active' | 'acknowledged' | 'silenced';
  until?: number;
}

export interface Reading {
  t: number;
  value: number;
}

export interface CgmContext extends CgmInput {
  /** Simulation time as far as the device knows it: the latest sample's `t` (a CGM works on its reading cycle). */
  now: number;
  /** When the sensor session started (for telemetry), and how old the sensor already was then. */
  sensorStartedAt: number | null;
  sensorAgeAtStart: number;
  calibrationOffset: number;
  /** Last uncalibrated sensor value, for calibration. */
  lastRaw: number | null;
  /** Calibrated, unrounded value of the current reading. */
  current: number | null;
  rate: number | null;
  trend: TrendArrow;
  missedSamples: number;
  /** Calibrated readings of the last 15 minutes, for the trend. */
  recent: Reading[];
  /** Displayed readings (whole mg/dL within 40–400) of the last `backfillMs`. */
  backfill: Reading[];
  alarms: ActiveAlarm[];
}

interface Remote {
  /** Set when the event came over the network as a command: the device answers with command.accepted/rejected. */
  remote?: boolean;
  commandId?: string;
}

export type CgmEvent =
  | { type: 'power.on'; t?: number }
  | { type: 'power.off' }
  | ({ type: 'sensor.start'; t?: number; ageMs?: number } & Remote)
  | ({ type: 'sensor.stop' } & Remote)
  | ({ type: 'sensor.calibrate'; glucose: number } & Remote)
  | ({ type: 'alarm.acknowledge'; code?: string } & Remote)
  | { type: 'sensor.sample'; t: number; glucose: number | null; sensorError: boolean };

const COMMAND_NAMES: Record<string, string> = {
  'sensor.start': 'sensor.start',
  'sensor.stop': 'sensor.stop',
  'sensor.calibrate': 'calibrate',
  'alarm.acknowledge': 'acknowledge',
};

type Enqueue = { emit: (e: DeviceEmitted) => void; assign: (a: Partial<CgmContext>) => void };

function accepted(event: CgmEvent & Remote, detail?: string): DeviceEmitted {
  return {
    type: 'command.accepted',
    command: COMMAND_NAMES[event.type] ?? event.type,
    ...(event.commandId ? { commandId: event.commandId } : {}),
    ...(detail ? { detail } : {}),
  };
}

function rejected(event: CgmEvent & Remote, code: string, reason: string): DeviceEmitted {
  return {
    type: 'command.rejected',
    command: COMMAND_NAMES[event.type] ?? event.type,
    ...(event.commandId ? { commandId: event.commandId } : {}),
    code,
    reason,
  };
}

/** Raises, keeps or clears the alarms in `codes` so that exactly those in `wanted` are present. */
function reconcile(
  enqueue: Enqueue,
  alarms: ActiveAlarm[],
  codes: readonly CgmAlarmCode[],
  wanted: ReadonlyMap<CgmAlarmCode, AlarmInfo>,
): ActiveAlarm[] {
  const next = alarms.filter((a) => !codes.includes(a.code as CgmAlarmCode) || wanted.has(a.code as CgmAlarmCode));
  for (const a of alarms) if (!next.includes(a)) enqueue.emit({ type: 'alarm.cleared', code: a.code });
  for (const [code, info] of wanted) {
    if (next.some((a) => a.code === code)) continue;
    next.push({ ...info, status: 'active' });
    enqueue.emit({ type: 'alarm.raised', alarm: info });
  }
  return next;
}

function setAlarm(enqueue: Enqueue, context: CgmContext, code: CgmAlarmCode, on: boolean): void {
  enqueue.assign({ alarms: reconcile(enqueue, context.alarms, [code], on ? new Map([[code, alarmInfo(code)]]) : new Map()) });
}

function noReading(): Pick<CgmContext, 'current' | 'lastRaw' | 'rate' | 'trend' | 'recent' | 'missedSamples'> {
  return { current: null, lastRaw: null, rate: null, trend: 'none', recent: [], missedSamples: 0 };
}

const OFF = { type: 'reject', params: { code: 'E_OFF', reason: 'the receiver is off' } } as const;

export const cgmMachine = setup({
  types: {
    context: {} as CgmContext,
    events: {} as CgmEvent,
    input: {} as CgmInput,
    emitted: {} as DeviceEmitted,
  },
  guards: {
    sensorFault: ({ event }) => event.type === 'sensor.sample' && event.sensorError,
    hasReading: ({ event }) => event.type === 'sensor.sample' && event.glucose !== null,
    signalLost: ({ context, event }) =>
      event.type === 'sensor.sample' && event.glucose === null && context.missedSamples + 1 >= context.settings.signalLossSamples,
    // Timers run from the start event itself, so a sensor started between samples still warms up and expires on time.
    warmedUpAtStart: ({ context }) => context.sensorAgeAtStart >= context.settings.warmUpMs,
    expiredAtStart: ({ context }) => context.sensorAgeAtStart >= context.settings.sensorLifeMs,
  },
  delays: {
    warmUp: ({ context }) => Math.max(0, context.settings.warmUpMs - context.sensorAgeAtStart),
    sensorLife: ({ context }) => Math.max(0, context.settings.sensorLifeMs - context.sensorAgeAtStart),
  },
  actions: {
    trackTime: enqueueActions(({ context, event, enqueue }) => {
      const t = 't' in event ? event.t : undefined;
      if (t !== undefined && t > context.now) enqueue.assign({ now: t });
    }),
    processSample: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sensor.sample') return;
      const now = Math.max(context.now, event.t);
      let alarms = context.alarms;
      if (event.glucose === null) {
        enqueue.assign({ now, current: null, lastRaw: null, rate: null, trend: 'none', missedSamples: context.missedSamples + 1 });
        return;
      }
      const value = event.glucose + context.calibrationOffset;
      const recent = [...context.recent.filter((r) => r.t > now - TREND_WINDOW_MS), { t: now, value }];
      const rate = rateOfChange(recent, now);
      const shown = displayValue(value);
      const backfill = [...context.backfill.filter((r) => r.t > now - context.settings.backfillMs), { t: now, value: shown.glucose }];
      alarms = reconcile(enqueue, alarms, GLUCOSE_ALARM_CODES, glucoseAlarms(context.settings, value, rate));
      alarms = alarms.map((a) => {
        if (a.status !== 'silenced' || a.until === undefined || a.until > now) return a;
        enqueue.emit({ type: 'alarm.updated', code: a.code, status: 'active' });
        return { ...a, status: 'active', until: undefined };
      });
      enqueue.assign({
        now,
        current: value,
        lastRaw: event.glucose,
        rate,
        trend: trendArrow(rate),
        missedSamples: 0,
        recent,
        backfill,
        alarms,
      });
    }),
    clearGlucoseAlarms: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ alarms: reconcile(enqueue, context.alarms, GLUCOSE_ALARM_CODES, new Map()) });
    }),
    raiseSignalLoss: enqueueActions(({ context, enqueue }) =>
      setAlarm(enqueue, context, 'sensor.signal-loss', context.settings.signalLossEnabled),
    ),
    clearSignalLoss: enqueueActions(({ context, enqueue }) => setAlarm(enqueue, context, 'sensor.signal-loss', false)),
    raiseSensorError: enqueueActions(({ context, enqueue }) => {
      setAlarm(enqueue, context, 'sensor.error', true);
      enqueue.assign(noReading());
    }),
    clearSensorError: enqueueActions(({ context, enqueue }) => setAlarm(enqueue, context, 'sensor.error', false)),
    raiseExpired: enqueueActions(({ context, enqueue }) => setAlarm(enqueue, context, 'sensor.expired', true)),
    clearExpired: enqueueActions(({ context, enqueue }) => setAlarm(enqueue, context, 'sensor.expired', false)),
    endSession: enqueueActions(({ enqueue }) => enqueue.assign({ ...noReading(), sensorStartedAt: null, calibrationOffset: 0 })),
    startSensor: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sensor.start') return;
      const now = Math.max(context.now, event.t ?? context.now);
      const age = event.ageMs ?? 0;
      enqueue.assign({ ...noReading(), now, sensorStartedAt: now - age, sensorAgeAtStart: age, calibrationOffset: 0 });
      if (event.remote) enqueue.emit(accepted(event));
    }),
    acceptStop: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'sensor.stop' && event.remote) enqueue.emit(accepted(event));
    }),
    reject: enqueueActions(({ event, enqueue }, params: { code: string; reason: string }) => {
      if ('remote' in event && event.remote) enqueue.emit(rejected(event, params.code, params.reason));
    }),
    acknowledge: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'alarm.acknowledge') return;
      const targets = context.alarms.filter((a) => event.code === undefined || a.code === event.code);
      if (targets.length === 0) {
        const reason = event.code === undefined ? 'no alarm is present' : `alarm "${event.code}" is not present`;
        if (event.remote) enqueue.emit(rejected(event, 'E_NO_ALARM', reason));
        return;
      }
      const alarms = context.alarms.map((a): ActiveAlarm => {
        if (!targets.includes(a)) return a;
        const snooze = a.category === 'physiological' && context.settings.snoozeMs > 0;
        const next: ActiveAlarm = snooze
          ? { ...a, status: 'silenced', until: context.now + context.settings.snoozeMs }
          : { ...a, status: 'acknowledged', until: undefined };
        enqueue.emit({
          type: 'alarm.updated',
          code: a.code,
          status: next.status,
          ...(next.until !== undefined ? { until: next.until } : {}),
        });
        return next;
      });
      enqueue.assign({ alarms });
      if (event.remote) enqueue.emit(accepted(event, targets.map((a) => a.code).join(',')));
    }),
    calibrate: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sensor.calibrate') return;
      // Dexcom G6 accepts calibration values of 40–400 mg/dL.
      if (!(event.glucose >= DISPLAY_MIN && event.glucose <= DISPLAY_MAX)) {
        if (event.remote) enqueue.emit(rejected(event, 'E_RANGE', `calibration glucose must be 40–400 mg/dL, received ${event.glucose}`));
        return;
      }
      if (context.lastRaw === null) {
        if (event.remote) enqueue.emit(rejected(event, 'E_NO_READING', 'calibration needs a current sensor reading'));
        return;
      }
      // A single-point calibration: an additive offset that makes the current reading equal the entered value.
      const calibrationOffset = event.glucose - context.lastRaw;
      const shift = calibrationOffset - context.calibrationOffset;
      enqueue.assign({
        calibrationOffset,
        current: event.glucose,
        recent: context.recent.map((r) => ({ t: r.t, value: r.value + shift })),
      });
      if (event.remote) enqueue.emit(accepted(event, `offset ${calibrationOffset >= 0 ? '+' : ''}${calibrationOffset.toFixed(1)} mg/dL`));
    }),
  },
}).createMachine({
  id: 'cgm',
  context: ({ input }) => ({
    ...input,
    now: 0,
    sensorStartedAt: null,
    sensorAgeAtStart: 0,
    calibrationOffset: 0,
    ...noReading(),
    backfill: [],
    alarms: [],
  }),
  initial: 'off',
  on: { 'sensor.sample': { actions: 'trackTime' } },
  states: {
    off: {
      on: {
        'power.on': { target: 'on', actions: 'trackTime' },
        'sensor.start': { actions: OFF },
        'sensor.stop': { actions: OFF },
        'sensor.calibrate': { actions: OFF },
        'alarm.acknowledge': { actions: OFF },
      },
    },
    on: {
      initial: 'idle',
      on: {
        'power.off': 'off',
        'sensor.start': { target: '.session', actions: 'startSensor' },
        'sensor.stop': { actions: { type: 'reject', params: { code: 'E_NO_SENSOR', reason: 'no sensor session is running' } } },
        'sensor.calibrate': {
          actions: { type: 'reject', params: { code: 'E_NO_READING', reason: 'calibration needs a current sensor reading' } },
        },
        'alarm.acknowledge': { actions: 'acknowledge' },
      },
      states: {
        idle: {},
        session: {
          initial: 'warmUp',
          exit: 'endSession',
          always: { guard: 'expiredAtStart', target: 'expired' },
          after: { sensorLife: 'expired' },
          on: { 'sensor.stop': { target: 'idle', actions: 'acceptStop' } },
          states: {
            warmUp: {
              always: { guard: 'warmedUpAtStart', target: 'active' },
              after: { warmUp: 'active' },
            },
            active: {
              initial: 'reading',
              on: { 'sensor.calibrate': { actions: 'calibrate' } },
              states: {
                reading: {
                  exit: 'clearGlucoseAlarms',
                  on: {
                    'sensor.sample': [
                      { guard: 'sensorFault', target: '#cgm.on.session.error', actions: 'trackTime' },
                      { guard: 'signalLost', target: 'signalLoss', actions: 'processSample' },
                      { actions: 'processSample' },
                    ],
                  },
                },
                signalLoss: {
                  entry: 'raiseSignalLoss',
                  exit: 'clearSignalLoss',
                  on: {
                    'sensor.sample': [
                      { guard: 'sensorFault', target: '#cgm.on.session.error', actions: 'trackTime' },
                      { guard: 'hasReading', target: 'reading', actions: 'processSample' },
                      { actions: 'processSample' },
                    ],
                  },
                },
              },
            },
            error: {
              entry: 'raiseSensorError',
              exit: 'clearSensorError',
              on: {
                'sensor.sample': [
                  { guard: 'sensorFault', actions: 'trackTime' },
                  { target: 'active', actions: 'processSample' },
                ],
              },
            },
          },
        },
        expired: {
          entry: 'raiseExpired',
          exit: 'clearExpired',
          on: { 'sensor.stop': { target: 'idle', actions: 'acceptStop' } },
        },
      },
    },
  },
});
