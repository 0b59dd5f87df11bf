import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../src/core/event-log.ts';
import { IMPACT_METRICS } from '../../src/defense/impact/registry.ts';
import { executeScenario } from '../../src/runtime/execute.ts';
import { SCENARIO_REGISTRIES } from '../../src/runtime/registries.ts';
import { loadScenarioFile } from '../../src/scenario/loader.ts';

async function run(file: string) {
  const plan = await loadScenarioFile(file, SCENARIO_REGISTRIES);
  const events: LoggedEvent[] = [];
  const result = await executeScenario(plan, { port: 0, onEvents: (batch) => events.push(...batch) });
  // P-001's bed: its monitor (the target) and, in this ward, its pump and CGM, which read no SpO2.
  const window = { devices: ['patient-monitor-001'], from: 120_000, to: 600_000 };
  return {
    result,
    events,
    atStation: IMPACT_METRICS['station-unalarmed-desaturation-minutes'].compute(events, window)!,
    atBedside: IMPACT_METRICS['unalarmed-desaturation-minutes'].compute(events, window)!,
  };
}

/**
 * A false-normal SpO2 on real sockets: while the patient truly desaturates, the adversary's readings
 * and alarm clears reach the central station (the twin) in the monitor's name. The bedside monitor
 * alarms throughout; the harm is what the station did not show, from the twin's alarm events.
 */
describe('attack.spoofed-normal-spo2', () => {
  it('open: the station shows normal and no alarm through minutes of true hypoxaemia the bedside announces; same digest twice', async () => {
    const first = await run('scenarios/attacks/spoofed-normal-spo2.yaml');
    expect(first.result.expectations.map((e) => [e.type, e.passed])).toEqual([
      ['detected', true],
      ['no-false-alerts', true],
      ['metric', true],
    ]);
    expect(first.atStation).toBeGreaterThan(3);
    expect(first.atBedside).toBe(0);
    // A spoofed reading reached the station every second of the attack, and the seq jump was seen.
    const spoofs = first.events.filter((e) => e.type === 'attack.publish' && String(e.data.topic).endsWith('/telemetry'));
    expect(spoofs.length).toBeGreaterThan(400);
    expect(first.events.some((e) => e.type === 'ids.alert' && e.data.rule === 'telemetry-seq-anomaly')).toBe(true);
    const second = await run('scenarios/attacks/spoofed-normal-spo2.yaml');
    expect(second.result.digest).toBe(first.result.digest);
  });

  it('hardened: refused at the handshake; the station announces the same desaturation', async () => {
    const { result, atStation, events } = await run('scenarios/attacks/spoofed-normal-spo2-hardened.yaml');
    expect(result.expectations.map((e) => [e.type, e.passed])).toEqual([
      ['prevented', true],
      ['detected', true],
      ['no-false-alerts', true],
      ['metric', true],
    ]);
    expect(atStation).toBe(0);
    expect(events.some((e) => e.type === 'twin.alarm.raised' && e.data.device === 'patient-monitor-001' && e.t > 180_000)).toBe(true);
  });
});
