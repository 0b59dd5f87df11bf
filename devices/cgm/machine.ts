import { enqueueActions, setup } from 'xstate';
import type { DeviceEmitted } from '../descriptor.ts';
import { acknowledge, endSnooze, reconcile, setAlarm, type AlarmChange } from './alarms.ts';
import { accepted, calibration, rejected } from './commands.ts';
import type { CgmCommandEvent, CgmContext, CgmEvent, CgmInput } from './context.ts';
import { GLUCOSE_ALARM_CODES, type CgmAlarmCode } from './telemetry.ts';

export type { ActiveAlarm, CgmContext, CgmEvent, CgmInput, CgmSettings } from './context.ts';

type Enqueue = { emit: (e: DeviceEmitted) => void; assign: (a: Partial<CgmContext>) => void };
function apply(enqueue: Enqueue, change: AlarmChange): void {
  enqueue.assign({ alarms: change.alarms });
  for (const e of change.emitted) enqueue.emit(e);
}

const reject = (code: string, reason: string) => ({ type: 'reject', params: { code, reason } }) as const;
const OFF = reject('state.invalid', 'the receiver is off');
const raise = (code: CgmAlarmCode) => ({ type: 'setAlarm', params: { code, on: true } }) as const;
const clear = (code: CgmAlarmCode) => ({ type: 'setAlarm', params: { code, on: false } }) as const;

/**
 * A Dexcom G6-style CGM's modes: the receiver on or off, the sensor session (warm-up, reading, signal
 * loss, sensor error, expired), commands and announced alarms. Its readings, trend and backfill are its
 * plant's (plant.ts), which tells it when the sensor fails, the signal goes, or glucose alarms are due.
 */
export const cgmMachine = setup({
  types: {
    context: {} as CgmContext,
    events: {} as CgmEvent,
    input: {} as CgmInput,
    emitted: {} as DeviceEmitted,
  },
  guards: {
    // Timers run from the start event itself, so a sensor started between samples still warms up and expires on time.
    warmedUpAtStart: ({ context }) => context.sensorAgeAtStart >= context.settings.warmUpMs,
    expiredAtStart: ({ context }) => context.sensorAgeAtStart >= context.settings.sensorLifeMs,
    acknowledgeable: ({ context, event }) =>
      event.type === 'alarm.acknowledge' && context.alarms.some((a) => event.code === undefined || a.code === event.code),
  },
  delays: {
    warmUp: ({ context }) => Math.max(0, context.settings.warmUpMs - context.sensorAgeAtStart),
    sensorLife: ({ context }) => Math.max(0, context.settings.sensorLifeMs - context.sensorAgeAtStart),
  },
  actions: {
    accept: enqueueActions(({ event, enqueue }) => enqueue.emit(accepted(event as CgmCommandEvent))),
    reject: enqueueActions(({ event, enqueue }, params: { code: string; reason: string }) =>
      enqueue.emit(rejected(event as CgmCommandEvent, params.code, params.reason)),
    ),
    setAlarm: enqueueActions(({ context, enqueue }, p: { code: CgmAlarmCode; on: boolean }) =>
      apply(enqueue, setAlarm(context.alarms, p.code, p.on)),
    ),
    setGlucoseAlarms: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'glucose.alarms') apply(enqueue, reconcile(context.alarms, GLUCOSE_ALARM_CODES, event.alarms));
    }),
    raiseSignalLoss: enqueueActions(({ context, enqueue }) =>
      apply(enqueue, setAlarm(context.alarms, 'sensor.signal-loss', context.settings.signalLossEnabled)),
    ),
    clearGlucoseAlarms: enqueueActions(({ context, enqueue }) => apply(enqueue, reconcile(context.alarms, GLUCOSE_ALARM_CODES, []))),
    startSensor: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'sensor.start') return;
      const age = event.ageMs ?? 0;
      enqueue.assign({ sensorStartedAt: event.t - age, sensorAgeAtStart: age, calibrationOffset: 0 });
    }),
    endSession: enqueueActions(({ enqueue }) => enqueue.assign({ sensorStartedAt: null, calibrationOffset: 0 })),
    acknowledge: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'alarm.acknowledge') return;
      const targets = context.alarms.filter((a) => event.code === undefined || a.code === event.code);
      const { snoozeMs } = context.settings;
      apply(enqueue, acknowledge(context.alarms, targets, event.t, snoozeMs));
      if (snoozeMs > 0 && targets.some((a) => a.category === 'physiological')) {
        enqueue.raise({ type: 'alarm.snooze-ended', until: event.t + snoozeMs }, { delay: snoozeMs });
      }
      enqueue.emit(accepted(event, targets.map((a) => a.code).join(',')));
    }),
    rejectAcknowledge: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'alarm.acknowledge') return;
      const reason = event.code === undefined ? 'no alarm is present' : `alarm "${event.code}" is not present`;
      enqueue.emit(rejected(event, 'alarm.not-active', reason));
    }),
    endSnooze: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'alarm.snooze-ended') apply(enqueue, endSnooze(context.alarms, event.until));
    }),
    calibrate: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sensor.calibrate') return;
      const c = calibration(event, context);
      if (!c.ok) return void enqueue.emit(rejected(event, c.code, c.reason));
      enqueue.assign({ calibrationOffset: c.offset });
      enqueue.emit(accepted(event, c.detail));
    }),
  },
}).createMachine({
  id: 'cgm',
  context: ({ input }) => ({ ...input, sensorStartedAt: null, sensorAgeAtStart: 0, calibrationOffset: 0, alarms: [] }),
  initial: 'off',
  states: {
    off: {
      on: {
        'device.power-on': 'on',
        'sensor.start': { actions: OFF },
        'sensor.stop': { actions: OFF },
        'sensor.calibrate': { actions: OFF },
        'alarm.acknowledge': { actions: OFF },
      },
    },
    on: {
      initial: 'idle',
      on: {
        'device.power-off': 'off',
        'sensor.start': { target: '.session', actions: ['startSensor', 'accept'] },
        'sensor.stop': { actions: reject('state.invalid', 'no sensor session is running') },
        'sensor.calibrate': { actions: reject('reading.none', 'calibration needs a current sensor reading') },
        'alarm.acknowledge': [{ guard: 'acknowledgeable', actions: 'acknowledge' }, { actions: 'rejectAcknowledge' }],
        'alarm.snooze-ended': { actions: 'endSnooze' },
      },
      states: {
        idle: {},
        session: {
          initial: 'warmUp',
          exit: 'endSession',
          always: { guard: 'expiredAtStart', target: 'expired' },
          after: { sensorLife: 'expired' },
          on: { 'sensor.stop': { target: 'idle', actions: 'accept' } },
          states: {
            warmUp: {
              always: { guard: 'warmedUpAtStart', target: 'active' },
              after: { warmUp: 'active' },
            },
            active: {
              initial: 'reading',
              on: {
                'sensor.calibrate': { actions: 'calibrate' },
                'sensor.failed': 'error',
              },
              states: {
                reading: {
                  exit: 'clearGlucoseAlarms',
                  on: {
                    'glucose.alarms': { actions: 'setGlucoseAlarms' },
                    'signal.lost': 'signalLoss',
                  },
                },
                signalLoss: {
                  // Dexcom lets the user turn the signal-loss alert off; the state stays.
                  entry: 'raiseSignalLoss',
                  exit: clear('sensor.signal-loss'),
                  on: { 'signal.restored': 'reading' },
                },
              },
            },
            error: {
              entry: raise('sensor.error'),
              exit: clear('sensor.error'),
              on: { 'sensor.recovered': 'active' },
            },
          },
        },
        expired: {
          entry: raise('sensor.expired'),
          exit: clear('sensor.expired'),
          on: { 'sensor.stop': { target: 'idle', actions: 'accept' } },
        },
      },
    },
  },
});
