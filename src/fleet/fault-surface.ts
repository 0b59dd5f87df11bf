import type { Rng } from '../core/rng.ts';
import type { SignalName } from '../physiology/signals.ts';

/** Context a signal transform sees for one sample. */
export interface SignalSample {
  t: number;
  signal: SignalName;
  /** The true value, for faults defined relative to truth (a sensor stuck at the true value at onset). */
  truth: number | undefined;
  rng: Rng;
}

/** Alters one measured value: return a number, or null for "no reading". */
export type SignalTransform = (value: number | null, sample: SignalSample) => number | null;

/** Removes what an injection installed. */
export type Revert = () => void;

/**
 * Everything a fault or attack may do to one device, and nothing more. Each method returns the
 * function that undoes it, so an injection with `for: 10m` reverts exactly what it did.
 */
export interface FaultSurface {
  readonly deviceId: string;
  readonly kind: string;
  readonly zone: string;
  /** Signals the device measures (a sensor fault needs one). */
  readonly measures: readonly SignalName[];
  /** Hardware conditions the device reacts to (a device fault needs its one). */
  readonly conditions: readonly string[];
  /** The device's fault stream: injected randomness never shifts the device's own numbers. */
  readonly rng: Rng;
  /** Adds a transform to a measured signal ('*' = every signal the device measures). Transforms chain in order. */
  transformSignal(signal: SignalName | '*', transform: SignalTransform): Revert;
  /** Sets a hardware condition (`occlusion.downstream` = 1) until reverted. */
  setCondition(name: string, value: number): Revert;
  /** Firmware hang: the device stays connected but publishes nothing. */
  silence(): Revert;
  /** The device stops announcing alarms (they still exist in its state). */
  suppressAlarms(): Revert;
  /** Power-cycles the device: its machine restarts from off and boots again; its plant (battery, line, sensor) carries on. */
  reboot(): void;
  /** Sends an event straight to the device's machine. */
  sendToMachine(event: { type: string; [key: string]: unknown }): void;
  /** The next firmware install fails to boot (a flash or boot fault). */
  failNextInstall(): Revert;
  /** Shifts the timestamps the device puts on its messages by `ms` (clock skew). */
  skewClock(ms: number): Revert;
}
