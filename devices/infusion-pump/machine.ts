import { enqueueActions, assign, setup } from 'xstate';
import type { DeviceEmitted } from '../descriptor.ts';
import {
  cleared,
  entrySteps,
  exitSteps,
  hasAlarm,
  hasHighAlarm,
  persistedSteps,
  persistenceTimerId,
  raised,
  watchChangeDue,
  type WatchState,
  type WatchStep,
} from './alarms.ts';
import { accepted, allCommands, bolusVerdict, flowBlocker, programVerdict, reject, rejected } from './commands.ts';
import { type ActiveAlarm, type Flow, type PumpContext, type PumpInput, type PumpMachineEvent, initialContext } from './context.ts';
import { integrate } from './line.ts';
import type { PumpAlarmCode } from './telemetry.ts';

export type { ActiveAlarm, Flow, PumpContext, PumpEvent, PumpInput, SampleEvent } from './context.ts';
export { deliveredRateMlPerH, pumpRateMlPerH } from './line.ts';

// Shared transitions: the guard picks the target, the action emits accepted or rejected.
const programTransition = [{ guard: 'programOk', target: 'programmed', actions: 'programCommand' }, { actions: 'programCommand' }] as const;
const flowTransition = [{ guard: 'canFlow', target: 'infusing', actions: 'accept' }, { actions: 'rejectBlocked' }] as const;
const stopTransition = { target: 'idle', actions: ['clearProgram', 'accept'] } as const;

export const pumpMachine = setup({
  types: {} as { context: PumpContext; events: PumpMachineEvent; input: PumpInput; emitted: DeviceEmitted },
  delays: {
    selfTest: ({ context }) => context.settings.selfTestMs,
  },
  guards: {
    programOk: ({ context, event }) => programVerdict(context, event).ok,
    bolusOk: ({ context, event }) => bolusVerdict(context, event).ok,
    canFlow: ({ context }) => flowBlocker(context) === undefined,
    vtbiReached: ({ context: c }) => c.program !== null && c.volumeInfusedMl >= c.program.vtbiMl - 1e-9,
    bolusDone: ({ context: c }) => c.bolus !== null && c.bolus.infusedMl >= c.bolus.volumeMl - 1e-9,
    // IEC 60601-1-8 high priority: needs immediate response, so the pump stops flow.
    highAlarm: ({ context }) => hasHighAlarm(context.alarms),
    canAcknowledge: ({ context, event }) => {
      if (event.type !== 'alarm.acknowledge') return false;
      return event.code === undefined ? context.alarms.length > 0 : hasAlarm(context.alarms, event.code);
    },
    watchChangeDue: ({ context }) => watchChangeDue(context),
    stillPending: ({ context, event }) => event.type === 'alarm.persisted' && context.watch[event.code] === 'pending',
  },
  actions: {
    // The per-second hot path of every pump: one assign, no closures or event asserts.
    integrate: assign(({ context, event }) => (event.type === 'sensor.sample' ? integrate(context, event) : {})),
    sampleWhileOff: assign(({ event }) => (event.type === 'sensor.sample' ? { lastSampleT: event.t, conditions: event.conditions } : {})),
    // A change the sample itself causes (VTBI reached, bolus done) happens at the sample's time.
    setFlow: assign(({ event }, p: { flow: Flow }) =>
      event.type === 'sensor.sample' ? { flow: p.flow, intervalFlow: p.flow } : { flow: p.flow },
    ),
    queueProgram: assign(({ event }) => (event.type === 'device.power-on' ? { queued: event.program ?? null } : {})),
    // The boot profile goes through the same DERS checks and acknowledgements as a clinician's command.
    applyQueued: enqueueActions(({ context, enqueue }) => {
      if (context.queued === null) return;
      enqueue.raise({ type: 'infusion.program', ...context.queued, commandId: 'profile' });
      enqueue.raise({ type: 'infusion.start', commandId: 'profile' });
      enqueue.assign({ queued: null });
    }),
    programCommand: enqueueActions(({ context, event, enqueue }) => {
      const v = programVerdict(context, event);
      if (!v.ok) return void enqueue.emit(rejected(event, v.code, v.reason));
      enqueue.assign({ program: v.value, volumeInfusedMl: 0, deliveredMl: 0, bolus: null });
      enqueue.emit(accepted(event, v.detail));
    }),
    bolusCommand: enqueueActions(({ context, event, enqueue }) => {
      const v = bolusVerdict(context, event);
      if (!v.ok) return void enqueue.emit(rejected(event, v.code, v.reason));
      enqueue.assign({ bolus: { volumeMl: v.value, infusedMl: 0 } });
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
    /** One half of a watched-condition step (see alarms.ts): timers, announced alarms and the new phases. */
    watchStep: enqueueActions(({ context, event, enqueue }, p: { half: 'exit' | 'exit-all' | 'entry' | 'persisted' }) => {
      let step: { watch: WatchState; steps: WatchStep[] };
      if (p.half === 'entry') step = entrySteps(context);
      else if (p.half !== 'persisted') step = exitSteps(context, p.half === 'exit-all');
      else if (event.type === 'alarm.persisted') step = persistedSteps(context, event.code);
      else return;
      let alarms = context.alarms;
      for (const s of step.steps) {
        if (s.kind === 'cancel') enqueue.cancel(persistenceTimerId(s.code));
        else if (s.kind === 'schedule') {
          enqueue.raise({ type: 'alarm.persisted', code: s.code }, { id: persistenceTimerId(s.code), delay: s.delayMs });
        } else {
          const r = s.kind === 'raise' ? raised(alarms, s.code, context) : cleared(alarms, s.code);
          alarms = r.alarms;
          if (r.emit !== undefined) enqueue.emit(r.emit);
        }
      }
      enqueue.assign({ watch: step.watch, alarms });
    }),
  },
}).createMachine({
  id: 'pump',
  initial: 'off',
  context: ({ input }) => initialContext(input),
  states: {
    off: {
      on: {
        'device.power-on': { target: 'on', actions: 'queueProgram' },
        'sensor.sample': { actions: 'sampleWhileOff' },
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
          on: { 'sensor.sample': { actions: 'integrate' } },
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
              always: [
                { guard: 'highAlarm', target: 'hold' },
                { guard: 'vtbiReached', target: 'completed' },
              ],
              on: {
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
                  always: { guard: 'bolusDone', target: 'basal' },
                  on: reject({ 'infusion.bolus': 'a bolus is already running' }),
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
              entry: [
                { type: 'setFlow', params: { flow: 'kvo' } },
                { type: 'raiseAlarm', params: { code: 'infusion.complete' } },
                { type: 'raiseAlarm', params: { code: 'kvo.active' } },
              ],
              exit: [
                { type: 'setFlow', params: { flow: 'none' } },
                { type: 'clearAlarm', params: { code: 'infusion.complete' } },
                { type: 'clearAlarm', params: { code: 'kvo.active' } },
              ],
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
        // Occlusion, air, door and battery conditions (alarms.ts). A step re-enters `watching`, so its
        // exit half runs before the therapy region's exits and its entry half after its entries.
        alarms: {
          initial: 'watching',
          exit: { type: 'watchStep', params: { half: 'exit-all' } },
          states: {
            watching: {
              entry: { type: 'watchStep', params: { half: 'entry' } },
              exit: { type: 'watchStep', params: { half: 'exit' } },
              always: { guard: 'watchChangeDue', target: 'watching', reenter: true },
              on: { 'alarm.persisted': { guard: 'stillPending', actions: { type: 'watchStep', params: { half: 'persisted' } } } },
            },
          },
        },
      },
    },
  },
});
