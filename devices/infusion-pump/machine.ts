import { assign, enqueueActions, setup } from 'xstate';
import { PROFILE_COMMAND_ID } from '../commands.ts';
import type { DeviceEmitted } from '../descriptor.ts';
import { cleared, hasAlarm, hasHighAlarm, persistenceMs, raised } from './alarms.ts';
import { accepted, allCommands, bolusVerdict, flowBlocker, programVerdict, reject, rejected } from './commands.ts';
import { type ActiveAlarm, type Detector, type Flow, type PumpContext, type PumpEvent, type PumpInput, initialContext } from './context.ts';
import type { PumpAlarmCode } from './telemetry.ts';

export type { ActiveAlarm, Flow, PumpContext, PumpEvent, PumpInput } from './context.ts';

// Shared transitions: the guard picks the target, the action emits accepted or rejected.
const programTransition = [{ guard: 'programOk', target: 'programmed', actions: 'programCommand' }, { actions: 'programCommand' }] as const;
const flowTransition = [{ guard: 'canFlow', target: 'infusing', actions: 'accept' }, { actions: 'rejectBlocked' }] as const;
const stopTransition = { target: 'idle', actions: ['clearProgram', 'accept'] } as const;

const raise = (code: PumpAlarmCode) => ({ type: 'raiseAlarm', params: { code } }) as const;
const clear = (code: PumpAlarmCode) => ({ type: 'clearAlarm', params: { code } }) as const;

/**
 * A detector's alarm (upstream occlusion, air, door): the detector trips while the pump is pumping, the
 * condition persists for its delay, the alarm sounds until the detector clears. Before the alarm, a
 * detector that clears starts the persistence over. IEC 60601-2-24 asks for a high-priority alarm that
 * stops flow for each of these.
 */
function detectorRegion(detector: Detector) {
  return {
    initial: 'clear',
    states: {
      clear: { always: { guard: { type: 'tripWhilePumping', params: { detector } }, target: 'pending' } },
      pending: {
        after: { [`persist.${detector}`]: 'alarm' },
        always: { guard: { type: 'detectorClear', params: { detector } }, target: 'clear' },
      },
      alarm: {
        entry: raise(detector),
        exit: clear(detector),
        always: { guard: { type: 'detectorClear', params: { detector } }, target: 'clear' },
      },
    },
  } as const;
}

export const pumpMachine = setup({
  types: {} as { context: PumpContext; events: PumpEvent; input: PumpInput; emitted: DeviceEmitted },
  delays: {
    selfTest: ({ context }) => context.settings.selfTestMs,
    'persist.occlusion.downstream': ({ context }) => persistenceMs(context, 'occlusion.downstream'),
    'persist.occlusion.upstream': ({ context }) => persistenceMs(context, 'occlusion.upstream'),
    'persist.air-in-line': ({ context }) => persistenceMs(context, 'air-in-line'),
    'persist.door.open': ({ context }) => persistenceMs(context, 'door.open'),
  },
  guards: {
    programOk: ({ context, event }) => programVerdict(context, event).ok,
    bolusOk: ({ context, event }) => bolusVerdict(context, event).ok,
    canFlow: ({ context }) => flowBlocker(context) === undefined,
    // IEC 60601-1-8 high priority: needs immediate response, so the pump stops flow.
    highAlarm: ({ context }) => hasHighAlarm(context.alarms),
    canAcknowledge: ({ context, event }) => {
      if (event.type !== 'alarm.acknowledge') return false;
      return event.code === undefined ? context.alarms.length > 0 : hasAlarm(context.alarms, event.code);
    },
    // Upstream occlusion, air and an open door are seen while the pump is pumping.
    tripWhilePumping: ({ context }, p: { detector: Detector }) => context.flow !== 'none' && context.sensors.detectors[p.detector],
    detectorClear: ({ context }, p: { detector: Detector }) => !context.sensors.detectors[p.detector],
    pressureOver: ({ context }) => context.sensors.pressure === 'over',
    pressureNotOver: ({ context }) => context.sensors.pressure !== 'over',
    // Hysteresis: the alarm ends only once pressure is back under 80 % of the limit (plant.ts).
    pressureNormal: ({ context }) => context.sensors.pressure === 'normal',
    batteryLow: ({ context }) => context.sensors.battery === 'low',
    batteryDepleted: ({ context }) => context.sensors.battery === 'depleted',
  },
  actions: {
    // The plant's reports, taken in any state: the firmware always knows what its sensors say.
    sense: assign(({ context, event }) => {
      const sensors = context.sensors;
      switch (event.type) {
        case 'line.pressure':
          return { sensors: { ...sensors, pressure: event.band, pressureMmHg: event.mmHg } };
        case 'battery.level':
          return { sensors: { ...sensors, battery: event.band, batteryPct: event.pct } };
        case 'detector.changed':
          return { sensors: { ...sensors, detectors: { ...sensors.detectors, [event.detector]: event.on } } };
        default:
          return {};
      }
    }),
    setFlow: assign((_, p: { flow: Flow }) => ({ flow: p.flow })),
    queueProgram: assign(({ event }) => (event.type === 'device.power-on' ? { queued: event.program ?? null } : {})),
    // The boot profile goes through the same DERS checks and acknowledgements as a clinician's command.
    applyQueued: enqueueActions(({ context, enqueue }) => {
      if (context.queued === null) return;
      enqueue.raise({ type: 'infusion.program', ...context.queued, commandId: PROFILE_COMMAND_ID });
      enqueue.raise({ type: 'infusion.start', commandId: PROFILE_COMMAND_ID });
      enqueue.assign({ queued: null });
    }),
    programCommand: enqueueActions(({ context, event, enqueue }) => {
      const v = programVerdict(context, event);
      if (!v.ok) return void enqueue.emit(rejected(event, v.code, v.reason));
      enqueue.assign({ program: v.value, bolus: null });
      enqueue.emit(accepted(event, v.detail));
    }),
    bolusCommand: enqueueActions(({ context, event, enqueue }) => {
      const v = bolusVerdict(context, event);
      if (!v.ok) return void enqueue.emit(rejected(event, v.code, v.reason));
      enqueue.assign({ bolus: { volumeMl: v.value } });
      enqueue.emit(accepted(event, v.detail));
    }),
    clearBolus: assign({ bolus: null }),
    clearProgram: assign({ program: null, bolus: null }),
    accept: enqueueActions(({ event, enqueue }) => enqueue.emit(accepted(event))),
    reject: enqueueActions(({ event, enqueue }, p: { reason: string }) => enqueue.emit(rejected(event, 'state.invalid', p.reason))),
    rejectBlocked: enqueueActions(({ context, event, enqueue }) =>
      enqueue.emit(rejected(event, 'state.blocked', flowBlocker(context) ?? 'flow is blocked')),
    ),
    acknowledge: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'alarm.acknowledge') return;
      const hit = (a: ActiveAlarm) => a.status === 'active' && (event.code === undefined || a.code === event.code);
      const codes = context.alarms.filter(hit).map((a) => a.code);
      enqueue.assign({ alarms: context.alarms.map((a) => (hit(a) ? { ...a, status: 'acknowledged' as const } : a)) });
      for (const code of codes) enqueue.emit({ type: 'alarm.updated', code, status: 'acknowledged' });
      enqueue.emit(accepted(event, codes.length > 0 ? `acknowledged ${codes.join(', ')}` : 'already acknowledged'));
    }),
    rejectAcknowledge: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'alarm.acknowledge') return;
      const active = context.alarms.map((a) => a.code);
      const reason = active.length === 0 ? 'no alarm is active' : `alarm "${event.code}" is not active; active: ${active.join(', ')}`;
      enqueue.emit(rejected(event, 'alarm.not-active', reason));
    }),
    raiseAlarm: enqueueActions(({ context, enqueue }, p: { code: PumpAlarmCode }) => {
      const r = raised(context.alarms, p.code, context);
      if (r.emit === undefined) return;
      enqueue.assign({ alarms: r.alarms });
      enqueue.emit(r.emit);
    }),
    clearAlarm: enqueueActions(({ context, enqueue }, p: { code: PumpAlarmCode }) => {
      const r = cleared(context.alarms, p.code);
      if (r.emit === undefined) return;
      enqueue.assign({ alarms: r.alarms });
      enqueue.emit(r.emit);
    }),
  },
}).createMachine({
  id: 'pump',
  initial: 'off',
  context: ({ input }) => initialContext(input),
  on: {
    'line.pressure': { actions: 'sense' },
    'battery.level': { actions: 'sense' },
    'detector.changed': { actions: 'sense' },
  },
  states: {
    off: {
      on: {
        'device.power-on': { target: 'on', actions: 'queueProgram' },
        'alarm.acknowledge': { actions: { type: 'reject', params: { reason: 'the pump is off' } } },
        ...reject(allCommands('the pump is off; power it on first')),
      },
    },
    on: {
      type: 'parallel',
      exit: ['clearProgram', { type: 'setFlow', params: { flow: 'none' } }],
      on: {
        'device.power-off': 'off',
        'alarm.acknowledge': [{ guard: 'canAcknowledge', actions: 'acknowledge' }, { actions: 'rejectAcknowledge' }],
      },
      states: {
        therapy: {
          initial: 'selfTest',
          states: {
            selfTest: {
              after: { selfTest: { target: 'idle', actions: 'applyQueued' } },
              on: reject(allCommands('the power-on self-test is running; wait for idle')),
            },
            idle: {
              on: {
                'infusion.program': programTransition,
                ...reject({
                  'infusion.start': 'the pump is idle with no program; send program first',
                  'infusion.pause': 'nothing is infusing (the pump is idle)',
                  'infusion.resume': 'nothing is paused (the pump is idle)',
                  'infusion.stop': 'nothing to stop (the pump is idle)',
                  'infusion.bolus': 'no infusion is running; a bolus is given while infusing',
                }),
              },
            },
            programmed: {
              on: {
                'infusion.program': programTransition,
                'infusion.start': flowTransition,
                'infusion.stop': stopTransition,
                ...reject({
                  'infusion.pause': 'the infusion has not started; send start',
                  'infusion.resume': 'the infusion has not started; send start',
                  'infusion.bolus': 'the infusion has not started; a bolus is given while infusing',
                }),
              },
            },
            infusing: {
              initial: 'basal',
              exit: { type: 'setFlow', params: { flow: 'none' } },
              always: { guard: 'highAlarm', target: 'hold' },
              on: {
                'infusion.vtbi-reached': 'completed',
                'infusion.pause': { target: 'paused', actions: 'accept' },
                'infusion.stop': stopTransition,
                ...reject({
                  'infusion.program': 'the pump is infusing; pause before reprogramming',
                  'infusion.start': 'already infusing',
                  'infusion.resume': 'already infusing',
                }),
              },
              states: {
                basal: {
                  entry: { type: 'setFlow', params: { flow: 'basal' } },
                  on: {
                    'infusion.bolus': [{ guard: 'bolusOk', target: 'bolus', actions: 'bolusCommand' }, { actions: 'bolusCommand' }],
                  },
                },
                bolus: {
                  entry: { type: 'setFlow', params: { flow: 'bolus' } },
                  exit: 'clearBolus',
                  on: {
                    'infusion.bolus-done': 'basal',
                    ...reject({ 'infusion.bolus': 'a bolus is already running' }),
                  },
                },
              },
            },
            paused: {
              on: {
                'infusion.program': programTransition,
                'infusion.resume': flowTransition,
                'infusion.stop': stopTransition,
                ...reject({
                  'infusion.start': 'the infusion is paused; send resume',
                  'infusion.pause': 'already paused',
                  'infusion.bolus': 'the infusion is paused; resume before a bolus',
                }),
              },
            },
            // Flow stopped by a high-priority alarm; only the clinician restarts it, once the cause is gone.
            hold: {
              on: {
                'infusion.program': programTransition,
                'infusion.resume': flowTransition,
                'infusion.stop': stopTransition,
                ...reject({
                  'infusion.start': 'flow was stopped by an alarm; send resume once its cause is cleared',
                  'infusion.pause': 'flow is already stopped by an alarm',
                  'infusion.bolus': 'flow is stopped by an alarm',
                }),
              },
            },
            // VTBI reached: keep the vein open at the KVO rate until stopped or reprogrammed.
            completed: {
              entry: [{ type: 'setFlow', params: { flow: 'kvo' } }, raise('infusion.complete'), raise('kvo.active')],
              exit: [{ type: 'setFlow', params: { flow: 'none' } }, clear('infusion.complete'), clear('kvo.active')],
              always: { guard: 'highAlarm', target: 'hold' },
              on: {
                'infusion.program': programTransition,
                'infusion.stop': stopTransition,
                ...reject({
                  'infusion.start': 'the infusion is complete (KVO running); send program for a new one, or stop',
                  'infusion.pause': 'the infusion is complete (KVO running); send stop',
                  'infusion.resume': 'the infusion is complete (KVO running); send program for a new one',
                  'infusion.bolus': 'the infusion is complete (KVO running)',
                }),
              },
            },
          },
        },
        // Downstream occlusion: line pressure over the limit for its persistence time (IEC 60601-2-24
        // asks for a high-priority alarm); it ends once pressure is back under 80 % of the limit.
        occlusion: {
          initial: 'clear',
          states: {
            clear: { always: { guard: 'pressureOver', target: 'pending' } },
            pending: {
              after: { 'persist.occlusion.downstream': 'alarm' },
              always: { guard: 'pressureNotOver', target: 'clear' },
            },
            alarm: {
              entry: raise('occlusion.downstream'),
              exit: clear('occlusion.downstream'),
              always: { guard: 'pressureNormal', target: 'clear' },
            },
          },
        },
        upstream: detectorRegion('occlusion.upstream'),
        air: detectorRegion('air-in-line'),
        door: detectorRegion('door.open'),
        // Low battery warns (medium); an empty battery stops the infusion (high) until power-off.
        battery: {
          initial: 'ok',
          states: {
            ok: {
              always: [
                { guard: 'batteryDepleted', target: 'depleted' },
                { guard: 'batteryLow', target: 'low' },
              ],
            },
            low: {
              entry: raise('battery.low'),
              exit: clear('battery.low'),
              always: { guard: 'batteryDepleted', target: 'depleted' },
            },
            depleted: { entry: raise('battery.depleted'), exit: clear('battery.depleted') },
          },
        },
      },
    },
  },
});
