import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { FAULTS } from '../inject/index.ts';
import { ScenarioError } from './diagnostics.ts';
import { parseScenario, type ScenarioRegistries } from './loader.ts';

const registries: ScenarioRegistries = { devices: DEVICES, faults: FAULTS };
const kinds = Object.keys(DEVICES);

/** The loader's contract for any input: a Plan, or one ScenarioError (exit 2) with located diagnostics. */
function loadsOrExplains(text: string): void {
  try {
    parseScenario(text, 'fuzz.yaml', registries);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    const diagnostics = (error as ScenarioError).diagnostics;
    expect(diagnostics.length).toBeGreaterThan(0);
    for (const d of diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.col).toBeGreaterThanOrEqual(1);
      expect(d.message).toMatch(/\S/);
    }
  }
}

describe('scenario loader (properties)', () => {
  it('any text gives a plan or located diagnostics, never a crash', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), loadsOrExplains), { numRuns: 300 });
  });

  it('any YAML document gives a plan or located diagnostics, never a crash', () => {
    const doc = fc.dictionary(
      fc.constantFrom('name', 'duration', 'seed', 'fleet', 'timeline', 'expectations', 'patients', 'commands', 'extra'),
      fc.jsonValue({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(doc, (d) => loadsOrExplains(stringify(d))),
      { numRuns: 300 },
    );
  });

  it('a well-formed fleet loads, with its duration in ms and every device counted', () => {
    const zone = fc.record({
      id: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
      beds: fc.integer({ min: 1, max: 20 }),
      devices: fc.dictionary(fc.constantFrom(...kinds), fc.integer({ min: 1, max: 20 }), { minKeys: 1 }),
    });
    const scenario = fc.record({
      name: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
      seed: fc.oneof(fc.nat(), fc.stringMatching(/^[a-z0-9]{1,10}$/)),
      hours: fc.integer({ min: 1, max: 48 }),
      zones: fc.uniqueArray(zone, { minLength: 1, maxLength: 4, selector: (z) => z.id }),
    });
    fc.assert(
      fc.property(scenario, ({ name, seed, hours, zones }) => {
        const text = stringify({ name, seed, duration: `${hours}h`, fleet: { zones } });
        const plan = parseScenario(text, 'generated.yaml', registries);
        expect(plan.durationMs).toBe(hours * 3_600_000);
        const count = (zs: typeof zones) => zs.reduce((n, z) => n + Object.values(z.devices).reduce((a, b) => a + b, 0), 0);
        expect(count(plan.fleet.zones as typeof zones)).toBe(count(zones));
      }),
      { numRuns: 100 },
    );
  });
});
