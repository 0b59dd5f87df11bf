import { assign, enqueueActions, setup } from 'xstate';
import type { DeviceEmitted } from '../descriptor.ts';
import { endSilence, reconcileAlarms } from './alarms.ts';
import { applyCommand, no, ok } from './commands.ts';
import { COMMAND_OF_EVENT, type CommandEvent, type MonitorContext, type MonitorEvent, type MonitorInput } from './context.ts';

export {
  COMMAND_OF_EVENT,
  DEFAULT_MONITOR_SETTINGS,
  type MonitorAlarm,
  type MonitorContext,
  type MonitorEvent,
  type MonitorInput,
  type MonitorSettings,
} from './context.ts';

/** Rejections of commands that make no sense in a state. */
function refuse(reason: string, events: readonly CommandEvent['type'][]) {
  return Object.fromEntries(events.map((type) => [type, { actions: { type: 'refuse' as const, params: { reason } } }]));
}

/**
 * The monitor's modes (off, standby, monitoring), its commands and its announced alarms. The values it
 * displays and how long each alarm condition has held are its plant's (plant.ts); the machine hears
 * only when the conditions that have held for their delay change.
 */
export const patientMonitorMachine = setup({
  types: {
    context: {} as MonitorContext,
    input: {} as MonitorInput,
    events: {} as MonitorEvent,
    emitted: {} as DeviceEmitted,
  },
  actions: {
    configure: assign(({ context, event }) =>
      event.type === 'device.power-on' && event.nibpIntervalMs !== undefined
        ? { settings: { ...context.settings, nibpIntervalMs: event.nibpIntervalMs } }
        : {},
    ),
    accept: enqueueActions(({ event, enqueue }) => enqueue.emit(ok(event as CommandEvent))),
    refuse: enqueueActions(({ event, enqueue }, params: { reason: string }) => {
      for (const e of no(event as CommandEvent, 'state.invalid', params.reason).emitted) enqueue.emit(e);
    }),
    clearAlarms: enqueueActions(({ context, enqueue }) => {
      for (const alarm of context.alarms) enqueue.emit({ type: 'alarm.cleared', code: alarm.info.code });
      enqueue.assign({ alarms: [] });
    }),
    announce: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'alarm.conditions') return;
      const { alarms, emitted } = reconcileAlarms(context.alarms, event.conditions, event.t);
      enqueue.assign({ alarms });
      for (const e of emitted) enqueue.emit(e);
    }),
    endSilence: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'alarm.silence-ended') return;
      const { alarms, emitted } = endSilence(context.alarms, event.until);
      enqueue.assign({ alarms });
      for (const e of emitted) enqueue.emit(e);
    }),
    command: enqueueActions(({ context, event, enqueue }) => {
      const reply = applyCommand(context, event);
      if (reply.context !== undefined) enqueue.assign(reply.context);
      for (const e of reply.emitted) enqueue.emit(e);
      if (reply.silenceUntil !== undefined && event.type === 'alarm.silence') {
        enqueue.raise({ type: 'alarm.silence-ended', until: reply.silenceUntil }, { delay: reply.silenceUntil - event.t });
      }
    }),
  },
  guards: {
    startsMonitoring: ({ event }) => event.type === 'device.power-on' && event.monitoring === true,
  },
}).createMachine({
  id: 'patient-monitor',
  initial: 'off',
  context: ({ input }) => ({ ...input, alarms: [], nibpRequests: 0 }),
  on: { 'device.power-off': { target: '.off' } },
  states: {
    off: {
      on: {
        'device.power-on': [
          { guard: 'startsMonitoring', target: 'monitoring', actions: 'configure' },
          { target: 'standby', actions: 'configure' },
        ],
        ...refuse('the monitor is off; power it on first', Object.keys(COMMAND_OF_EVENT) as CommandEvent['type'][]),
      },
    },
    standby: {
      on: {
        'monitor.start': { target: 'monitoring', actions: 'accept' },
        'limits.set': { actions: 'command' },
        'nibp.interval.set': { actions: 'command' },
        ...refuse('the monitor is in standby; start monitoring first', [
          'monitor.standby',
          'alarm.acknowledge',
          'alarm.silence',
          'nibp.start',
        ]),
      },
    },
    monitoring: {
      // Alarms start and end with monitoring; the plant resets its values and timers with it.
      exit: 'clearAlarms',
      on: {
        'alarm.conditions': { actions: 'announce' },
        'alarm.silence-ended': { actions: 'endSilence' },
        'monitor.standby': { target: 'standby', actions: 'accept' },
        'alarm.acknowledge': { actions: 'command' },
        'alarm.silence': { actions: 'command' },
        'nibp.start': { actions: 'command' },
        'nibp.interval.set': { actions: 'command' },
        'limits.set': { actions: 'command' },
        ...refuse('the monitor is already monitoring', ['monitor.start']),
      },
    },
  },
});

export type PatientMonitorMachine = typeof patientMonitorMachine;
