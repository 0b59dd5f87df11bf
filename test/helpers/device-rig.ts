import type { AnyDeviceDescriptor, DeviceConditions, DeviceEmitted } from '../../devices/descriptor.ts';
import { DeviceModel } from '../../devices/device-model.ts';
import { SimClock } from '../../src/core/clock.ts';
import { Rng } from '../../src/core/rng.ts';
import type { MeasuredValues } from '../../src/physiology/signals.ts';

export type Stamped = DeviceEmitted & { at: number };

export interface RigOptions {
  id?: string;
  settings?: unknown;
  profile?: unknown;
  firmware?: string;
  seed?: string | number;
  /** What the device measures at each sample (a function of time, or fixed values). */
  measured?: MeasuredValues | ((t: number) => MeasuredValues);
}

/**
 * One device driven as the fleet's agent drives it, without MQTT: a DeviceModel on a SimClock, booted at
 * t=0, sampled every `samplePeriodMs`, with the emitted events kept (stamped with the time). The device
 * tests use it to check a kind end to end: machine and plant together.
 */
export function rig<TPlant = unknown>(descriptor: AnyDeviceDescriptor, options: RigOptions = {}) {
  const clock = new SimClock();
  const id = options.id ?? `${descriptor.kind}-001`;
  const seed = options.seed ?? 'device-rig';
  const emitted: Stamped[] = [];
  const model = new DeviceModel(descriptor, {
    id,
    settings: options.settings,
    profile: options.profile,
    firmware: options.firmware,
    clock,
    rng: new Rng(seed).fork(`device:${id}`),
    onEmitted: (e) => emitted.push({ ...e, at: clock.now() }),
  });
  const sampleRng = new Rng(seed).fork(`device:${id}`).fork('sample');
  const period = descriptor.samplePeriodMs;
  let measured = options.measured ?? {};
  let conditions: DeviceConditions = {};
  let nextSample = period;
  model.start();

  const r = {
    clock,
    model,
    emitted,
    /** The device's plant (it lives as long as the device, through reboots). */
    plant: model.plant as TPlant,
    snapshot: () => model.snapshot,
    context: () => model.snapshot.context,
    state: () => model.stateLabel,
    telemetry: () => model.telemetry() as Record<string, unknown>,
    delivery: () => model.delivery(),
    alarms: () => model.activeAlarms.map((a) => a.code),
    now: () => clock.now(),
    /** What the device measures from now on (merged over what it measured). */
    measure(values: MeasuredValues | ((t: number) => MeasuredValues)) {
      measured = typeof values === 'function' || typeof measured === 'function' ? values : { ...measured, ...values };
      return r;
    },
    /** The hardware conditions set on the device from now on. */
    set(next: DeviceConditions) {
      conditions = next;
      return r;
    },
    /** Runs to `t`, sampling at every sample tick on the way (timers first, as in the fleet). */
    runTo(t: number) {
      for (; nextSample <= t; nextSample += period) {
        clock.advanceTo(nextSample);
        const values = typeof measured === 'function' ? measured(nextSample) : measured;
        model.sample({ t: nextSample, measured: { ...values }, conditions, rng: sampleRng });
      }
      clock.advanceTo(t);
      return r;
    },
    /** Runs `ms` further. */
    run(ms: number) {
      return r.runTo(clock.now() + ms);
    },
    /** Samples tick by tick until `done`, returning the time it became true. */
    runUntil(done: () => boolean, limitMs = 24 * 3_600_000): number {
      while (!done()) {
        if (clock.now() >= limitMs) throw new Error(`condition not met by ${limitMs} ms`);
        r.runTo(nextSample);
      }
      return clock.now();
    },
    /** Sends a command as JSON would arrive and returns the device's answer to it. */
    command(body: unknown): Stamped | undefined {
      const before = emitted.length;
      model.command(descriptor.commandSchema.parse(body));
      return emitted.slice(before).find((e) => e.type === 'command.accepted' || e.type === 'command.rejected');
    },
    send: (event: { type: string; [key: string]: unknown }) => model.send(event),
    of: <T extends DeviceEmitted['type']>(type: T) =>
      emitted.filter((e) => e.type === type) as (Extract<DeviceEmitted, { type: T }> & { at: number })[],
    raised: () => emitted.flatMap((e) => (e.type === 'alarm.raised' ? [e.alarm] : [])),
    cleared: () => emitted.flatMap((e) => (e.type === 'alarm.cleared' ? [e.code] : [])),
  };
  return r;
}
