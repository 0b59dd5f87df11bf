import type { AnyStateMachine, EventFromLogic, InputFrom, SnapshotFrom } from 'xstate';
import type { z } from 'zod';
import type { Rng } from '../src/core/rng.ts';
import type { EcgAnalysis, MeasuredValues, SignalName } from '../src/physiology/signals.ts';

/** The communication-loss technical alarm every kind raises while offline (ConnectivityPolicy.commLossAlarmMs). */
export const COMM_LOSS_ALARM = 'comm.loss';

/** Store-and-forward when a kind says nothing: keep events and alarms, not telemetry; alarm after a minute. */
export const DEFAULT_CONNECTIVITY: ConnectivityPolicy = {
  telemetry: 'drop',
  telemetrySpanMs: 0,
  capacity: 500,
  commLossAlarmMs: 60_000,
  commLossPriority: 'low',
};

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
 * What a device does while it cannot reach the broker (docs/network.md#store-and-forward): which of
 * its messages it keeps for backfill, within what bounds, and when it raises its communication-loss
 * technical alarm. Messages on QoS 1 channels (alarms, state, command acks) are always kept;
 * telemetry is kept (`buffer`) or not (`drop`).
 */
export interface ConnectivityPolicy {
  telemetry: 'buffer' | 'drop';
  /** Telemetry older than this is let go (counted), ms. */
  telemetrySpanMs: number;
  /** At most this many messages are kept; past it the oldest telemetry (then the oldest message) goes (counted). */
  capacity: number;
  /** The communication-loss technical alarm is raised this long after the device lost its connection, ms. */
  commLossAlarmMs: number;
  /** The alarm's priority (IEC 60601-1-8). */
  commLossPriority: AlarmPriority;
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

/** What the agent hands a device's plant each sensor period. */
export interface SampleInput {
  /** Simulation time of the sample, ms. */
  t: number;
  /** Measured values of the signals in `measures`, after the sensor model and any sensor faults. */
  measured: MeasuredValues;
  /** Hardware conditions currently set on this device by faults. */
  conditions: DeviceConditions;
  /** The device's sample stream (line-pressure noise, say): drawn only at samples, so it never depends on commands. */
  rng: Rng;
  /**
   * Takes one reading of an on-demand signal (`measuresOnDemand`) now, through the sensor and any sensor
   * faults. The plant calls it when it measures (an NIBP determination); absent, it reads `measured`.
   */
  measure?(signal: SignalName): number | null;
  /** A monitor's arrhythmia analysis of this second's ECG; absent for devices without one. */
  ecg?: EcgAnalysis;
}

/**
 * The continuous half of a device, beside its machine: plain seeded code holding the quantities that
 * change with time (a pump's line volume, pressure, counters and battery; a monitor's displayed values
 * and alarm-condition timers; a CGM's sensor readings). It is the plant of a hybrid automaton, the
 * split simglucose makes between patient, sensor and pump: the machine holds the discrete modes, the
 * plant integrates between them, and the machine hears from the plant only the discrete events that
 * change its mode — a threshold crossed, a condition held for its delay, a volume reached.
 *
 * A plant is deterministic: its numbers come from its seed, the samples and the machine's snapshots.
 * It never sends anything to the machine itself; `DeviceModel` (devices/device-model.ts) does.
 */
export interface DevicePlant<TSnapshot = unknown, TEvent = unknown> {
  /**
   * Advances to `input.t` under the mode the machine is in (`snapshot`) and returns the discrete events
   * that happened, in order (an empty array, shared, when nothing did: the usual case).
   */
  sample(snapshot: TSnapshot, input: SampleInput): readonly TEvent[];
  /**
   * The machine took an event at time `t` (a command, a timer, an event of this plant): integrate up to
   * `t` under the mode followed so far, then follow the one in `snapshot`.
   */
  follow(snapshot: TSnapshot, t: number): void;
}

/** What a command event may carry besides the command: when it arrived, and the plant it acts on. */
export interface CommandContext<TPlant> {
  t: number;
  plant: TPlant;
}

/**
 * What an actuator device delivers into its patient: the rate from now on, and the running totals that
 * the dose account reads (a rate sampled every few seconds misses a bolus a cleared occlusion releases
 * in a second or two; the totals do not).
 */
export interface Delivery {
  drug: string;
  /** Volume rate reaching the patient now, mL/h (the pump's own rate × its accuracy, plus what the line releases). */
  rateMlPerH: number;
  /** Drug amount rate, in `doseUnit` per hour (e.g. insulin U/h). */
  doseRatePerH: number;
  doseUnit: string;
  /** Volume delivered into the patient since the device was set up, mL. */
  volumeMl: number;
  /** Drug amount delivered into the patient since the device was set up, in `doseUnit`. */
  amount: number;
}

export interface DocRow {
  name: string;
  description: string;
}

/**
 * Everything the rest of medtwin knows about a device kind. The fleet, the twin, the scenario language
 * and the docs are generic over this; adding a kind means adding a folder under devices/ that exports
 * one of these, and listing it in devices/index.ts.
 *
 * A device is a machine (xstate: the discrete modes, commands, alarms, timers) beside a plant (plain
 * code: the continuous quantities, advanced at every sample). `DeviceModel` couples the two.
 */
export interface DeviceDescriptor<
  TMachine extends AnyStateMachine = AnyStateMachine,
  TTelemetry = unknown,
  TCommand = unknown,
  TPlant extends DevicePlant<SnapshotFrom<TMachine>, EventFromLogic<TMachine>> = DevicePlant<
    SnapshotFrom<TMachine>,
    EventFromLogic<TMachine>
  >,
> {
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
  /**
   * `telemetry` builds its body of plain objects and arrays with every object's keys in ascending
   * order, so the event log writes the telemetry event without checking key order (EventLog.record,
   * `sorted`; under vitest it checks, and a wrong claim fails the run).
   */
  telemetrySorted?: boolean;
  /** A command as it arrives on the device's `cmd` topic. */
  commandSchema: z.ZodType<TCommand>;
  /** How often telemetry is published, ms. */
  telemetryPeriodMs: number;
  /** How often the device samples its sensors (and its plant advances), ms. */
  samplePeriodMs: number;
  /** Patient signals the device measures. */
  measures: readonly SignalName[];
  /**
   * Those of `measures` read only when the plant asks (`SampleInput.measure`), not every sample: an NIBP
   * cuff inflates only for a determination.
   */
  measuresOnDemand?: readonly SignalName[];
  /** Hardware conditions (set by device faults) this kind reacts to; its plant reads them each sample. */
  conditions: readonly DocRow[];
  /** Validates a scenario's clinical-use profile (what a pump infuses, which patient a CGM is on...). */
  profileSchema: z.ZodType;
  /**
   * Events that bring a freshly started device into its usual clinical use when it boots at `t`: every
   * kind's first is `device.power-on`; a pump then programs and starts its infusion, a CGM starts its
   * sensor. `profile` has passed `profileSchema`, or is undefined.
   */
  bootEvents(options: { profile?: unknown; t: number }): EventFromLogic<TMachine>[];
  /** Builds the machine input for one device. */
  createInput(options: { id: string; settings?: unknown; firmware?: string }): InputFrom<TMachine>;
  /** The plant of one device, from its machine input and its own random stream (a pump's per-set accuracy, say). */
  createPlant(input: InputFrom<TMachine>, rng: Rng): TPlant;
  /** Telemetry body for the current snapshot and plant. */
  telemetry(snapshot: SnapshotFrom<TMachine>, plant: TPlant): TTelemetry;
  /**
   * The machine event for a validated command that arrived at `t`. Every command event carries its
   * `commandId` and is answered with one `command.accepted` or `command.rejected` (devices/commands.ts).
   */
  commandEvent(command: TCommand, at: CommandContext<TPlant>): EventFromLogic<TMachine>;
  /** A short label of the current state for displays and the twin: `infusing`, `monitoring`, `warm-up`. */
  stateLabel(snapshot: SnapshotFrom<TMachine>): string;
  /** Active alarms in the current snapshot. */
  activeAlarms(snapshot: SnapshotFrom<TMachine>): readonly AlarmInfo[];
  /** What the device delivers into its patient, for actuators (pumps). */
  delivery?(snapshot: SnapshotFrom<TMachine>, plant: TPlant): Delivery | undefined;
  /**
   * Stored readings with time > `since`, for devices that keep a backfill buffer (a CGM keeps 3 h, as
   * Dexcom's does for after a signal loss). Nothing republishes them yet.
   */
  backfill?(plant: TPlant, since: number): readonly { t: number; value: number }[];
  /** Store-and-forward and the communication-loss alarm while the device is offline. Default: DEFAULT_CONNECTIVITY. */
  connectivity?: ConnectivityPolicy;
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
    /** How the kind is modelled: machine and plant, and the figures behind them with their sources (Markdown lines). */
    model?: readonly string[];
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a registry of kinds holds descriptors of every telemetry, command and plant type
export type AnyDeviceDescriptor = DeviceDescriptor<AnyStateMachine, any, any, any>;
