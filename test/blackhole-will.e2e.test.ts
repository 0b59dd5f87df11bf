import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/index.ts';
import type { LoggedEvent } from '../src/core/event-log.ts';
import { executeScenario } from '../src/runtime/execute.ts';
import type { RunResult } from '../src/scenario/result.ts';

/**
 * A downstream blackhole: the monitors' readings still reach the broker, its PINGRESPs do not, so each
 * monitor's own keep-alive gives up and closes its connection without a DISCONNECT. That close reaches
 * the broker, which publishes the monitor's last will ([MQTT-3.1.2-8]); the central station marks the
 * bed offline from it, at the instant the monitor gave up, and back online when it returns (issue 15:
 * the will reached the twin unbooked, so fast mode only set the shadow's flag and the station never
 * said the bed was offline).
 */
const scenario = parseScenario(
  `
name: a ward whose downlink dies
seed: 1
duration: 7m
fleet:
  zones:
    - id: ward-a
      beds: 2
      devices: { patient-monitor: 2 }
timeline:
  - { id: mute, at: 2m, for: 3m, fault: network.blackhole, target: { zone: ward-a }, params: { direction: downstream } }
`,
  'muted-ward.yaml',
);

async function run(syncMs: number): Promise<{ result: RunResult; events: LoggedEvent[] }> {
  const events: LoggedEvent[] = [];
  const result = await executeScenario(scenario, { syncMs, onEvents: (batch) => events.push(...batch) });
  return { result, events };
}

describe('a device whose own keep-alive closes its connection', () => {
  it('is marked offline by the station from its will at the instant it gave up, online on return; one digest', async () => {
    const runs = [];
    for (const syncMs of [1000, 7000, 60_000]) runs.push(await run(syncMs));
    const [first] = runs;
    for (const { result } of runs) {
      expect(result.delivery.settleTimeouts).toBe(0);
      expect(result.digest).toBe(first!.result.digest);
    }
    const { events, result } = first!;
    for (const device of ['patient-monitor-001', 'patient-monitor-002']) {
      const lost = events.find((e) => e.source === device && e.type === 'link.lost');
      expect(lost, `${device} link.lost`).toBeDefined();
      const offline = events.filter((e) => e.type === 'twin.offline' && e.data.device === device);
      expect(offline.length, `${device} twin.offline`).toBeGreaterThan(0);
      // The first will: the close its keep-alive made, at that simulated instant, inside the fault.
      expect(offline[0]!.t).toBe(lost!.t);
      expect(offline[0]!.data.reason).toBe('connection lost');
      const online = events.find((e) => e.type === 'twin.online' && e.data.device === device);
      expect(online!.t).toBeGreaterThanOrEqual(5 * 60_000);
      // Every will the network booked reached the station.
      const will = result.delivery.ledger!.devices[device]!.will!;
      expect(will.published).toBe(offline.length);
      expect(will.delivered).toBe(will.published);
    }
  }, 180_000);
});
