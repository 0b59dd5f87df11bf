import { createActor, type Actor, type AnyStateMachine } from 'xstate';
import type { Clock } from '../src/core/clock.ts';
import type { Rng } from '../src/core/rng.ts';
import type { AlarmInfo, AnyDeviceDescriptor, Delivery, DeviceEmitted, DevicePlant, SampleInput } from './descriptor.ts';

export interface DeviceModelOptions {
  id: string;
  settings?: unknown;
  firmware?: string;
  profile?: unknown;
  clock: Clock;
  /** The device's plant stream (a pump's per-set accuracy); forked once, when the plant is made. */
  rng: Rng;
  /** Every event the machine emits (alarms, acknowledgements). */
  onEmitted?: (event: DeviceEmitted) => void;
  /** After the machine took an event, whoever sent it (a sample, a command, one of its own timers). */
  onSnapshot?: () => void;
  /** After a sample advanced the plant (and its events, if any, went to the machine). */
  onSample?: () => void;
  /** The machine failed (an exception in an action): the device is then stopped. */
  onError?: (error: unknown) => void;
}

type AnyPlant = DevicePlant<unknown, unknown>;

/**
 * One device: its machine (xstate: the discrete modes) and its plant (plain code: the continuous
 * quantities), coupled the way the hybrid automaton of devices/descriptor.ts describes. A sample
 * advances the plant; the plant's events, if any, go to the machine; whatever moves the machine (a
 * plant event, a command, a timer) is followed by the plant at that instant. The fleet's agent drives
 * one of these per device; the device tests and bench/devices.bench.ts drive them directly.
 */
export class DeviceModel {
  readonly descriptor: AnyDeviceDescriptor;
  readonly plant: AnyPlant;
  #options: DeviceModelOptions;
  #input: unknown;
  #actor: Actor<AnyStateMachine>;

  constructor(descriptor: AnyDeviceDescriptor, options: DeviceModelOptions) {
    this.descriptor = descriptor;
    this.#options = options;
    this.#input = descriptor.createInput({ id: options.id, settings: options.settings, firmware: options.firmware });
    // The plant outlives reboots: a power cycle resets the firmware, not the line, the battery or the sensor.
    this.plant = descriptor.createPlant(this.#input, options.rng.fork('plant')) as AnyPlant;
    this.#actor = this.#createActor();
  }

  get snapshot() {
    return this.#actor.getSnapshot();
  }

  /** Starts the machine and sends its boot events (power-on, the profile's program...) at the clock's time. */
  start(): void {
    this.#actor.start();
    const t = this.#options.clock.now();
    for (const event of this.descriptor.bootEvents({ profile: this.#options.profile, t })) this.#actor.send(event);
  }

  /** Advances the plant to `input.t` and hands its events, if any, to the machine. */
  sample(input: SampleInput): void {
    const events = this.plant.sample(this.#actor.getSnapshot(), input);
    // The usual case: nothing crossed a threshold, and the machine is not disturbed at all.
    for (let i = 0; i < events.length; i++) this.#actor.send(events[i] as never);
    this.#options.onSample?.();
  }

  /** A validated command (`descriptor.commandSchema`), as it arrived now. */
  command(command: unknown): void {
    this.#actor.send(this.descriptor.commandEvent(command, { t: this.#options.clock.now(), plant: this.plant }));
  }

  /** Any event straight to the machine (a fault's, a test's). */
  send(event: { type: string; [key: string]: unknown }): void {
    this.#actor.send(event as never);
  }

  /** The firmware version the machine runs (its input's; undefined for a kind that has none). */
  get firmware(): string | undefined {
    return (this.#input as { firmware?: string }).firmware;
  }

  /**
   * Puts `version` in the machine's input: the next restart() boots it. What the machine is given
   * otherwise (its id, its settings) stays; the plant is the hardware, and stays too.
   */
  setFirmware(version: string): void {
    const { id, settings } = this.#options;
    this.#input = this.descriptor.createInput({ id, settings, firmware: version });
  }

  /** Power-cycles the firmware: a fresh machine from `off`, booted again; the plant keeps its physics. */
  restart(): void {
    this.#actor.stop();
    this.#actor = this.#createActor();
    this.start();
  }

  stop(): void {
    this.#actor.stop();
  }

  telemetry(): unknown {
    return this.descriptor.telemetry(this.#actor.getSnapshot(), this.plant);
  }
  get stateLabel(): string {
    return this.descriptor.stateLabel(this.#actor.getSnapshot());
  }
  get activeAlarms(): readonly AlarmInfo[] {
    return this.descriptor.activeAlarms(this.#actor.getSnapshot());
  }
  delivery(): Delivery | undefined {
    return this.descriptor.delivery?.(this.#actor.getSnapshot(), this.plant);
  }

  #createActor(): Actor<AnyStateMachine> {
    const actor = createActor(this.descriptor.machine, { input: this.#input, clock: this.#options.clock as never });
    const { onEmitted, onSnapshot, onError } = this.#options;
    if (onEmitted) actor.on('*', (emitted) => onEmitted(emitted as DeviceEmitted));
    actor.subscribe({
      next: (snapshot) => {
        this.plant.follow(snapshot, this.#options.clock.now());
        onSnapshot?.();
      },
      error: (error) => onError?.(error),
    });
    return actor;
  }
}
