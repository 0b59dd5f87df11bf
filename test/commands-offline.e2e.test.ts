import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/index.ts';
import { executeScenario } from '../src/runtime/execute.ts';
import type { RunResult } from '../src/scenario/result.ts';

/**
 * Commands the central station sends to devices a network fault has cut off (issue 15). Devices keep
 * clean sessions, so the broker routes such a command to nobody: fast mode books it lost at its
 * instant (`network:device-offline`), or, when a fault's proxy swallows it on its way down,
 * `network:dropped` under the device it was sent to. Before, each stayed in flight until the settle
 * barrier's wall-clock stall limit wrote it off (a settle timeout), and a swallowed one was booked
 * under the envelope's sender, the twin.
 */
const scenario = parseScenario(
  `
name: commands into cut-off zones
seed: 1
duration: 9m
fleet:
  zones:
    - id: icu
      beds: 2
      devices: { patient-monitor: 1, infusion-pump: 2 }
      config:
        infusion-pump: { profile: { drug: normal-saline, rate: 100, vtbi: 500 } }
    - id: ward-a
      beds: 1
      devices: { infusion-pump: 1 }
      config:
        infusion-pump: { profile: { drug: normal-saline, rate: 100, vtbi: 500 } }
timeline:
  # The access point dies: the broker's keep-alive cuts the pumps' sessions 90 s in, before they notice.
  - { id: dead-ap, at: 2m, for: 5m, fault: network.blackhole, target: { zone: icu } }
  - { id: firewall, at: 2m, for: 2m, fault: network.reset-peer, target: { zone: ward-a } }
commands:
  # Swallowed by the blackhole on its way down (the broker still has the session).
  - { at: 2m30s, target: { device: infusion-pump-001 }, command: { type: pause } }
  # The broker has dropped the session; the pump has not noticed yet.
  - { at: 3m31s, target: { device: infusion-pump-002 }, command: { type: pause } }
  # Reset, reconnecting into the reset.
  - { at: 2m1s, target: { device: infusion-pump-003 }, command: { type: pause } }
  - { at: 3m, target: { device: infusion-pump-003 }, command: { type: resume } }
  # After both faults: delivered.
  - { at: 8m, target: { device: infusion-pump-001 }, command: { type: pause } }
  - { at: 8m, target: { device: infusion-pump-003 }, command: { type: pause } }
`,
  'commands-offline.yaml',
);

describe('commands to devices a network fault cut off', () => {
  it('are booked lost at their instant, under the device they were sent to; no settle timeout, one digest', async () => {
    const results: RunResult[] = [];
    for (const syncMs of [1000, 7000, 60_000]) results.push(await executeScenario(scenario, { syncMs }));
    const [first] = results;
    for (const result of results) {
      expect(result.delivery.settleTimeouts).toBe(0);
      expect(result.digest).toBe(first!.digest);
    }
    const devices = first!.delivery.ledger!.devices;
    expect(devices.twin).toBeUndefined();
    const cmd = (device: string) => devices[device]!.cmd!;
    expect(cmd('infusion-pump-001')).toMatchObject({ published: 2, delivered: 1, lostBy: { 'network:dropped': 1 } });
    expect(cmd('infusion-pump-002')).toMatchObject({ published: 1, delivered: 0, lostBy: { 'network:device-offline': 1 } });
    expect(cmd('infusion-pump-003')).toMatchObject({ published: 3, delivered: 1, lostBy: { 'network:device-offline': 2 } });
  }, 180_000);
});
