import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../core/clock.ts';
import { EventLog } from '../core/event-log.ts';
import { Rng } from '../core/rng.ts';
import { planFleet } from '../fleet/fleet-spec.ts';
import { DigitalTwin } from '../fleet/twin.ts';
import { EmbeddedBroker } from '../net/broker.ts';
import { DeliveryLedger } from '../net/delivery-ledger.ts';
import { IN_THREAD_LINKS } from '../net/device-link.ts';
import { smallWard } from '../../test/helpers/plans.ts';
import { DEFAULT_DEPENDENCIES } from './defaults.ts';
import { buildFleet, connectFleet, type FleetClient } from './fleet-builder.ts';

function build() {
  const plan = smallWard();
  const clock = new SimClock();
  const log = new EventLog();
  const fleetPlan = planFleet(plan.fleet, (kind) => DEFAULT_DEPENDENCIES.devices[kind]?.idPrefix ?? kind);
  const twin = new DigitalTwin(fleetPlan.site, clock, log);
  const ledger = new DeliveryLedger();
  const fleet = buildFleet({
    plan,
    fleetPlan,
    deps: DEFAULT_DEPENDENCIES,
    rng: new Rng('7'),
    clock,
    log,
    durationMs: plan.durationMs,
    twin,
    ledger,
  });
  return { plan, clock, log, fleetPlan, twin, ledger, fleet };
}

describe('fleet builder', () => {
  it('builds a patient per bed and an agent per planned device, each registered with the twin', () => {
    const { fleet, fleetPlan, twin } = build();
    expect(fleet.agents.map((a) => a.deviceId)).toEqual(fleetPlan.devices.map((d) => d.id));
    expect([...fleet.patients.keys()]).toEqual(fleetPlan.beds.map((b) => b.patientId));
    expect([...twin.shadows.keys()]).toEqual(fleetPlan.devices.map((d) => d.id));
    const rate = (kind: string) => 1000 / DEFAULT_DEPENDENCIES.devices[kind]!.telemetryPeriodMs;
    expect(fleet.telemetryPerSecond).toBeCloseTo(4 * rate('patient-monitor') + 2 * rate('infusion-pump') + 2 * rate('cgm'), 6);
  });

  it('is seeded: the same seed builds devices that behave the same', () => {
    const a = build();
    const b = build();
    for (const agent of a.fleet.agents) agent.start();
    for (const agent of b.fleet.agents) agent.start();
    a.clock.advanceTo(30_000);
    b.clock.advanceTo(30_000);
    expect(a.fleet.agents.map((x) => x.lastMeasured)).toEqual(b.fleet.agents.map((x) => x.lastMeasured));
  });

  it('books every message a device publishes in the ledger, stamped with simulated time', () => {
    const { fleet, clock, ledger } = build();
    for (const agent of fleet.agents) agent.start();
    clock.advanceTo(10_000);
    const published = fleet.agents.reduce((sum, a) => sum + a.stats.publishedTotal, 0);
    expect(published).toBeGreaterThan(40);
    expect(ledger.totals).toMatchObject({ published, inFlight: published, delivered: 0 });
    const monitor = ledger.device('patient-monitor-001').channel('telemetry');
    expect(monitor.oldestInFlight).toBeGreaterThanOrEqual(0);
    expect(monitor.oldestInFlight).toBeLessThan(2000);
  });
});

describe('connecting a fleet', () => {
  // A real broker that admits only the credentials the hook hands out: the seam carries them.
  let broker: EmbeddedBroker;
  const admitted: string[] = [];
  beforeAll(async () => {
    broker = await EmbeddedBroker.start({
      port: 0,
      hooks: {
        authenticate: (client, username, password, done) => {
          const ok = username === client.id && password?.toString() === `secret:${client.id}`;
          if (ok) admitted.push(client.id);
          done(null, ok);
        },
      },
    });
  });
  afterAll(async () => {
    await broker.close();
  });

  it('asks connectOptionsFor for every client, the twin first, and connects each where and as whom it says', async () => {
    const { fleet, fleetPlan, twin } = build();
    const asked: FleetClient[] = [];
    const progress: number[] = [];
    await connectFleet({
      agents: fleet.agents,
      fleetPlan,
      twin,
      url: 'mqtt://127.0.0.1:1', // nothing listens here: every client must take the hook's URL
      seed: '7',
      links: IN_THREAD_LINKS,
      connectOptionsFor: (client, defaults) => {
        asked.push(client);
        const clientId = `${defaults.identity.clientId}-x`;
        return { url: broker.url, identity: { clientId, username: clientId, password: `secret:${clientId}` } };
      },
      onProgress: (n) => progress.push(n),
    });
    try {
      expect(asked[0]).toEqual({ role: 'twin' });
      expect(asked.slice(1).map((c) => (c.role === 'device' ? c.device.id : 'twin'))).toEqual(fleetPlan.devices.map((d) => d.id));
      expect(admitted.sort()).toEqual(['medtwin-twin-7-x', ...fleetPlan.devices.map((d) => `medtwin-${d.id}-x`)].sort());
      expect(progress).toEqual([fleet.agents.length]);
    } finally {
      await Promise.all(fleet.agents.map((a) => a.stop()));
      await twin.close();
    }
  });
});
