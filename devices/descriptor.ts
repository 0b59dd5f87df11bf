import type { AnyStateMachine, EventFromLogic, InputFrom, SnapshotFrom } from 'xstate';
import type { z } from 'zod';
import type { Rng } from '../src/core/rng.ts';
import type { MeasuredValues, SignalName } from '../src/physiology/signals.ts';

/** IEC 60601-1-8 alarm priorities. */
export type AlarmPriority = 'high' | 'medium' | 'low';

/** An alarm condition as a device announces it. `code` is stable per condition (`occlusion.downstream`). */
export interface AlarmInfo {
  code: string;
  priority: AlarmPriority;
  /** Physiological (about the patient) or technical (about the device), as IEC 60601-1-8 separates them. */
  category: 'physiological' | 'technical';
  message: string;
  parameter?: string;
  value?: number;
  limit?: number;
}

/**
 * Events every device machine emits with xstate's `emit()`; the fleet's agent listens with
 * `actor.on(...)` and publishes them. Machines stay pure: they never publish anything themselves.
 */
export type DeviceEmitted =
  | { type: 'alarm.raised'; alarm: AlarmInfo }
  | { type: 'alarm.cleared'; code: string }
  /** Audible state changed: acknowledged, silenced (until a time) or back to active. */
  | { type: 'alarm.updated'; code: string; status: 'active' | 'acknowledged' | 'silenced'; until?: number }
  | { type: 'command.accepted'; command: string; commandId?: string; detail?: string }
  | { type: 'command.rejected'; command: string; commandId?: string; code: string; reason: string };

/**
 * Device-level physical conditions a fault sets on a device's hardware (not on the patient):
 * `occlusion.downstream`, `air-in-line`, `door.open`, `battery.drain-factor`, `rate.error-factor`...
 * A kind lists the conditions it understands in `conditions`; the value is a number (1/0 for on/off).
 */
export type DeviceConditions = Readonly<Record<string, number>>;

/** What the agent hands a device's `sampleEvent` each sensor period. */
export interface SampleInput {
  /** Simulation time of the sample, ms. */
  t: number;
  /** Measured values of the signals in `measures`, after the sensor model and any sensor faults. */
  measured: MeasuredValues;
  /** Hardware conditions currently set on this device by faults. */
  conditions: DeviceConditions;
  /** The device's own random stream (e.g. for line-pressure noise). */
  rng: Rng;
}

/** What an actuator device delivers into its patient right now. */
export interface Delivery {
  drug: string;
  /** Volume rate actually delivered, mL/h. */
  rateMlPerH: number;
  /** Drug amount rate, in `doseUnit` per hour (e.g. insulin U/h). */
  doseRatePerH: number;
  doseUnit: string;
}

export interface DocRow {
  name: string;
  description: string;
}

/**
 * Everything the rest of medtwin knows about a device kind. The fleet, the twin, the scenario language
 * and the docs are generic over this; adding a kind means adding a folder under devices/ that exports
 * one of these, and listing it in devices/index.ts.
 */
export interface DeviceDescriptor<TMachine extends AnyStateMachine = AnyStateMachine, TTelemetry = unknown, TCommand = unknown> {
  kind: string;
  /** Prefix of device ids (`pump` → pump-001); the kind itself when absent. */
  idPrefix?: string;
  title: string;
  summary: string;
  /** The pure xstate v5 machine. Its input is `DeviceInput<settings>`. */
  machine: TMachine;
  /** Settings (alarm limits, drug library, timings) used when a scenario gives none. */
  defaultSettings: InputFrom<TMachine> extends { settings: infer S } ? S : unknown;
  /** Validates a scenario's partial settings override and merges it over the defaults. */
  settingsSchema: z.ZodType;
  /** Body of a telemetry message. */
  telemetrySchema: z.ZodType<TTelemetry>;
  /** A command as it arrives on the device's `cmd` topic. */
  commandSchema: z.ZodType<TCommand>;
  /** How often telemetry is published, ms. */
  telemetryPeriodMs: number;
  /** How often the device samples its sensors, ms. */
  samplePeriodMs: number;
  /** Patient signals the device measures. */
  measures: readonly SignalName[];
  /** Hardware conditions (set by device faults) this kind reacts to. */
  conditions: readonly DocRow[];
  /** Validates a scenario's clinical-use profile (what a pump infuses, which patient a CGM is on...). */
  profileSchema: z.ZodType;
  /**
   * Events that bring a freshly started device into its usual clinical use at t=0 (power on, program
   * and start an infusion, insert a sensor...). `profile` has passed `profileSchema`, or is undefined.
   */
  bootEvents(options: { profile?: unknown }): EventFromLogic<TMachine>[];
  /** Builds the machine input for one device. */
  createInput(options: { id: string; settings?: unknown; firmware?: string }): InputFrom<TMachine>;
  /** The machine event that carries one sample into the machine. */
  sampleEvent(input: SampleInput): EventFromLogic<TMachine>;
  /** Telemetry body for the current snapshot. */
  telemetry(snapshot: SnapshotFrom<TMachine>): TTelemetry;
  /** The machine event for a validated command. */
  commandEvent(command: TCommand): EventFromLogic<TMachine>;
  /** A short label of the current state for displays and the twin: `infusing`, `monitoring`, `warm-up`. */
  stateLabel(snapshot: SnapshotFrom<TMachine>): string;
  /** Active alarms in the current snapshot. */
  activeAlarms(snapshot: SnapshotFrom<TMachine>): readonly AlarmInfo[];
  /** What the device delivers into its patient, for actuators (pumps). */
  delivery?(snapshot: SnapshotFrom<TMachine>): Delivery | undefined;
  /**
   * Stored readings with time > `since`, for devices that keep a backfill buffer (a CGM after signal
   * loss); the agent republishes them when its link returns.
   */
  backfill?(snapshot: SnapshotFrom<TMachine>, since: number): readonly { t: number; value: number }[];
  /**
   * The reported fields a command is meant to bring about (`program` → `{ drug, rate }`, `start` →
   * `{ state: 'infusing' }`); the twin keeps them as desired state and flags a device whose reports
   * still differ after a grace time.
   */
  desired?(command: TCommand): Record<string, unknown> | undefined;
  /** Generated documentation (README, `medtwin list devices`). */
  docs: {
    states: readonly DocRow[];
    alarms: readonly (DocRow & { priority: AlarmPriority })[];
    commands: readonly DocRow[];
    telemetry: readonly (DocRow & { unit?: string })[];
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a registry of kinds holds descriptors of every telemetry and command type
export type AnyDeviceDescriptor = DeviceDescriptor<AnyStateMachine, any, any>;
