import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { rig } from '../../test/helpers/device-rig.ts';
import { infusionPump as pump } from './index.ts';

const CONDITIONS = ['occlusion.downstream', 'occlusion.upstream', 'air-in-line', 'door.open'];
const COMMANDS = [{ type: 'resume' }, { type: 'acknowledge' }, { type: 'pause' }, { type: 'resume' }, { type: 'bolus', amount: 1 }];

/**
 * A pump driven as the fleet drives it, with faults and commands drawn from `driverSeed`: the telemetry
 * every 5 s and every event it emitted, with its time.
 */
function session(seed: string, driverSeed: string, seconds: number) {
  const p = rig(pump, {
    id: 'pump-1',
    seed,
    settings: { battery: { mainsPowered: false, hoursPumping: 2 } },
    profile: { drug: 'insulin', doseRate: 4, vtbi: 10 },
  });
  const driver = new Rng(driverSeed, 'driver');
  let conditions: Record<string, number> = {};
  const telemetry: Record<string, unknown>[] = [];
  for (let s = 1; s <= seconds; s++) {
    if (driver.bernoulli(0.02)) {
      const name = driver.choice(CONDITIONS);
      conditions = conditions[name] ? {} : { [name]: 1 };
      p.set(conditions);
    }
    p.runTo(s * 1000);
    if (driver.bernoulli(0.01)) p.command(driver.choice(COMMANDS));
    if (s % 5 === 0) telemetry.push(p.telemetry());
  }
  return { telemetry, events: p.emitted };
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
    // 10.35 % falls to the low-battery threshold (100 %/h from boot) at the very sample the 1 mL VTBI is reached.
    const p = rig(pump, {
      id: 'p',
      settings: {
        accuracy: { mechanismSdPct: 0, setSdPct: 0 },
        battery: { mainsPowered: false, hoursPumping: 1, hoursIdle: 1, initialPct: 10.35 },
      },
      profile: { drug: 'normal-saline', rate: 360, vtbi: 1 },
    });
    p.runTo(15_000);
    p.send({ type: 'device.power-off' });
    const alarms = p.emitted.flatMap((e) =>
      e.type === 'alarm.raised' ? [`${e.at} raised ${e.alarm.code}`] : e.type === 'alarm.cleared' ? [`${e.at} cleared ${e.code}`] : [],
    );
    expect(alarms).toEqual([
      '13000 raised infusion.complete',
      '13000 raised kvo.active',
      '13000 raised battery.low',
      // Power-off ends the alarm regions (last first) before the therapy's own alarms.
      '15000 cleared battery.low',
      '15000 cleared infusion.complete',
      '15000 cleared kvo.active',
    ]);
  });
});
