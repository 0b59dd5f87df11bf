import { assertEvent, assign, enqueueActions, setup } from 'xstate';
import type { AlarmInfo, DeviceConditions, DeviceEmitted } from '../descriptor.ts';
import { checkBolus, checkProgram, type InfusionProgram, type ProgramRequest } from './drug-library.ts';
import { PUMP_ALARMS, type PumpAlarmCode, type PumpSettings } from './telemetry.ts';

export interface PumpInput {
  id: string;
  firmware: string;
  settings: PumpSettings;
}

/** An alarm as the pump holds it: IEC 60601-1-8 "acknowledged" silences it until its condition ends. */
export interface ActiveAlarm extends AlarmInfo {
  status: 'active' | 'acknowledged';
}

/** What the motor is driving: nothing, the programmed rate, a bolus, or keep-vein-open. */
export type Flow = 'none' | 'basal' | 'bolus' | 'kvo';

export interface PumpContext {
  id: string;
  firmware: string;
  settings: PumpSettings;
  program: InfusionProgram | null;
  /** Boot profile, programmed and started once the self-test passes. */
  queued: ProgramRequest | null;
  flow: Flow;
  /**
   * The flow the next sample integrates over: the one running right after the previous sample. Timers
   * (self-test end, alarm holds) fire just before a sample due at the same time, so their changes count
   * from that sample on; a command's change counts from the next sample (at most one period late).
   */
  intervalFlow: Flow;
  /** What the pump counted (programmed rate × time); the truth is `deliveredMl`. */
  volumeInfusedMl: number;
  deliveredMl: number;
  bolus: { volumeMl: number; infusedMl: number } | null;
  /** Noise-free line pressure and the sensor's reading of it, mmHg. */
  pressureMmHg: number;
  linePressureMmHg: number;
  batteryPct: number;
  conditions: DeviceConditions;
  lastSampleT: number | null;
  alarms: ActiveAlarm[];
}

type Command<T extends string, P = object> = { type: T; commandId?: string } & P;
export type SampleEvent = { type: 'sensor.sample'; t: number; conditions: DeviceConditions; noise: number };
export type PumpEvent =
  | { type: 'device.power-on'; program?: ProgramRequest }
  | { type: 'device.power-off' }
  | SampleEvent
  | Command<'infusion.program', ProgramRequest>
  | Command<'infusion.start'>
  | Command<'infusion.pause'>
  | Command<'infusion.resume'>
  | Command<'infusion.stop'>
  | Command<'infusion.bolus', { amount: number; confirmSoftLimit?: boolean }>
  | Command<'alarm.acknowledge', { code?: string }>;

const THERAPY_COMMANDS = [
  'infusion.program',
  'infusion.start',
  'infusion.pause',
  'infusion.resume',
  'infusion.stop',
  'infusion.bolus',
] as const;
type TherapyCommand = (typeof THERAPY_COMMANDS)[number];
type MonitoredCode = 'occlusion.downstream' | 'occlusion.upstream' | 'air-in-line' | 'door.open';

const isOn = (c: DeviceConditions, name: string): boolean => (c[name] ?? 0) >= 0.5;
const factor = (c: DeviceConditions, name: string): number => Math.max(0, c[name] ?? 1);

/** mL/h the motor drives for `flow`, as the pump believes. KVO never exceeds the programmed rate. */
export function pumpRateMlPerH(ctx: PumpContext, flow: Flow = ctx.flow): number {
  const p = ctx.program;
  if (p === null || flow === 'none') return 0;
  if (flow === 'basal') return p.rateMlPerH;
  if (flow === 'bolus') return ctx.settings.bolusRateMlPerH;
  const kvo = ctx.settings.drugs[p.drug]?.kvoRateMlPerH ?? ctx.settings.kvoRateMlPerH;
  return Math.min(kvo, p.rateMlPerH);
}

/** mL/h reaching the patient: the motor rate × `rate.error-factor`, nothing through an occluded line. */
export function deliveredRateMlPerH(ctx: PumpContext): number {
  const c = ctx.conditions;
  if (isOn(c, 'occlusion.upstream') || isOn(c, 'occlusion.downstream')) return 0;
  return pumpRateMlPerH(ctx) * factor(c, 'rate.error-factor');
}

/** Why flow may not (re)start now, or undefined when it may. */
function flowBlocker(ctx: PumpContext): string | undefined {
  const high = ctx.alarms.filter((a) => a.priority === 'high').map((a) => a.code);
  if (high.length > 0) return `high-priority alarm ${high.join(', ')} is active; clear its cause first`;
  if (isOn(ctx.conditions, 'door.open')) return 'the door is open; close it first';
  if (isOn(ctx.conditions, 'air-in-line')) return 'air in line; prime the set first';
  return undefined;
}

/** Advances counters, battery and line pressure over the time since the last sample. */
function integrate(ctx: PumpContext, e: SampleEvent): Partial<PumpContext> {
  const s = ctx.settings;
  const c = e.conditions;
  const dtMs = ctx.lastSampleT === null ? 0 : Math.max(0, e.t - ctx.lastSampleT);
  const hours = dtMs / 3_600_000;
  const flow = ctx.intervalFlow === 'bolus' && ctx.bolus === null ? 'none' : ctx.intervalFlow;
  let pumped = pumpRateMlPerH(ctx, flow) * hours;
  if (ctx.program !== null && flow !== 'kvo') pumped = Math.min(pumped, ctx.program.vtbiMl - ctx.volumeInfusedMl);
  if (flow === 'bolus' && ctx.bolus !== null) pumped = Math.min(pumped, ctx.bolus.volumeMl - ctx.bolus.infusedMl);
  pumped = Math.max(0, pumped);
  const inflowMlPerH = isOn(c, 'occlusion.upstream') || hours === 0 ? 0 : (pumped / hours) * factor(c, 'rate.error-factor');
  const downstream = isOn(c, 'occlusion.downstream');
  const drainPerH = 100 / (flow === 'none' ? s.battery.hoursIdle : s.battery.hoursPumping);
  // A drain-factor condition means the pump runs from its battery (unplugged, or a failing cell).
  const drainFactor = c['battery.drain-factor'] ?? (s.battery.mainsPowered ? 0 : 1);
  const pressure = nextPressure(ctx.pressureMmHg, dtMs, inflowMlPerH, downstream, s);
  return {
    conditions: c,
    lastSampleT: e.t,
    intervalFlow: ctx.flow,
    volumeInfusedMl: ctx.volumeInfusedMl + pumped,
    deliveredMl: ctx.deliveredMl + (downstream ? 0 : inflowMlPerH * hours),
    bolus: flow === 'bolus' && ctx.bolus !== null ? { ...ctx.bolus, infusedMl: ctx.bolus.infusedMl + pumped } : ctx.bolus,
    batteryPct: Math.max(0, ctx.batteryPct - drainPerH * hours * Math.max(0, drainFactor)),
    pressureMmHg: pressure,
    linePressureMmHg: Math.max(0, pressure + e.noise * s.linePressure.noiseSdMmHg),
  };
}

function nextPressure(p: number, dtMs: number, inflowMlPerH: number, occluded: boolean, s: PumpSettings): number {
  const { baselineMmHg, maxMmHg, complianceMlPerMmHg, relaxMs } = s.linePressure;
  if (!occluded) return baselineMmHg + (p - baselineMmHg) * Math.exp(-dtMs / relaxMs);
  // A closed line stores pumped volume in the set's compliance; pressure saturates at the pump's maximum
  // (dp/dt = q/C · (1 − p/max), solved exactly so the sample period does not matter). Held when stopped.
  const k = inflowMlPerH / 3_600_000 / (complianceMlPerMmHg * maxMmHg);
  return maxMmHg - (maxMmHg - p) * Math.exp(-k * dtMs);
}

function alarmInfo(code: PumpAlarmCode, ctx: PumpContext): AlarmInfo {
  const info: AlarmInfo = { code, category: 'technical', ...PUMP_ALARMS[code] };
  const s = ctx.settings;
  const battery = Math.round(ctx.batteryPct * 10) / 10;
  const pressure = Math.round(ctx.linePressureMmHg);
  switch (code) {
    case 'occlusion.downstream':
      return { ...info, parameter: 'linePressure', value: pressure, limit: s.alarms.downstreamOcclusionMmHg };
    case 'battery.low':
      return { ...info, parameter: 'battery', value: battery, limit: s.battery.lowPct };
    case 'battery.depleted':
      return { ...info, parameter: 'battery', value: battery, limit: 0 };
    case 'infusion.complete':
      return { ...info, parameter: 'volumeInfused', value: ctx.program?.vtbiMl ?? 0, limit: ctx.program?.vtbiMl ?? 0 };
    case 'kvo.active':
      return { ...info, parameter: 'rate', value: pumpRateMlPerH(ctx, 'kvo') };
    default:
      return info;
  }
}

/** The command as it arrived (`infusion.start` came from `start`) and its id, for acknowledgements. */
function commandMeta(event: PumpEvent): { command: string; commandId?: string } {
  const command = event.type.slice(event.type.indexOf('.') + 1);
  const id = 'commandId' in event ? event.commandId : undefined;
  return id === undefined ? { command } : { command, commandId: id };
}

const accepted = (event: PumpEvent, detail?: string): DeviceEmitted => ({
  type: 'command.accepted',
  ...commandMeta(event),
  ...(detail === undefined ? {} : { detail }),
});
const rejected = (event: PumpEvent, code: string, reason: string): DeviceEmitted => {
  const meta = commandMeta(event);
  return { type: 'command.rejected', ...meta, code, reason: `cannot ${meta.command}: ${reason}` };
};

const programVerdict = (ctx: PumpContext, e: PumpEvent) => {
  assertEvent(e, 'infusion.program');
  return checkProgram(ctx.settings.drugs, ctx.settings.rateRange, e);
};
const bolusVerdict = (ctx: PumpContext, e: PumpEvent) => {
  assertEvent(e, 'infusion.bolus');
  if (ctx.program === null) return { ok: false as const, code: 'state.invalid', reason: 'no program' };
  return checkBolus(ctx.settings.drugs, ctx.program, e.amount, e.confirmSoftLimit);
};

// Shared transitions: the guard picks the target, the action emits accepted or rejected.
const programTransition = [
  { guard: 'programOk', target: 'programmed', actions: 'programCommand' },
  { actions: 'programCommand' },
] as const;
const flowTransition = [{ guard: 'canFlow', target: 'infusing', actions: 'accept' }, { actions: 'rejectBlocked' }] as const;
const stopTransition = { target: 'idle', actions: ['clearProgram', 'accept'] } as const;

type Rejection = { actions: { type: 'reject'; params: { reason: string } } };
/** Handlers that reject commands invalid in a state, each with its reason and what to do instead. */
function reject(reasons: Partial<Record<TherapyCommand, string>>): { [K in TherapyCommand]?: Rejection } {
  const out: { [K in TherapyCommand]?: Rejection } = {};
  for (const [type, reason] of Object.entries(reasons) as [TherapyCommand, string][]) {
    out[type] = { actions: { type: 'reject', params: { reason } } };
  }
  return out;
}
const allCommands = (reason: string): Record<TherapyCommand, string> =>
  Object.fromEntries(THERAPY_COMMANDS.map((type) => [type, reason])) as Record<TherapyCommand, string>;

/** One alarm condition: raised once it has persisted for its delay, cleared when it ends. */
function monitor<D extends string>(code: MonitoredCode, delay: D) {
  const onset = { type: 'alarmOnset', params: { code } } as const;
  const gone = { type: 'alarmGone', params: { code } } as const;
  return {
    initial: 'clear',
    states: {
      clear: { always: { guard: onset, target: 'pending' } },
      pending: { always: { guard: gone, target: 'clear' }, after: { [delay]: 'alarm' } as Record<D, 'alarm'> },
      alarm: {
        entry: { type: 'raiseAlarm', params: { code } },
        exit: { type: 'clearAlarm', params: { code } },
        always: { guard: { type: 'alarmEnded', params: { code } }, target: 'clear' },
      },
    },
  } as const;
}

export const pumpMachine = setup({
  types: {} as { context: PumpContext; events: PumpEvent; input: PumpInput; emitted: DeviceEmitted },
  delays: {
    selfTest: ({ context }) => context.settings.selfTestMs,
    downstreamPersistence: ({ context }) => context.settings.alarms.downstreamOcclusionPersistenceMs,
    upstreamPersistence: ({ context }) => context.settings.alarms.upstreamOcclusionPersistenceMs,
    airPersistence: ({ context }) => context.settings.alarms.airInLinePersistenceMs,
    doorPersistence: ({ context }) => context.settings.alarms.doorOpenPersistenceMs,
  },
  guards: {
    programOk: ({ context, event }) => programVerdict(context, event).ok,
    bolusOk: ({ context, event }) => bolusVerdict(context, event).ok,
    canFlow: ({ context }) => flowBlocker(context) === undefined,
    vtbiReached: ({ context: c }) => c.program !== null && c.volumeInfusedMl >= c.program.vtbiMl - 1e-9,
    bolusDone: ({ context: c }) => c.bolus !== null && c.bolus.infusedMl >= c.bolus.volumeMl - 1e-9,
    // IEC 60601-1-8 high priority: needs immediate response, so the pump stops flow.
    highAlarm: ({ context }) => context.alarms.some((a) => a.priority === 'high'),
    batteryLow: ({ context: c }) => c.batteryPct <= c.settings.battery.lowPct,
    batteryDepleted: ({ context: c }) => c.batteryPct <= 0,
    canAcknowledge: ({ context, event }) => {
      assertEvent(event, 'alarm.acknowledge');
      return context.alarms.some((a) => event.code === undefined || a.code === event.code);
    },
    /** The condition behind `code` has begun; air, upstream occlusion and door are seen while pumping. */
    alarmOnset: ({ context: c }, p: { code: MonitoredCode }) =>
      p.code === 'occlusion.downstream'
        ? c.linePressureMmHg >= c.settings.alarms.downstreamOcclusionMmHg
        : c.flow !== 'none' && isOn(c.conditions, p.code),
    /** Before the alarm: the condition lapsed, so persistence starts over. */
    alarmGone: ({ context: c }, p: { code: MonitoredCode }) =>
      p.code === 'occlusion.downstream'
        ? c.linePressureMmHg < c.settings.alarms.downstreamOcclusionMmHg
        : !isOn(c.conditions, p.code),
    // Hysteresis: a pressure alarm ends only well below its limit, so noise at the limit cannot make it chatter.
    alarmEnded: ({ context: c }, p: { code: MonitoredCode }) =>
      p.code === 'occlusion.downstream'
        ? c.linePressureMmHg < 0.8 * c.settings.alarms.downstreamOcclusionMmHg
        : !isOn(c.conditions, p.code),
  },
  actions: {
    integrate: assign(({ context, event }) => {
      assertEvent(event, 'sensor.sample');
      return integrate(context, event);
    }),
    sampleWhileOff: assign(({ event }) => {
      assertEvent(event, 'sensor.sample');
      return { lastSampleT: event.t, conditions: event.conditions };
    }),
    // A change the sample itself causes (VTBI reached, bolus done) happens at the sample's time.
    setFlow: assign(({ event }, p: { flow: Flow }) =>
      event.type === 'sensor.sample' ? { flow: p.flow, intervalFlow: p.flow } : { flow: p.flow },
    ),
    queueProgram: assign(({ event }) => {
      assertEvent(event, 'device.power-on');
      return { queued: event.program ?? null };
    }),
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
    reject: enqueueActions(({ event, enqueue }, p: { reason: string }) =>
      enqueue.emit(rejected(event, 'state.invalid', p.reason)),
    ),
    rejectBlocked: enqueueActions(({ context, event, enqueue }) =>
      enqueue.emit(rejected(event, 'state.blocked', flowBlocker(context) ?? 'flow is blocked')),
    ),
    acknowledge: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'alarm.acknowledge');
      const hit = (a: ActiveAlarm) => a.status === 'active' && (event.code === undefined || a.code === event.code);
      const codes = context.alarms.filter(hit).map((a) => a.code);
      enqueue.assign({ alarms: context.alarms.map((a) => (hit(a) ? { ...a, status: 'acknowledged' as const } : a)) });
      for (const code of codes) enqueue.emit({ type: 'alarm.updated', code, status: 'acknowledged' });
      enqueue.emit(accepted(event, codes.length > 0 ? `acknowledged ${codes.join(', ')}` : 'already acknowledged'));
    }),
    rejectAcknowledge: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'alarm.acknowledge');
      const active = context.alarms.map((a) => a.code);
      const reason =
        active.length === 0 ? 'no alarm is active' : `alarm "${event.code}" is not active; active: ${active.join(', ')}`;
      enqueue.emit(rejected(event, 'alarm.not-active', reason));
    }),
    raiseAlarm: enqueueActions(({ context, enqueue }, p: { code: PumpAlarmCode }) => {
      if (context.alarms.some((a) => a.code === p.code)) return;
      const alarm = alarmInfo(p.code, context);
      enqueue.assign({ alarms: [...context.alarms, { ...alarm, status: 'active' }] });
      enqueue.emit({ type: 'alarm.raised', alarm });
    }),
    clearAlarm: enqueueActions(({ context, enqueue }, p: { code: PumpAlarmCode }) => {
      if (!context.alarms.some((a) => a.code === p.code)) return;
      enqueue.assign({ alarms: context.alarms.filter((a) => a.code !== p.code) });
      enqueue.emit({ type: 'alarm.cleared', code: p.code });
    }),
  },
}).createMachine({
  id: 'pump',
  initial: 'off',
  context: ({ input }) => ({
    id: input.id,
    firmware: input.firmware,
    settings: input.settings,
    program: null,
    queued: null,
    flow: 'none',
    intervalFlow: 'none',
    volumeInfusedMl: 0,
    deliveredMl: 0,
    bolus: null,
    pressureMmHg: input.settings.linePressure.baselineMmHg,
    linePressureMmHg: input.settings.linePressure.baselineMmHg,
    batteryPct: input.settings.battery.initialPct,
    conditions: {},
    lastSampleT: null,
    alarms: [],
  }),
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
        downstream: monitor('occlusion.downstream', 'downstreamPersistence'),
        upstream: monitor('occlusion.upstream', 'upstreamPersistence'),
        air: monitor('air-in-line', 'airPersistence'),
        door: monitor('door.open', 'doorPersistence'),
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
              entry: { type: 'raiseAlarm', params: { code: 'battery.low' } },
              exit: { type: 'clearAlarm', params: { code: 'battery.low' } },
              always: { guard: 'batteryDepleted', target: 'depleted' },
            },
            depleted: {
              entry: { type: 'raiseAlarm', params: { code: 'battery.depleted' } },
              exit: { type: 'clearAlarm', params: { code: 'battery.depleted' } },
            },
          },
        },
      },
    },
  },
});
