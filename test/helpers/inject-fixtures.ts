import { enqueueActions, setup, type AnyStateMachine } from 'xstate';
import type { CommandGate } from '../../src/fleet/command-gate.ts';
import { z } from 'zod';
import type { AlarmInfo, DeviceConditions, DeviceDescriptor, DeviceEmitted, DevicePlant, SampleInput } from '../../devices/descriptor.ts';
import { SimClock } from '../../src/core/clock.ts';
import { EventLog, type SimEvent } from '../../src/core/event-log.ts';
import { Rng } from '../../src/core/rng.ts';
import { DeviceAgent, type DevicePhase } from '../../src/fleet/agent.ts';
import type { PatientModel } from '../../src/fleet/patient-model.ts';
import type { DeviceSensor } from '../../src/fleet/sensors.ts';
import { generatePatient, type PatientDemographics } from '../../src/physiology/demographics.ts';
import type { AnyFaultDefinition } from '../../src/inject/fault.ts';
import { parseFaultParams } from '../../src/inject/params.ts';
import { FAULTS, type FaultName } from '../../src/inject/registry.ts';
import type { MeasuredValues, SignalName, SignalValues } from '../../src/physiology/signals.ts';

/*
 * Test fixtures for faults and the timeline: real DeviceAgents on a SimClock, without MQTT (the agent
 * works without a client), around a tiny device machine that keeps the last sample it was given.
 */

/** An EventLog that also keeps every event as it is recorded (before sealing), for assertions. */
export class RecordingLog extends EventLog {
  readonly events: SimEvent[] = [];

  constructor() {
    super();
    this.onRecord((event) => this.events.push(event));
  }

  ofType(type: string): SimEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}

/** A patient whose truth is a function of time: easy to predict, so faults are easy to see. */
export class TestPatient implements PatientModel {
  readonly id: string;
  readonly demographics: PatientDemographics;
  #t = 0;
  #truth: (t: number) => SignalValues;

  constructor(id = 'P-001', truth: (t: number) => SignalValues = steadyTruth) {
    this.id = id;
    this.#truth = truth;
    this.demographics = generatePatient(new Rng(1, `demographics:${id}`), { id });
  }
  advanceTo(t: number): void {
    this.#t = Math.max(this.#t, t);
  }
  truth(): SignalValues {
    return this.#truth(this.#t);
  }
  interstitialGlucose(): number | undefined {
    return this.truth().glucose;
  }
  setDelivery(): void {}
}

/** Glucose 120 mg/dL, HR 70 bpm, SpO2 97 %. */
export function steadyTruth(): SignalValues {
  return { glucose: 120, hr: 70, spo2: 97 };
}

/** A stable adult's full set of vital signs, for real patient-monitor models. */
export function vitalTruth(): SignalValues {
  return { glucose: 120, hr: 72, spo2: 97, rr: 14, temp: 36.8, sbp: 120, dbp: 78, map: 92 };
}

/** Glucose rising 1 mg/dL per minute from 100 at t=0 (for lag and drift). */
export function risingTruth(t: number): SignalValues {
  return { glucose: 100 + t / 60_000, hr: 70, spo2: 97 };
}

/** A perfect sensor: the device measures exactly the patient's truth. */
export function truthSensor(measures: readonly SignalName[], onDemand: readonly SignalName[] = []): DeviceSensor {
  return {
    measure(patient) {
      const truth = patient.truth();
      const out: MeasuredValues = {};
      for (const s of measures) if (!onDemand.includes(s)) out[s] = truth[s] ?? null;
      return out;
    },
    measureOne: (patient, signal) => patient.truth()[signal] ?? null,
  };
}

interface TestContext {
  samples: number;
  lastT: number | null;
  measured: MeasuredValues;
  conditions: DeviceConditions;
  alarms: AlarmInfo[];
}

type TestEvent =
  | { type: 'device.power-on' }
  | { type: 'device.ping' }
  | { type: 'sensor.sample'; t: number; measured: MeasuredValues; conditions: DeviceConditions };

/** Off until powered on; then keeps the last sample, and alarms (technical, high) on every condition set ≥ 1. */
export const testMachine = setup({
  types: { context: {} as TestContext, events: {} as TestEvent, input: {} as { id: string }, emitted: {} as DeviceEmitted },
}).createMachine({
  id: 'test-device',
  context: { samples: 0, lastT: null, measured: {}, conditions: {}, alarms: [] },
  initial: 'off',
  states: {
    off: { on: { 'device.power-on': 'on' } },
    on: {
      on: {
        'sensor.sample': {
          actions: enqueueActions(({ context, event, enqueue }) => {
            const alarms: AlarmInfo[] = Object.entries(event.conditions)
              .filter(([, v]) => v >= 1)
              .map(([code]) => ({ code, priority: 'high', category: 'technical', message: code }));
            for (const a of alarms) if (!context.alarms.some((b) => b.code === a.code)) enqueue.emit({ type: 'alarm.raised', alarm: a });
            for (const a of context.alarms)
              if (!alarms.some((b) => b.code === a.code)) enqueue.emit({ type: 'alarm.cleared', code: a.code });
            enqueue.assign({
              samples: context.samples + 1,
              lastT: event.t,
              measured: event.measured,
              conditions: event.conditions,
              alarms,
            });
          }),
        },
      },
    },
  },
});

type TestSample = Extract<TestEvent, { type: 'sensor.sample' }>;

/** The test device's plant hands the machine every sample as it is, so the machine's context shows it. */
class TestPlant implements DevicePlant<unknown, TestEvent> {
  sample(_snapshot: unknown, { t, measured, conditions }: SampleInput): readonly TestSample[] {
    return [{ type: 'sensor.sample', t, measured: { ...measured }, conditions }];
  }
  follow(): void {}
}

export const ALL_CONDITIONS = [
  'occlusion.downstream',
  'occlusion.upstream',
  'air-in-line',
  'door.open',
  'battery.drain-factor',
  'rate.error-factor',
  'ecg.lead-off',
  'spo2.probe-off',
  'nibp.cuff-error',
  'sensor.error',
] as const;

/** A descriptor around `testMachine` measuring and reacting to what the test needs. */
export function makeDescriptor(
  options: { kind?: string; measures?: readonly SignalName[]; conditions?: readonly string[] } = {},
): DeviceDescriptor<typeof testMachine, unknown, unknown, TestPlant> {
  const measures = options.measures ?? ['glucose', 'hr'];
  return {
    kind: options.kind ?? 'test-device',
    title: 'Test device',
    summary: 'A minimal device for fault and timeline tests',
    machine: testMachine,
    defaultSettings: {},
    settingsSchema: z.object({}),
    telemetrySchema: z.object({}).loose(),
    commandSchema: z.object({ type: z.literal('ping') }),
    telemetryPeriodMs: 5_000,
    samplePeriodMs: 1_000,
    measures,
    conditions: (options.conditions ?? ALL_CONDITIONS).map((name) => ({ name, description: name })),
    profileSchema: z.object({}),
    bootEvents: () => [{ type: 'device.power-on' }],
    createInput: ({ id }) => ({ id }),
    createPlant: () => new TestPlant(),
    telemetry: (snapshot) => ({ samples: snapshot.context.samples, measured: snapshot.context.measured }),
    commandEvent: () => ({ type: 'device.ping' }),
    stateLabel: (snapshot) => String(snapshot.value),
    activeAlarms: (snapshot) => snapshot.context.alarms,
    docs: { states: [], alarms: [], commands: [], telemetry: [] },
  };
}

export interface TestAgentOptions {
  id?: string;
  zone?: string;
  descriptor?: DeviceDescriptor<AnyStateMachine>;
  patient?: PatientModel;
  clock?: SimClock;
  log?: RecordingLog;
  seed?: string | number;
  profile?: unknown;
  settings?: unknown;
  phase?: DevicePhase;
  firmware?: string;
  commandGate?: CommandGate;
}

/** A started DeviceAgent with its clock and log (shared when given, so several agents form a fleet). */
export function makeAgent(options: TestAgentOptions = {}): { agent: DeviceAgent; clock: SimClock; log: RecordingLog } {
  const clock = options.clock ?? new SimClock();
  const log = options.log ?? new RecordingLog();
  const descriptor = options.descriptor ?? makeDescriptor();
  const id = options.id ?? 'dev-001';
  const agent = new DeviceAgent({
    descriptor,
    address: { site: 'test-site', zone: options.zone ?? 'icu', kind: descriptor.kind, deviceId: id },
    patient: options.patient ?? new TestPatient(),
    sensor: truthSensor(descriptor.measures, descriptor.measuresOnDemand),
    clock,
    rng: new Rng(options.seed ?? 1).fork(`device:${id}`),
    log,
    identity: { clientId: `test-${id}` },
    profile: options.profile,
    settings: options.settings,
    ...(options.phase ? { phase: options.phase } : {}),
    ...(options.firmware ? { firmware: options.firmware } : {}),
    ...(options.commandGate ? { commandGate: options.commandGate } : {}),
  });
  agent.start();
  return { agent, clock, log };
}

/** The last sample event the device's machine received (measured values and conditions). */
export function machineContext(agent: DeviceAgent): TestContext {
  return agent.snapshot.context as TestContext;
}

/** Applies a registered fault to an agent now, as the injector would: params parsed, device defaults filled in. */
export function applyFault(
  agent: DeviceAgent,
  clock: SimClock,
  log: EventLog,
  name: string,
  raw: Record<string, unknown> = {},
): () => void {
  const fault = FAULTS[name as FaultName] as AnyFaultDefinition;
  const parsed = parseFaultParams(fault, raw);
  const params = fault.resolveParams?.(agent, parsed) ?? parsed;
  const reason = fault.incompatibility(agent, params);
  if (reason !== undefined) throw new Error(`${name} cannot apply to ${agent.deviceId}: ${reason}`);
  return fault.apply(agent, params, { clock, log });
}
