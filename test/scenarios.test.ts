import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAULTS } from '../src/inject/registry.ts';
import { SCENARIO_REGISTRIES } from '../src/runtime/registries.ts';
import { validateFiles } from '../src/scenario/loader.ts';
import { describeShardRuns, files, nameOf, plans, shard } from './helpers/scenario-library.ts';

/**
 * The built-in scenario library (scenarios/*.yaml, docs/scenario-library.md): every file is valid,
 * together they inject every registered fault, and each one passes when run through the real runner
 * on a real broker. The runs are split over two files so vitest's two workers share them; this file
 * takes the first half, test/scenarios-shard-2.test.ts the second (the same split, computed the same
 * way in both).
 */
describe('the scenario library', () => {
  it('has at least ten scenarios, each valid, with the schema line, a description and tags', async () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    const checked = await validateFiles(files, SCENARIO_REGISTRIES);
    expect(checked.flatMap((c) => c.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`))).toEqual([]);
    for (const [i, plan] of plans.entries()) {
      expect(readFileSync(files[i]!, 'utf8').split('\n')[0], nameOf(plan)).toBe(
        '# yaml-language-server: $schema=../schema/scenario.schema.json',
      );
      expect(plan.description?.length ?? 0, nameOf(plan)).toBeGreaterThan(100);
      expect(plan.tags?.length ?? 0, nameOf(plan)).toBeGreaterThan(0);
      expect(plan.expectations?.length ?? 0, nameOf(plan)).toBeGreaterThan(0);
    }
  });

  it('injects every registered fault somewhere', () => {
    const used = new Set(plans.flatMap((plan) => (plan.timeline ?? []).map((entry) => entry.fault)));
    const missing = Object.keys(FAULTS).filter((fault) => !used.has(fault));
    expect(missing, `faults no scenario in scenarios/ injects: ${missing.join(', ')}`).toEqual([]);
  });

  it('splits the runs over both shards', () => {
    expect(shard(0).length + shard(1).length).toBe(plans.length);
    expect(shard(0).length).toBeGreaterThan(0);
    expect(shard(1).length).toBeGreaterThan(0);
  });
});

describeShardRuns(0);
