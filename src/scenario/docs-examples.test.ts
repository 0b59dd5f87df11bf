import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVICES } from '../../devices/index.ts';
import { ATTACKS } from '../defense/attacks/registry.ts';
import { IMPACT_METRIC_NAMES } from '../defense/impact/registry.ts';
import { FAULTS } from '../inject/index.ts';
import { CLINICAL_EVENT_TYPES } from '../physiology/clinical-events.ts';
import { INVARIANT_NAMES, METRIC_NAMES } from './expectations/index.ts';
import { parseScenario, type ScenarioRegistries } from './loader.ts';
import { parseSource } from './yaml-locate.ts';

const registries: ScenarioRegistries = {
  devices: DEVICES,
  // Attacks and impact metrics join the registries at the runtime level (runtime/registries.ts); the examples name some.
  faults: { ...FAULTS, 'attack.forged-pause': ATTACKS['attack.forged-pause'], 'attack.forged-bolus': ATTACKS['attack.forged-bolus'] },
  clinicalEvents: CLINICAL_EVENT_TYPES,
  invariants: INVARIANT_NAMES,
  metrics: [...METRIC_NAMES, ...IMPACT_METRIC_NAMES],
};

const docs = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'scenarios.md'), 'utf8');
const blocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/scenarios.md', () => {
  it('every YAML example is valid YAML', () => {
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) expect(parseSource(block).syntaxErrors, block).toEqual([]);
  });

  it('the complete examples load with the real registries', () => {
    const complete = blocks.filter((b) => /^name:/m.test(b) && /^fleet:/m.test(b));
    expect(complete.length).toBeGreaterThanOrEqual(1);
    for (const block of complete) expect(() => parseScenario(block, 'docs/scenarios.md', registries)).not.toThrow();
  });

  // Each complete example is followed by the verdict the docs promise ("passes (exit 0)" or "fails
  // (exit 1)"); running it must give that verdict. The first example once failed its own invariant.
  it.each(completeExamples())(
    '%s runs and gives the verdict the docs say',
    async (_name, block, verdict) => {
      const { executeScenario } = await import('../runtime/execute.ts');
      const result = await executeScenario(parseScenario(block, 'docs/scenarios.md', registries));
      expect(result.expectations.filter((e) => !e.passed).map((e) => `${e.name}: ${e.message}`)).toEqual(
        verdict === 'passes' ? [] : expect.anything(),
      );
      expect(result.ok).toBe(verdict === 'passes');
    },
    180_000,
  );

  it('the fleet, timeline, patients and expectation examples fit a scenario around them', () => {
    const fleet = blocks.find((b) => b.startsWith('fleet:'))!;
    const sections = blocks.filter((b) => /^(timeline|patients|commands):/.test(b));
    const expectations = blocks
      .filter((b) => b.startsWith('- type:'))
      .map((b) => `${b.trimEnd().replace(/^/gm, '  ')}\n`)
      .join('');
    expect(sections.map((b) => b.split(':')[0])).toEqual(['timeline', 'patients', 'commands']);
    expect(expectations.match(/- type:/g)).toHaveLength(8);
    const text = `name: docs\nduration: 6h\n${fleet}${sections.join('')}expectations:\n${expectations}`;
    // The selectors name devices of the fleet example; the detection examples refer to "kinked-line", the attack ones to "forged-pause" and "forged-bolus".
    const withEntry = text.replace(
      'timeline:\n',
      'timeline:\n  - { id: kinked-line, at: 10m, fault: device.occlusion-downstream, target: { kind: infusion-pump, count: 1 } }\n' +
        '  - { id: forged-pause, at: 20m, fault: attack.forged-pause, target: { kind: infusion-pump, count: 1 } }\n' +
        '  - { id: forged-bolus, at: 30m, fault: attack.forged-bolus, target: { kind: infusion-pump, count: 1 } }\n',
    );
    expect(() => parseScenario(withEntry, 'docs/scenarios.md', registries)).not.toThrow();
  });
});

/** The complete examples (name and fleet), each with the verdict the sentence after it states. */
function completeExamples(): [string, string, 'passes' | 'fails'][] {
  return [...docs.matchAll(/```yaml\n([\s\S]*?)```\n([\s\S]*?)(?=```|$)/g)]
    .filter((m) => /^name:/m.test(m[1]!) && /^fleet:/m.test(m[1]!))
    .map((m) => {
      const verdict = /\b(passes) \(exit 0\)|\b(fails) \(exit 1\)/.exec(m[2]!);
      if (!verdict) throw new Error(`docs/scenarios.md: the example "${/^name: (.*)$/m.exec(m[1]!)?.[1]}" states no verdict`);
      return [/^name: (.*)$/m.exec(m[1]!)![1]!, m[1]!, (verdict[1] ?? verdict[2]) as 'passes' | 'fails'];
    });
}
