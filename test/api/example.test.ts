import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, runStudy, seedRange } from 'medtwin';

// A pump whose line occludes for a minute: its alarm must sound within a minute.
const scenario = parseScenario(`
name: occlusion alarm
seed: 11
duration: 3m
fleet:
  zones:
    - id: icu
      beds: 1
      devices: { infusion-pump: 1 }
      config:
        infusion-pump:
          profile: { drug: normal-saline, rate: 120, vtbi: 500 }
timeline:
  - id: occlusion
    at: 1m
    for: 1m
    fault: device.occlusion-downstream
    target: { kind: infusion-pump }
expectations:
  - type: detection
    name: occlusion alarm within 1 minute
    of: occlusion
    expect: { alarm: occlusion.downstream }
    within: 1m
`);

describe('the infusion pump', () => {
  it('alarms within a minute of a downstream occlusion', async () => {
    const result = await runScenario(scenario);
    expect(result.ok).toBe(true);
    const [verdict] = result.expectations;
    expect(verdict).toMatchObject({ name: 'occlusion alarm within 1 minute', passed: true });
    expect(result.alarms.byCode['occlusion.downstream']).toBeGreaterThanOrEqual(1);
    // Same scenario and seed, same event log: pin the digest to notice any change in behaviour.
    expect((await runScenario(scenario)).digest).toBe(result.digest);
  });

  it('alarms in time under every seed of a small study', async () => {
    const study = await runStudy(scenario, { seeds: seedRange(1, 3) });
    expect(study.passRate).toBe(1);
    // The slowest alarm of any seed, in ms after the occlusion began.
    expect(study.expectations[0]!.figures!.latencyMaxMs!.max).toBeLessThanOrEqual(60_000);
  });
});
