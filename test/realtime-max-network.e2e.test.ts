import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../src/core/event-log.ts';
import { DEFAULT_DEPENDENCIES } from '../src/runtime/defaults.ts';
import { Run } from '../src/runtime/run.ts';
import { MAX_SPEED_NETWORK_NOTE } from '../src/runtime/run-options.ts';
import { parseTimeline } from './helpers/network-plans.ts';
import { smallWard } from './helpers/plans.ts';
import { suiteBroker } from './helpers/suite-broker.ts';

const MIN = 60_000;
const ICU = ['patient-monitor-001', 'patient-monitor-002', 'infusion-pump-001', 'infusion-pump-002', 'cgm-001'];

/**
 * A realtime run whose pacer is switched to 'max' (the terminal UI's key 4) moves its clock in whole
 * settle windows, as fast mode does. With a network fault the run must then keep fast mode's rule: a
 * client's exchange with the broker (a reconnect's CONNACK) and a fault's start or end settle before
 * time moves on. Without it, each reconnect's 30 s CONNACK timeout fired within the same window as the
 * attempt, before the broker's answer was read, and no ICU device came back after its access point did.
 */
describe('realtime mode at max speed with a network fault', () => {
  const broker = suiteBroker();

  it('says what max does not keep only for a realtime run with network faults', () => {
    const faulty = smallWard({
      timeline: parseTimeline([{ id: 'ap', at: '1m', for: '2m', fault: 'network.down', target: { zone: 'icu' } }]),
    });
    expect(new Run(faulty, DEFAULT_DEPENDENCIES, { mode: 'realtime' }).maxSpeedNote).toBe(MAX_SPEED_NETWORK_NOTE);
    expect(new Run(faulty, DEFAULT_DEPENDENCIES, { mode: 'fast' }).maxSpeedNote).toBeUndefined();
    expect(new Run(smallWard(), DEFAULT_DEPENDENCIES, { mode: 'realtime' }).maxSpeedNote).toBeUndefined();
  });

  it('every device of the zone comes back after the fault, and nothing stalls', async () => {
    const plan = smallWard({
      durationMs: 6 * MIN,
      timeline: parseTimeline([{ id: 'ap', at: '1m', for: '2m', fault: 'network.down', target: { zone: 'icu' } }]),
    });
    const run = new Run(plan, DEFAULT_DEPENDENCIES, { mode: 'realtime', speed: 1, brokerUrl: broker.url, syncMs: 60_000 });
    const events: LoggedEvent[] = [];
    run.on('events', (batch) => events.push(...batch));
    try {
      await run.open();
      run.setSpeed('max');
      await run.runToEnd();
      const result = run.result();
      const end = 3 * MIN;
      const after = events.filter((e) => e.t >= end);
      const about = (e: LoggedEvent) => (e.source === 'twin' ? (e.data as { device?: string }).device : e.source);
      for (const device of ICU) {
        const seen = after.filter((e) => about(e) === device).map((e) => e.type);
        expect(seen, device).toContain('link.restored');
        expect(seen, device).toContain('twin.online');
        // The twin's last word on the device is that it is online (no will from an abandoned attempt).
        const last = after.filter((e) => about(e) === device && (e.type === 'twin.online' || e.type === 'twin.offline')).at(-1);
        expect(last?.type, device).toBe('twin.online');
      }
      // Fault changes settle first: what the devices sent before the cut reached the twin, so only the
      // outage itself (counted by the network or the devices) loses messages, never a stalled barrier.
      const lostBy = Object.values(result.delivery.ledger!.devices).flatMap((channels) =>
        Object.values(channels).flatMap((c) => Object.keys(c.lostBy)),
      );
      for (const reason of lostBy) expect(reason).toMatch(/^(device|network):/);
      expect(result.delivery.settleTimeouts).toBe(0);
    } finally {
      await run.close();
    }
  });
});
