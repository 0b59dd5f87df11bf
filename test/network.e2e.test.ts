import { describe, expect, it } from 'vitest';
import { executeScenario } from '../src/runtime/execute.ts';
import { parseTimeline } from './helpers/network-plans.ts';
import { smallWard } from './helpers/plans.ts';
import { suiteBroker } from './helpers/suite-broker.ts';

/**
 * Network faults on a real run: real device clients through real fault proxies to a real broker,
 * judged from the event log and the delivery ledger (docs/network.md).
 */
describe('network faults in a run', () => {
  const broker = suiteBroker();

  const plan = smallWard({
    durationMs: 20 * 60_000,
    timeline: parseTimeline([
      { id: 'wan', at: '0s', fault: 'network.latency', target: { scope: 'twin' }, params: { latency: '300ms', jitter: '150ms' } },
      {
        id: 'lossy',
        at: '5m',
        for: '10m',
        fault: 'network.mqtt-drop',
        target: { zone: 'icu' },
        params: { topic: 'medtwin/+/+/+/+/telemetry', probability: 0.25, direction: 'upstream' },
      },
      {
        id: 'bridge',
        at: '2m',
        for: '15m',
        fault: 'network.mqtt-delay',
        target: { zone: 'ward-a' },
        params: { probability: 0.2, delay: '2s', direction: 'upstream' },
      },
      { id: 'gateway', at: '2m', fault: 'network.mqtt-downgrade', target: { zone: 'ward-a' } },
      { id: 'echo', at: '3m', for: '10m', fault: 'network.mqtt-duplicate', target: { zone: 'ward-a' }, params: { probability: 0.1 } },
    ]),
  });

  it('same seed, same digest, whatever the settle window or the proxies’ leg to the broker; every loss is in the ledger, per device and channel', async () => {
    const results = [];
    for (const syncMs of [1000, 7000, 60_000]) results.push(await executeScenario(plan, { brokerUrl: broker.url, syncMs }));
    // The proxies' leg to the broker over loopback TCP rather than in-process: the same run.
    results.push(await executeScenario(plan, { brokerUrl: broker.url, syncMs: 7000, proxyUpstream: 'tcp' }));
    const [first] = results;
    for (const result of results) {
      expect(result.delivery.settleTimeouts).toBe(0);
      expect(result.digest).toBe(first!.digest);
    }
    const { delivery, network } = first!;
    expect(delivery.lostToFaults).toBeGreaterThan(0);
    // Every loss is one a fault caused; the copies a fault made do not offset it (delivery.lost counts
    // each message the twin received once).
    expect(delivery.ledger!.totals.lost).toBe(delivery.lostToFaults);
    expect(delivery.lost).toBe(delivery.lostToFaults);
    expect(first!.ok).toBe(true);
    // The ledger ties out per device and channel: published = delivered + lost + in flight.
    const ledger = delivery.ledger!;
    const zoneOf = new Map(first!.devices.map((d) => [d.id, d.zone]));
    let lost = 0;
    for (const [device, channels] of Object.entries(ledger.devices)) {
      for (const [channel, c] of Object.entries(channels)) {
        expect(c.published, `${device} ${channel}`).toBe(c.delivered + c.lost + c.inFlight);
        lost += c.lost;
        // Only icu's telemetry met the lossy access point.
        if (c.lost > 0) expect([zoneOf.get(device), channel]).toEqual(['icu', 'telemetry']);
      }
    }
    expect(lost).toBe(delivery.lostToFaults);
    expect(network!.fates.dropped).toBe(delivery.lostToFaults);
    // Every message through the twin's WAN listener was delayed (it carries the whole site).
    expect(network!.fates.delayed).toBeGreaterThanOrEqual(delivery.deliveredToTwin + delivery.duplicates);
    // The copies a fault made reach the twin and are counted as such, not as messages.
    expect(network!.fates.duplicated).toBeGreaterThan(0);
    expect(delivery.ledger!.totals.duplicated).toBeGreaterThan(0);
  }, 120_000);
});
