import { assign, emit, enqueueActions, setup } from 'xstate';
import type { DeviceEmitted } from '../descriptor.ts';
import { applyCommand, no, ok } from './commands.ts';
import { type CommandEvent, type MonitorContext, type MonitorEvent, type MonitorInput, COMMAND_OF_EVENT } from './context.ts';
import { sample, type SampleEvent, type SampleOutcome } from './sample.ts';

export {
  COMMAND_OF_EVENT,
  DEFAULT_MONITOR_SETTINGS,
  type MonitorContext,
  type MonitorEvent,
  type MonitorInput,
  type MonitorSettings,
  type MonitorVital,
  type NibpReading,
} from './context.ts';

const IDLE_STATE: Pick<
  MonitorContext,
  'values' | 'nibp' | 'nibpRequested' | 'nextNibpAt' | 'nibpFailure' | 'onsets' | 'alarms' | 'conditions'
> = {
  values: { hr: null, spo2: null, rr: null, temp: null },
  nibp: null,
  nibpRequested: false,
  nextNibpAt: null,
  nibpFailure: null,
  onsets: {},
  alarms: [],
  conditions: {},
};

/**
 * `sample` for this context and event, computed once: the guard that picks the transition needs the
 * outcome (does an alarm change?) and the action that follows applies it. A memo of a pure function,
 * keyed by the identity of both inputs, so a miss only recomputes.
 */
let memoContext: MonitorContext | undefined;
let memoEvent: SampleEvent | undefined;
let memoOutcome: SampleOutcome | undefined;
function sampleOutcome(context: MonitorContext, event: SampleEvent): SampleOutcome {
  if (memoOutcome === undefined || memoContext !== context || memoEvent !== event) {
    memoOutcome = sample(context, event);
    memoContext = context;
    memoEvent = event;
  }
  return memoOutcome;
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
      event.type === 'power.on' && event.nibpIntervalMs !== undefined
        ? { settings: { ...context.settings, nibpIntervalMs: event.nibpIntervalMs } }
        : {},
    ),
    accept: emit(({ event }) => ok(event as CommandEvent)),
    refuse: emit(({ event }, params: { reason: string }) => no(event as CommandEvent, 'invalid-state', params.reason).emitted[0]!),
    // The first determination starts with monitoring; the auto cycle runs from it.
    startMonitoring: assign({ ...IDLE_STATE, nibpRequested: true }),
    stopMonitoring: enqueueActions(({ context, enqueue }) => {
      for (const alarm of context.alarms) enqueue.emit({ type: 'alarm.cleared', code: alarm.info.code });
      enqueue.assign(IDLE_STATE);
    }),
    // The 1 Hz hot path: a plain assign when the sample changes no alarm (nearly always), which costs
    // xstate about half what enqueueActions does; `announce` runs only when there is something to emit.
    sampleQuietly: assign(({ context, event }) => (event.type === 'sensor.sample' ? sampleOutcome(context, event).context : {})),
    sampleAndAnnounce: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sensor.sample') return;
      const outcome = sampleOutcome(context, event);
      enqueue.assign(outcome.context);
      for (const e of outcome.emitted) enqueue.emit(e);
    }),
    command: enqueueActions(({ context, event, enqueue }) => {
      const outcome = applyCommand(context, event);
      if (outcome.context !== undefined) enqueue.assign(outcome.context);
      for (const e of outcome.emitted) enqueue.emit(e);
    }),
  },
  guards: {
    startsMonitoring: ({ event }) => event.type === 'power.on' && event.monitoring === true,
    sampleAnnounces: ({ context, event }) => event.type === 'sensor.sample' && sampleOutcome(context, event).emitted.length > 0,
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
      entry: 'startMonitoring',
      exit: 'stopMonitoring',
      on: {
        'sensor.sample': [{ guard: 'sampleAnnounces', actions: 'sampleAndAnnounce' }, { actions: 'sampleQuietly' }],
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
