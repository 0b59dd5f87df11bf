import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../src/net/broker.ts';
import { DEFAULT_DEPENDENCIES } from '../src/runtime/defaults.ts';
import { executeScenario } from '../src/runtime/execute.ts';
import type { LoggedEvent } from '../src/core/event-log.ts';
import { LinkPool } from '../src/net/link-pool.ts';
import { Run } from '../src/runtime/run.ts';
import { smallWard } from './helpers/plans.ts';
import { loadPlans } from '../src/cli/load.ts';

// One real aedes on a free port for the file; every run connects its devices to it over TCP.
let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await EmbeddedBroker.start({ port: 0 });
});
afterAll(async () => {
  await broker.close();
});

describe('a fleet on a real broker', () => {
  it('carries every message across the broker: the twin ties out with what each device published', async () => {
    const result = await executeScenario(smallWard(), { brokerUrl: broker.url });
    expect(result.delivery.lost).toBe(0);
    expect(result.delivery.settleTimeouts).toBe(0);
    expect(result.delivery.published).toBeGreaterThan(2000);
    for (const device of result.devices) {
      expect(device.deliveredToTwin, device.id).toBe(device.published);
      expect(device.missing, device.id).toBe(0);
    }
    // Monitors publish at 1 Hz: 10 simulated minutes is 600 telemetry messages each, plus state changes.
    const monitor = result.devices.find((d) => d.id === 'patient-monitor-001')!;
    expect(monitor.published).toBeGreaterThanOrEqual(600);
    expect(result.ok).toBe(true);
    expect(result.seed).toBe('7');
  });

  it('gives the same digest for the same seed and another for another seed', async () => {
    const plan = smallWard({ durationMs: 5 * 60_000 });
    const a = await executeScenario(plan, { brokerUrl: broker.url });
    const b = await executeScenario(plan, { brokerUrl: broker.url });
    const c = await executeScenario(plan, { brokerUrl: broker.url, seed: 8 });
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(b.digest).toBe(a.digest);
    expect(c.digest).not.toBe(a.digest);
    // The settle window changes how often the transport is awaited, never what happens.
    // A window of 0 would never move the clock: refused up front, not a run that spins.
    expect(() => new Run(plan, DEFAULT_DEPENDENCIES, { syncMs: 0 })).toThrow(/settle window must be at least 1 ms/);
    for (const syncMs of [1_000, 5_000, 15_000]) {
      const d = await executeScenario(plan, { brokerUrl: broker.url, syncMs });
      expect(d.digest, `syncMs ${syncMs}`).toBe(a.digest);
    }
    // Nor where the devices' clients run: on a link thread (how fleets of 1,000 devices or more run).
    const f = await executeScenario(plan, { brokerUrl: broker.url, links: 'link-thread' });
    expect(f.digest).toBe(a.digest);
    expect([a.broker.links, f.broker.links]).toEqual(['in-thread', 'link-thread']);
    expect(f.devices.every((device) => device.deliveredToTwin === device.published && device.published > 0)).toBe(true);
    // Nor does where the broker runs: aedes in a child process (how large fleets run).
    const e = await executeScenario(plan, { brokerPlacement: 'child-process' });
    expect(e.broker.placement).toBe('child-process');
    expect(e.digest).toBe(a.digest);
  });

  it('settles in windows sized to the fleet: long ones for a small ward, 5 s ones from 1,000 devices', async () => {
    // The small ward sends about 4.4 telemetry messages a second: 2,400 of them would take 9 minutes,
    // so its windows are the longest allowed. A 1,000-device ward sends 480 a second: 5 s windows.
    const small = new Run(smallWard(), DEFAULT_DEPENDENCIES, { brokerUrl: broker.url });
    expect(small.syncMs).toBe(60_000);
    const large = smallWard({
      fleet: {
        site: 'test-hospital',
        zones: [{ id: 'icu', beds: 400, devices: { 'patient-monitor': 400, 'infusion-pump': 400, cgm: 200 } }],
      },
    });
    expect(new Run(large, DEFAULT_DEPENDENCIES, { brokerUrl: broker.url }).syncMs).toBe(5_000);
    expect(new Run(smallWard(), DEFAULT_DEPENDENCIES, { brokerUrl: broker.url, syncMs: 2_000 }).syncMs).toBe(2_000);
    // And the runner uses it: a status after every window, so 10 minutes are about 10 windows, not 120.
    let statuses = 0;
    small.on('status', (status) => {
      if (status.phase === 'running') statuses++;
    });
    try {
      await small.open();
      await small.runToEnd();
      expect(small.result().delivery.lost).toBe(0);
    } finally {
      await small.close();
    }
    expect(statuses).toBeGreaterThanOrEqual(10);
    expect(statuses).toBeLessThanOrEqual(12);
  });

  it('logs the twin the same whatever the settle window, when devices go quiet and diverge between checks', async () => {
    // A device that went stale and reported again, or diverged and converged, between two of the
    // twin's checks used to be logged only by the smaller window; a command applied while the
    // device's earlier reports were in flight, or a state message delivered after later telemetry
    // (aedes may), moved a divergence. Both scenarios gave different digests at 1 s and 5 s, and
    // triggered.yaml another at 60 s.
    const plans = await loadPlans(['scenarios/firmware-hang.yaml', 'scenarios/triggered.yaml']);
    for (const plan of plans) {
      const digests = new Set<string>();
      for (const syncMs of [1_000, 5_000, 30_000, 60_000])
        digests.add((await executeScenario(plan, { brokerUrl: broker.url, syncMs })).digest);
      expect(digests.size, plan.name).toBe(1);
    }
  });

  it('stops at once, with an environment error, when the link thread carrying its devices dies', async () => {
    const started = performance.now();
    const deps = {
      ...DEFAULT_DEPENDENCIES,
      createLinkPool: () => new LinkPool(new URL('./fixtures/link-thread/dies-mid-run.mjs', import.meta.url)),
    };
    const run = executeScenario(smallWard({ durationMs: 60 * 60_000 }), { brokerUrl: broker.url, links: 'link-thread', deps });
    await expect(run).rejects.toMatchObject({ code: 'E_LINK_THREAD', exitCode: 3, message: expect.stringMatching(/exited \(code 9\)/) });
    // An hour of simulation whose every settle would otherwise wait out its 10 s timeout.
    expect(performance.now() - started).toBeLessThan(8000);
  });

  it('paces realtime mode by the wall clock at the asked speed, delivering everything', async () => {
    const run = new Run(smallWard({ durationMs: 60_000 }), DEFAULT_DEPENDENCIES, { brokerUrl: broker.url, mode: 'realtime', speed: 30 });
    const achieved: number[] = [];
    run.on('status', (status) => status.achievedSpeed !== undefined && achieved.push(status.achievedSpeed));
    try {
      await run.open();
      const started = performance.now();
      await run.runToEnd();
      const wall = performance.now() - started;
      const result = run.result();
      expect(result.mode).toBe('realtime');
      expect(result.simulatedMs).toBe(60_000);
      expect(result.realtime).toMatchObject({
        speed: 30,
        behindMs: expect.any(Number),
        maxLagMs: expect.any(Number),
        pace: expect.any(Number),
      });
      // One simulated minute at ×30 takes about two seconds; it must not run as fast as it can.
      expect(wall).toBeGreaterThan(1900);
      expect(result.delivery.lost).toBe(0);
      // Its status measured the speed it reached over the last seconds: about the asked one, never far above.
      expect(achieved.length).toBeGreaterThan(0);
      expect(Math.max(...achieved)).toBeLessThan(36);
      expect(Math.max(...achieved)).toBeGreaterThan(10);
    } finally {
      await run.close();
    }
  });

  it('in realtime faster than the machine can go, waits for its transport instead of letting the twin fall behind', async () => {
    // 150 monitors asked for ×1000 cannot keep that pace. Without back-pressure the twin took in
    // almost nothing until the end (8,000 of 9,144 messages in flight) and flagged healthy devices
    // stale 482 times.
    const plan = smallWard({
      durationMs: 60_000,
      fleet: { site: 'test-hospital', zones: [{ id: 'icu', beds: 150, devices: { 'patient-monitor': 150 } }] },
    });
    const run = new Run(plan, DEFAULT_DEPENDENCIES, { brokerUrl: broker.url, mode: 'realtime', speed: 1000 });
    let mostInFlight = 0;
    run.on('status', (status) => (mostInFlight = Math.max(mostInFlight, status.messages - status.delivered)));
    const stale: LoggedEvent[] = [];
    run.log.subscribe((events) => stale.push(...events.filter((e) => e.type === 'twin.stale')));
    try {
      await run.runToEnd();
      const result = run.result();
      expect(result.simulatedMs).toBe(60_000);
      expect(result.delivery.lost).toBe(0);
      expect(stale).toEqual([]);
      // At most about a simulated second of the fleet's telemetry (150) plus one slice's worth.
      expect(mostInFlight).toBeLessThan(1000);
      // And the report says the run did not keep pace: 9,000 messages in 60 ms of wall time is beyond
      // any machine, so more simulated time ran late than ran on time.
      expect(result.realtime!.speed).toBe(1000);
      expect(result.realtime!.behindMs).toBeGreaterThan(result.simulatedMs);
      expect(result.realtime!.maxLagMs).toBeGreaterThan(2000);
      expect(result.realtime!.pace).toBeLessThan(0.5);
    } finally {
      await run.close();
    }
  });

  it('boots and publishes each device at its own seeded phase, one telemetry period apart', async () => {
    const telemetry = async (seed: number) => {
      const run = new Run(smallWard({ durationMs: 20_000, seed }), DEFAULT_DEPENDENCIES, { brokerUrl: broker.url });
      const times = new Map<string, number[]>();
      const boots = new Map<string, number>();
      run.on('events', (batch) => {
        for (const e of batch) {
          if (e.type === 'telemetry') times.set(e.source, [...(times.get(e.source) ?? []), e.t]);
          if (e.type === 'state.changed' && !boots.has(e.source)) boots.set(e.source, e.t);
        }
      });
      try {
        await run.open();
        await run.runToEnd();
      } finally {
        await run.close();
      }
      return { times, boots };
    };
    const a = await telemetry(7);
    const monitors = [...a.times].filter(([id]) => id.startsWith('patient-monitor'));
    expect(monitors.length).toBe(4);
    for (const [id, ts] of monitors) {
      // Boot within the first second, first telemetry within one period of boot, then every second.
      expect(a.boots.get(id)!, id).toBeLessThan(1000);
      expect(ts[0]! - a.boots.get(id)!, id).toBeLessThanOrEqual(2000);
      for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!, id).toBe(1000);
    }
    // Not phase-locked: the monitors publish at different instants within the second.
    expect(new Set(monitors.map(([, ts]) => ts[0]! % 1000)).size).toBeGreaterThan(1);
    const pump = a.times.get('infusion-pump-001')!;
    for (let i = 1; i < pump.length; i++) expect(pump[i]! - pump[i - 1]!).toBe(5000);
    // The phases come from the seed.
    const again = await telemetry(7);
    expect([...again.times]).toEqual([...a.times]);
    const other = await telemetry(8);
    expect(other.times.get('patient-monitor-001')).not.toEqual(a.times.get('patient-monitor-001'));
  });

  it('answers a command sent before the device has booted with a clear rejection', async () => {
    const run = new Run(smallWard({ durationMs: 5_000 }), DEFAULT_DEPENDENCIES, { brokerUrl: broker.url });
    const rejected: LoggedEvent[] = [];
    run.on('events', (batch) => rejected.push(...batch.filter((e) => e.type === 'command.rejected')));
    try {
      await run.open();
      const sleeper = run.agents.find((a) => !a.poweredOn && a.kind === 'infusion-pump') ?? run.agents.find((a) => !a.poweredOn)!;
      run.command(sleeper.deviceId, { type: 'pause' });
      await run.runToEnd();
      expect(sleeper.poweredOn).toBe(true);
      expect(rejected.map((e) => [e.source, e.data.code])).toEqual([[sleeper.deviceId, 'device.booting']]);
      expect(run.result().devices.find((d) => d.id === sleeper.deviceId)!.commandsReceived).toBe(1);
    } finally {
      await run.close();
    }
  });

  it('lets an outside MQTT client watch the fleet and command a device through the twin', async () => {
    const run = new Run(smallWard({ durationMs: 60_000 }), DEFAULT_DEPENDENCIES, { brokerUrl: broker.url });
    const watcher = await mqtt.connectAsync(broker.url, { clientId: 'outside-watcher' });
    const topics = new Set<string>();
    watcher.on('message', (topic) => topics.add(topic.split('/').slice(3).join('/')));
    await watcher.subscribeAsync('medtwin/test-hospital/#', { qos: 1 });
    try {
      await run.open();
      run.clock.setTimeout(() => run.command('infusion-pump-001', { type: 'pause' }), 30_000);
      await run.runToEnd();
      expect(topics).toContain('infusion-pump/infusion-pump-001/telemetry');
      expect(topics).toContain('infusion-pump/infusion-pump-001/cmd');
      expect(topics).toContain('infusion-pump/infusion-pump-001/cmd/ack');
      expect(run.agentById.get('infusion-pump-001')!.stateLabel).toBe('paused');
      const shadow = run.twin.shadows.get('infusion-pump-001')!;
      expect(shadow.desired).toEqual({ state: 'paused' });
      expect(shadow.reported.state).toBe('paused');
      expect(shadow.delta).toEqual({});
      const result = run.result();
      expect(result.devices.find((d) => d.id === 'infusion-pump-001')!.commandsReceived).toBe(1);
    } finally {
      await watcher.endAsync();
      await run.close();
    }
  });
});
