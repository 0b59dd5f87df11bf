import { describe, expect, it } from 'vitest';
import { SimClock } from '../core/clock.ts';
import { EventLog } from '../core/event-log.ts';
import { Rng } from '../core/rng.ts';
import { DeliveryLedger } from '../net/delivery-ledger.ts';
import { smallWard } from '../../test/helpers/plans.ts';
import { DEFAULT_DEPENDENCIES } from './defaults.ts';
import { arrivalsAt, RunFleet } from './run-fleet.ts';

function fleetFor(speed: number | 'max' = 'max') {
  const plan = smallWard();
  const clock = new SimClock();
  const log = new EventLog();
  const fleet = new RunFleet({
    plan,
    deps: DEFAULT_DEPENDENCIES,
    seed: '7',
    rng: new Rng('7'),
    clock,
    log,
    ledger: new DeliveryLedger(),
    durationMs: plan.durationMs,
    speed,
  });
  return { fleet, clock, log };
}

describe('RunFleet', () => {
  it('plans the site, builds an agent per device with the twin watching each, and knows their tags', () => {
    const { fleet } = fleetFor();
    expect(fleet.agents.map((a) => a.deviceId)).toEqual(fleet.plan.devices.map((d) => d.id));
    expect([...fleet.twin.shadows.keys()]).toEqual(fleet.plan.devices.map((d) => d.id));
    expect(fleet.patients.size).toBe(4);
    const device = fleet.plan.devices[0]!;
    expect(fleet.tagsOf(device.id)).toEqual(device.tags);
    expect(fleet.tagsOf('nobody')).toBeUndefined();
  });

  it('names an unknown device with the nearest one it has', () => {
    const { fleet } = fleetFor();
    expect(fleet.agent('cgm-001').deviceId).toBe('cgm-001');
    expect(() => fleet.agent('cgm-01')).toThrowErrorMatchingInlineSnapshot(
      `[InputError: unknown device "cgm-01" — did you mean "cgm-001"?]`,
    );
  });

  it('boots at t=0: records run.started, then every device samples and publishes on the clock', () => {
    const { fleet, clock, log } = fleetFor();
    const events: { type: string; data: Record<string, unknown> }[] = [];
    log.onRecord((e) => events.push(e));
    fleet.start();
    expect(events[0]).toEqual(
      expect.objectContaining({
        type: 'run.started',
        data: { scenario: 'small-ward', seed: '7', devices: 8, patients: 4, durationMs: 600_000 },
      }),
    );
    clock.advanceTo(10_000);
    const context = fleet.context(clock.now());
    expect(context.simulatedMs).toBe(10_000);
    expect([...context.agents!.values()].every((stats) => stats.publishedTotal > 0)).toBe(true);
  });

  it('takes reports as arriving when sent at full speed, when received otherwise, and follows a change of pace', () => {
    expect(arrivalsAt('max')).toBe('as-sent');
    expect(arrivalsAt(1)).toBe('as-received');
    const { fleet } = fleetFor(2);
    expect(fleet.twin.arrivals).toBe('as-received');
    fleet.setSpeed('max');
    expect(fleet.twin.arrivals).toBe('as-sent');
  });
});
