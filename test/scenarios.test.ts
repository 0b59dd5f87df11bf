import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICES } from '../devices/index.ts';
import { FAULTS } from '../src/inject/registry.ts';
import { EmbeddedBroker } from '../src/net/broker.ts';
import { SCENARIO_REGISTRIES } from '../src/runtime/registries.ts';
import { executeScenario } from '../src/runtime/execute.ts';
import { loadScenarioFile, validateFiles } from '../src/scenario/loader.ts';
import type { Plan } from '../src/scenario/plan.ts';

/**
 * The built-in scenario library (scenarios/*.yaml, docs/scenario-library.md): every file is valid,
 * together they inject every registered fault, and each one passes when run through the real runner
 * on a real broker. The runs are split over two files so vitest's two workers share them; this file
 * takes the first half, test/scenarios-shard-2.test.ts the second (the same split, computed the same
 * way in both).
 */
const SHARD = 0;

const dir = join(import.meta.dirname, '..', 'scenarios');
const files = readdirSync(dir)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => join(dir, name));
const plans = await Promise.all(files.map((file) => loadScenarioFile(file, SCENARIO_REGISTRIES)));

/** The ward covers 24 h; its first 15 minutes show the baseline without taking minutes of wall time. */
const SHORTENED: Record<string, number> = { 'ward.yaml': 15 * 60_000 };
const nameOf = (plan: Plan) => plan.source!.slice(dir.length + 1);
const durationOf = (plan: Plan) => SHORTENED[nameOf(plan)] ?? plan.durationMs;

/** Rough wall cost: telemetry messages (each crosses the broker) plus the 1 s settle windows. */
function cost(plan: Plan): number {
  const ms = durationOf(plan);
  let messages = 0;
  for (const zone of plan.fleet.zones) {
    for (const [kind, count] of Object.entries(zone.devices)) messages += (count * ms) / DEVICES[kind as keyof typeof DEVICES].telemetryPeriodMs;
  }
  return messages + ms / 4000;
}

/** Heaviest first, each to the lighter of the two shards. */
function shard(index: number): Plan[] {
  const loads = [0, 0];
  const out: Plan[] = [];
  for (const plan of [...plans].sort((a, b) => cost(b) - cost(a) || nameOf(a).localeCompare(nameOf(b)))) {
    const to = loads[0]! <= loads[1]! ? 0 : 1;
    loads[to]! += cost(plan);
    if (to === index) out.push(plan);
  }
  return out;
}

describe('the scenario library', () => {
  it('has at least ten scenarios, each valid, with the schema line, a description and tags', async () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    const checked = await validateFiles(files, SCENARIO_REGISTRIES);
    expect(checked.flatMap((c) => c.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.message}`))).toEqual([]);
    for (const [i, plan] of plans.entries()) {
      expect(readFileSync(files[i]!, 'utf8').split('\n')[0], nameOf(plan)).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
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

describe(`scenario runs (shard ${SHARD + 1} of 2)`, () => {
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    broker = await EmbeddedBroker.start({ port: 0 });
  });
  afterAll(async () => {
    await broker?.close();
  });

  for (const plan of shard(SHARD)) {
    const shortened = SHORTENED[nameOf(plan)];
    const title = `${nameOf(plan)} passes on seed ${plan.seed}${shortened ? ` (first ${shortened / 60_000} min of ${plan.durationMs / 3_600_000} h)` : ''}`;
    it(title, { timeout: 180_000 }, async () => {
      const result = await executeScenario(plan, { brokerUrl: broker.url, durationMs: durationOf(plan) });
      const failed = result.expectations.filter((e) => !e.passed).map((e) => `${e.name}: ${e.message}`);
      const { lost, settleTimeouts } = result.delivery;
      if (lost > 0 || settleTimeouts > 0) failed.push(`transport: ${lost} messages lost, ${settleTimeouts} settle timeouts`);
      expect(failed, `${nameOf(plan)} failed:\n  ${failed.join('\n  ')}`).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.expectations).toHaveLength(plan.expectations?.length ?? 0);
    });
  }
});
