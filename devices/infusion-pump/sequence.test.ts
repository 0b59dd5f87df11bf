import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/core/clock.ts';
import { Rng } from '../../src/core/rng.ts';
import type { DeviceEmitted } from '../descriptor.ts';
import { infusionPump as pump } from './index.ts';

const CONDITIONS = ['occlusion.downstream', 'occlusion.upstream', 'air-in-line', 'door.open'];
const COMMANDS = [{ type: 'resume' }, { type: 'acknowledge' }, { type: 'pause' }, { type: 'resume' }, { type: 'bolus', amount: 1 }];

/**
 * A pump driven as the fleet drives it (a sample timer re-armed before each sample), with faults and
 * commands drawn from `driverSeed`: the telemetry every 5 s and every event it emitted, with its time.
 */
function session(sampleSeed: string, driverSeed: string, seconds: number) {
  const clock = new SimClock();
  const actor = createActor(pump.machine, {
    input: pump.createInput({ id: 'pump-1', settings: { battery: { mainsPowered: false, hoursPumping: 2 } } }),
    clock,
  });
  const events: (DeviceEmitted & { at: number })[] = [];
  actor.on('*', (e) => events.push({ ...e, at: clock.now() }));
  actor.start();
  for (const e of pump.bootEvents({ profile: { drug: 'insulin', doseRate: 4, vtbi: 10 } })) actor.send(e);
  const rng = new Rng(sampleSeed, 'pump-1');
  const driver = new Rng(driverSeed, 'driver');
  let conditions: Record<string, number> = {};
  const tick = () => {
    clock.setTimeout(tick, 1000);
    if (driver.bernoulli(0.02)) {
      const name = driver.choice(CONDITIONS);
      conditions = conditions[name] ? {} : { [name]: 1 };
    }
    actor.send(pump.sampleEvent({ t: clock.now(), measured: {}, conditions, rng }));
  };
  clock.setTimeout(tick, 1000);
  const telemetry = [];
  for (let s = 1; s <= seconds; s++) {
    clock.advanceTo(s * 1000);
    if (driver.bernoulli(0.01)) actor.send(pump.commandEvent(pump.commandSchema.parse(driver.choice(COMMANDS))));
    if (s % 5 === 0) telemetry.push(pump.telemetry(actor.getSnapshot()));
  }
  return { telemetry, events };
}

describe('pump event sequences', () => {
  it('repeats exactly for the same seeds, and the line-pressure noise follows the sample stream', () => {
    const a = session('seed-1', 'driver', 7200);
    expect(a.events.filter((e) => e.type === 'alarm.raised').length).toBeGreaterThan(3);
    expect(session('seed-1', 'driver', 7200)).toEqual(a);
    const b = session('seed-2', 'driver', 7200);
    expect(b.telemetry.map((t) => t.linePressure)).not.toEqual(a.telemetry.map((t) => t.linePressure));
  });

  it('announces simultaneous alarms in a fixed order: therapy before battery when raised, the reverse when cleared', () => {
    // 10.32 % falls to the low-battery threshold at the very sample the 1 mL VTBI is reached.
    const clock = new SimClock();
    const settings = { battery: { mainsPowered: false, hoursPumping: 1, hoursIdle: 1, initialPct: 10.32 } };
    const actor = createActor(pump.machine, { input: pump.createInput({ id: 'p', settings }), clock });
    const alarms: string[] = [];
    actor.on('*', (e) => {
      if (e.type === 'alarm.raised') alarms.push(`${clock.now()} raised ${e.alarm.code}`);
      if (e.type === 'alarm.cleared') alarms.push(`${clock.now()} cleared ${e.code}`);
    });
    actor.start();
    for (const e of pump.bootEvents({ profile: { drug: 'normal-saline', rate: 360, vtbi: 1 } })) actor.send(e);
    const rng = new Rng('order');
    for (let t = 1000; t <= 15_000; t += 1000) {
      clock.advanceTo(t);
      actor.send(pump.sampleEvent({ t, measured: {}, conditions: {}, rng }));
    }
    actor.send({ type: 'device.power-off' });
    expect(alarms).toEqual([
      '13000 raised infusion.complete',
      '13000 raised kvo.active',
      '13000 raised battery.low',
      // Power-off ends the watched conditions before the therapy's own alarms.
      '15000 cleared battery.low',
      '15000 cleared infusion.complete',
      '15000 cleared kvo.active',
    ]);
  });
});
