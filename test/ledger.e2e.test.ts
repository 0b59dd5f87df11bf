import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../src/net/broker.ts';
import type { ChannelSummary } from '../src/net/delivery-ledger.ts';
import { toJson } from '../src/report/json.ts';
import { DEFAULT_DEPENDENCIES } from '../src/runtime/defaults.ts';
import { Run } from '../src/runtime/run.ts';
import type { RunResult } from '../src/scenario/result.ts';
import { droppingLinks } from './helpers/dropping-links.ts';
import { smallWard } from './helpers/plans.ts';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await EmbeddedBroker.start({ port: 0 });
});
afterAll(async () => {
  await broker.close();
});

describe('the delivery ledger in a fast run that loses messages on purpose', () => {
  it('completes without a settle timeout, and published = delivered + lost per device and channel in the JSON report', async () => {
    // Every third QoS 0 telemetry message of one monitor never reaches the broker. A barrier that
    // waited for it would stall every window; the ledger knows it is lost and nothing waits.
    const victim = 'patient-monitor-001';
    let run: Run | undefined;
    run = new Run(smallWard({ durationMs: 3 * 60_000 }), DEFAULT_DEPENDENCIES, {
      brokerUrl: broker.url,
      syncMs: 5_000,
      // A stall would end a wait after this long: a run that needed it would count a settle timeout.
      settleTimeoutMs: 60_000,
      wrapLinks: droppingLinks(
        () => run!.ledger,
        (device, channel, seq) => device === victim && channel === 'telemetry' && seq % 3 === 0,
      ),
    });
    let result: RunResult;
    try {
      await run.runToEnd();
      result = JSON.parse(toJson(run.result())) as RunResult;
    } finally {
      await run.close();
    }
    expect(result.delivery.settleTimeouts).toBe(0);
    const ledger = result.delivery.ledger!;
    const victimTelemetry = ledger.devices[victim]!.telemetry!;
    // 3 minutes at 1 Hz, the device boots within the first second: about 179 messages, a third lost.
    expect(victimTelemetry.published).toBeGreaterThan(170);
    expect(victimTelemetry.lost).toBe(Math.floor(victimTelemetry.published / 3));
    expect(victimTelemetry.lostBy).toEqual({ 'dropped by test': victimTelemetry.lost });
    let channels = 0;
    for (const [device, byChannel] of Object.entries(ledger.devices)) {
      for (const [channel, counts] of Object.entries(byChannel) as [string, ChannelSummary][]) {
        channels++;
        expect(counts.inFlight, `${device} ${channel}`).toBe(0);
        expect(counts.published, `${device} ${channel}`).toBe(counts.delivered + counts.lost);
        if (device !== victim) expect(counts.lost, `${device} ${channel}`).toBe(0);
      }
    }
    expect(channels).toBeGreaterThan(10);
    expect(ledger.totals.lost).toBe(victimTelemetry.lost);
    expect(ledger.totals.published).toBe(ledger.totals.delivered + ledger.totals.lost);
    // The twin saw the gaps in the monitor's sequence numbers: what the ledger booked lost (but for a
    // loss at the very end, which no later message has revealed yet).
    const missing = result.devices.find((d) => d.id === victim)!.missing;
    expect(victimTelemetry.lost - missing).toBeGreaterThanOrEqual(0);
    expect(victimTelemetry.lost - missing).toBeLessThanOrEqual(1);
  });
});
