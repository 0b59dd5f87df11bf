import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../src/core/event-log.ts';
import { executeScenario } from '../src/runtime/execute.ts';
import type { RunResult } from '../src/scenario/result.ts';
import { parseTimeline } from './helpers/network-plans.ts';
import { smallWard } from './helpers/plans.ts';
import { suiteBroker } from './helpers/suite-broker.ts';

const MIN = 60_000;

/**
 * Connectivity loss on a real run: device clients through real fault proxies to a real aedes, their
 * sessions on the simulation's clock (keep-alive, reconnect back-off), store-and-forward on the
 * devices, the twin's view from wills and announcements, and every message in the delivery ledger.
 */
describe('connectivity loss in a run', () => {
  const broker = suiteBroker();

  const plan = smallWard({
    durationMs: 20 * MIN,
    timeline: parseTimeline([
      // The ICU's access point fails for 10 minutes: connections reset, reconnects refused.
      { id: 'ap', at: '5m', for: '10m', fault: 'network.down', target: { zone: 'icu' } },
      // Ward A's link flaps: down about a minute, up about two, for 12 minutes.
      { id: 'flap', at: '2m', for: '12m', fault: 'network.flapping', target: { zone: 'ward-a' }, params: { down: '1m', up: '2m' } },
    ]),
  });

  async function run(syncMs: number): Promise<{ result: RunResult; events: LoggedEvent[] }> {
    const events: LoggedEvent[] = [];
    const result = await executeScenario(plan, { brokerUrl: broker.url, syncMs, onEvents: (batch) => events.push(...batch) });
    return { result, events };
  }

  it('same seed, same digest across settle windows; no alarm lost; every message accounted per device', async () => {
    const short = await run(1000);
    const long = await run(60_000);
    expect(long.result.digest).toBe(short.result.digest);
    const { result, events } = short;
    expect(result.delivery.settleTimeouts).toBe(0);
    expect(long.result.delivery.settleTimeouts).toBe(0);
    expect(result.ok).toBe(true);

    const ledger = result.delivery.ledger!;
    expect(ledger.totals.inFlight).toBe(0);
    expect(ledger.totals.buffered).toBe(0);
    expect(ledger.totals.backfilled).toBeGreaterThan(0);
    for (const [device, channels] of Object.entries(ledger.devices)) {
      for (const [channel, c] of Object.entries(channels)) {
        // generated = delivered + lost, per device and channel, and every loss has a reason.
        expect(c.published, `${device} ${channel}`).toBe(c.delivered + c.lost);
        expect(Object.values(c.lostBy).reduce((a, b) => a + b, 0)).toBe(c.lost);
        for (const reason of Object.keys(c.lostBy)) expect(reason).toMatch(/^(device|network):/);
      }
      // QoS 1 alarms: kept through the outage, backfilled, none lost.
      const alarm = channels.alarm;
      if (alarm) expect(alarm.lost, `${device} alarms`).toBe(0);
    }

    // Monitors keep 5 minutes of numerics: a 10-minute outage loses the oldest (counted), keeps the rest.
    for (const id of ['patient-monitor-001', 'patient-monitor-002']) {
      const telemetry = ledger.devices[id]!.telemetry!;
      expect(telemetry.lostBy['device:buffer-span']).toBeGreaterThan(0);
      expect(telemetry.backfilled).toBeGreaterThanOrEqual(290);
      expect(telemetry.backfilled).toBeLessThanOrEqual(310);
    }
    // Pumps keep events and alarms, not their periodic status.
    expect(ledger.devices['infusion-pump-001']!.telemetry!.lostBy['device:offline']).toBeGreaterThan(100);
    expect(ledger.devices['infusion-pump-001']!.telemetry!.backfilled).toBe(0);

    // The twin: offline from the will at the cut, back online with the backlog announced.
    const icu = ['patient-monitor-001', 'patient-monitor-002', 'infusion-pump-001', 'infusion-pump-002', 'cgm-001'];
    for (const device of icu) {
      const offline = events.find((e) => e.type === 'twin.offline' && (e.data as { device: string }).device === device);
      expect(offline?.t, `${device} offline`).toBe(5 * MIN);
      const online = events.find((e) => e.type === 'twin.online' && (e.data as { device: string }).device === device && e.t > 15 * MIN);
      expect(online, `${device} back`).toBeDefined();
    }
    // Back in a spread, not all at once (seeded jittered back-off).
    const back = events.filter((e) => e.type === 'link.restored' && icu.includes(e.source) && e.t > 15 * MIN).map((e) => e.t);
    expect(back).toHaveLength(icu.length);
    expect(new Set(back).size).toBe(icu.length);
    expect(Math.max(...back)).toBeLessThanOrEqual(16 * MIN + 1000);

    // The comm-loss technical alarm: monitors after 10 s, pumps after 60 s; a CGM only after 20 minutes.
    const commLoss = (source: string) =>
      events.find(
        (e) => e.type === 'alarm.raised' && e.source === source && (e.data as { alarm: { code: string } }).alarm.code === 'comm.loss',
      );
    expect(commLoss('patient-monitor-001')?.t).toBe(5 * MIN + 10_000);
    expect(commLoss('infusion-pump-001')?.t).toBe(5 * MIN + 60_000);
    expect(commLoss('cgm-001')).toBeUndefined();

    // The flapping zone went down and up more than once.
    const flaps = events.filter((e) => e.type === 'link.lost' && e.source === 'patient-monitor-003');
    expect(flaps.length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
