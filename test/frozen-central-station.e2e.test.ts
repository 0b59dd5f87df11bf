import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../src/net/broker.ts';
import { MqttDeviceLink } from '../src/net/device-link.ts';
import { executeScenario } from '../src/runtime/execute.ts';
import { expectationSchema } from '../src/scenario/schema.ts';
import { parseTimeline } from './helpers/network-plans.ts';
import { smallWard } from './helpers/plans.ts';
import { until } from './helpers/until.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/**
 * A frozen central station (network.frozen-subscriber): on real sockets, the twin's own kind of link
 * stops reading, the broker (as a run configures it: slow readers isolated) drops it within its drain
 * timeout while another subscriber keeps receiving everything; and in a run, the freeze is judged on
 * simulated time only (docs/network.md#a-frozen-subscriber).
 */
describe('a frozen central station', () => {
  it('is dropped by the broker within its drain timeout while the other subscriber gets every message; restarted, it reads again', async () => {
    const drops: string[] = [];
    const broker = await EmbeddedBroker.start({
      limits: { drainTimeoutMs: 500 },
      isolateSlowReaders: { maxBufferedBytes: 64 * 1024 * 1024 },
      onLog: (event) => {
        if (event.type === 'client.error' && event.error.startsWith('slow reader dropped')) drops.push(event.error);
      },
    });
    cleanup.push(() => broker.close());
    let station = 0;
    let healthy = 0;
    const stationLink = await MqttDeviceLink.open(
      { url: broker.url, identity: { clientId: 'central-station' }, subscribe: 'ward/#' },
      () => station++,
    );
    cleanup.push(() => stationLink.close());
    const healthyLink = await MqttDeviceLink.open(
      { url: broker.url, identity: { clientId: 'twin-2' }, subscribe: 'ward/#' },
      () => healthy++,
    );
    cleanup.push(() => healthyLink.close());
    const publisher = await MqttDeviceLink.open(
      { url: broker.url, identity: { clientId: 'monitor-01' }, subscribe: 'cmd/monitor-01' },
      () => {},
    );
    cleanup.push(() => publisher.close());

    publisher.publish('ward/monitor-01/telemetry', 'before', 0, false);
    await until(() => station === 1 && healthy === 1, 'the first message at both subscribers');
    let stationConnections = 0;
    broker.aedes.on('client', (client) => {
      if (client.id === 'central-station') stationConnections++;
    });
    const thaw = stationLink.freeze();
    // Padded messages, so the frozen socket's buffers (a few MB on loopback) fill within a second or so.
    const padding = 'x'.repeat(60 * 1024);
    let sent = 0;
    const pump = setInterval(() => {
      for (let i = 0; i < 10; i++) {
        publisher.publish('ward/monitor-01/telemetry', `${sent++}:${padding}`, 0, false);
      }
    }, 20);
    cleanup.push(() => clearInterval(pump));
    await until(() => drops.length > 0, 'the broker to drop the frozen station', 30_000);
    clearInterval(pump);
    const sentBeforeStop = sent;
    await until(() => healthy === 1 + sentBeforeStop, 'the healthy subscriber to receive every message sent');
    // Dropped by the broker's rule for a reader that stopped: its socket full for the drain timeout.
    expect(drops[0]).toMatch(/slow reader dropped \((drain-timeout|too-far-behind)\)/);
    // The hung station handed nothing on, though mqtt.js reconnected it after the drop (and it stopped reading there too).
    expect(station).toBe(1);

    await thaw();
    publisher.publish('ward/monitor-01/telemetry', 'after', 0, false);
    await until(() => station === 2, 'the restarted station to read again');
    expect(stationConnections).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('in a run: every device goes stale for the freeze and comes back, what was sent meanwhile is lost to it and accounted so, same digest whatever the window', async () => {
    const plan = smallWard({
      durationMs: 12 * 60_000,
      timeline: parseTimeline([{ id: 'hung', at: '3m', for: '5m', fault: 'network.frozen-subscriber', target: { scope: 'twin' } }]),
      expectations: [
        { type: 'metric', name: 'silence', metric: 'max-staleness', aggregate: 'min', min: 299 },
        // The monitors greyed out for the freeze less their three 1 s periods: (300 − 3) / 720 s.
        { type: 'metric', name: 'stale', metric: 'stale-fraction', target: { kind: 'patient-monitor' }, aggregate: 'min', min: 0.41 },
      ].map((e) => expectationSchema.parse(e)),
    });
    const results = [];
    for (const syncMs of [1000, 60_000]) results.push(await executeScenario(plan, { syncMs }));
    const [first, second] = results;
    expect(second!.digest).toBe(first!.digest);
    for (const e of first!.expectations) expect(e.passed, `${e.name}: ${e.message}`).toBe(true);
    expect(first!.ok).toBe(true);
    expect(first!.delivery.settleTimeouts).toBe(0);
    // Each monitor and pump greyed out once during the freeze (a CGM's 15 minutes outlast it), all fresh again by the end.
    expect(first!.twin.staleEvents).toBe(6);
    expect(first!.twin.stale).toEqual([]);
    // What the devices sent during the freeze is lost to the twin, and only that, and said so.
    const lostBy = new Set<string>();
    for (const [device, channels] of Object.entries(first!.delivery.ledger!.devices))
      for (const [channel, c] of Object.entries(channels)) {
        for (const reason of Object.keys(c.lostBy)) lostBy.add(reason);
        expect(c.published, `${device} ${channel}`).toBe(c.delivered + c.lost + c.inFlight + c.buffered);
        if (channel === 'cmd') expect(c.lost).toBe(0);
      }
    expect([...lostBy]).toEqual(['network:twin-frozen']);
    expect(first!.delivery.lost).toBe(first!.delivery.lostToFaults);
    expect(first!.delivery.lost).toBeGreaterThan(0);
  }, 120_000);
});
