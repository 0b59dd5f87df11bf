import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../src/core/event-log.ts';
import { createReporters } from '../src/report/registry.ts';
import { executeScenario } from '../src/runtime/execute.ts';
import { seedRange } from '../src/runtime/seeds.ts';
import { runStudy } from '../src/runtime/study.ts';
import { SCENARIO_REGISTRIES } from '../src/runtime/registries.ts';
import { loadScenarioFile } from '../src/scenario/loader.ts';
import { smallWard } from './helpers/plans.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** One run through the dataset reporter, as `medtwin run --reporter dataset:DIR` wires it. */
async function datasetRun(plan: Awaited<ReturnType<typeof loadScenarioFile>>): Promise<{ dir: string; events: LoggedEvent[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'medtwin-dataset-'));
  dirs.push(dir);
  const reporter = createReporters([`dataset:${dir}`], { stream: { write: () => true } as unknown as NodeJS.WritableStream });
  const events: LoggedEvent[] = [];
  const result = await executeScenario(plan, {
    port: 0,
    onEvents: (batch) => events.push(...batch),
    onDataset: (dataset) => reporter.onDataset(dataset),
  });
  await reporter.onRunEnd(result);
  return { dir, events };
}

describe('--reporter dataset:DIR', () => {
  it('writes the forged pause run as CSV and JSONL that agree, the attacker labelled, the fleet benign, the same on every run of the seed', async () => {
    const plan = await loadScenarioFile('scenarios/attacks/forged-pause.yaml', SCENARIO_REGISTRIES);
    const first = await datasetRun(plan);
    const base = 'Forged-pause-of-an-infusion-open.seed-1';
    expect(readdirSync(first.dir).sort()).toEqual([`${base}.csv`, `${base}.jsonl`]);
    const csv = readFileSync(join(first.dir, `${base}.csv`), 'utf8');
    const jsonl = readFileSync(join(first.dir, `${base}.jsonl`), 'utf8');
    const records = jsonl
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const rows = csv.trimEnd().split('\r\n');
    // The CSV header is the JSONL keys, in order, and there is one row per record.
    expect(rows[0]!.split(',')).toEqual(Object.keys(records[0]!));
    expect(rows.length - 1).toBe(records.length);
    // Ids are the observation numbers IDS alerts cite: increasing (the broker's own $SYS announcements are left out).
    expect(records.map((r) => r.id)).toEqual(records.map((r) => r.id).sort((a, b) => Number(a) - Number(b)));
    expect(records.filter((r) => String(r.topic).startsWith('$SYS'))).toEqual([]);
    expect(rows[1]!.split(',')[0]).toBe(String(records[0]!.id));

    // Ground truth: the attacker's client ids, from the attack.* events of the log.
    const attackerIds = new Set(
      first.events.filter((e) => e.type.startsWith('attack.') && typeof e.data.clientId === 'string').map((e) => e.data.clientId),
    );
    expect(attackerIds.size).toBeGreaterThan(0);
    const attack = records.filter((r) => r.label === 'attack.forged-pause');
    expect(attack.length).toBeGreaterThan(0);
    expect(attack.some((r) => r.event === 'publish' && String(r.topic).includes('infusion-pump-001'))).toBe(true);
    for (const r of attack) {
      expect(attackerIds.has(r.clientId)).toBe(true);
      expect(r.techniques).toEqual(expect.arrayContaining(['T0855']));
    }
    // Everything else — the fleet and the twin — is benign, and there is plenty of it.
    const others = records.filter((r) => !attackerIds.has(r.clientId));
    expect(others.length).toBeGreaterThan(100);
    expect(new Set(others.map((r) => r.label))).toEqual(new Set(['benign']));
    expect(new Set(others.map((r) => r.attackClass))).toEqual(new Set(['benign']));

    const second = await datasetRun(plan);
    expect(readFileSync(join(second.dir, `${base}.csv`), 'utf8')).toBe(csv);
    expect(readFileSync(join(second.dir, `${base}.jsonl`), 'utf8')).toBe(jsonl);
  }, 120_000);

  it('taps the broker of a run with no attack, and labels all of it benign', async () => {
    const plan = { ...smallWard({ durationMs: 60_000 }), name: 'clean ward' };
    const { dir } = await datasetRun(plan);
    const jsonl = readFileSync(join(dir, 'clean-ward.seed-7.jsonl'), 'utf8');
    const records = jsonl
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(10);
    expect(new Set(records.map((r) => r.label))).toEqual(new Set(['benign']));
  }, 120_000);

  it('with --seeds: one file pair per seed, each seed on its own tapped broker', async () => {
    const plan = await loadScenarioFile('scenarios/attacks/forged-pause.yaml', SCENARIO_REGISTRIES);
    const dir = mkdtempSync(join(tmpdir(), 'medtwin-dataset-'));
    dirs.push(dir);
    const reporter = createReporters([`dataset:${dir}`], { stream: { write: () => true } as unknown as NodeJS.WritableStream });
    const study = await runStudy(
      { ...plan, durationMs: 3 * 60_000 },
      {
        seeds: seedRange(1, 2),
        ownBroker: true,
        onDataset: (dataset) => reporter.onDataset(dataset),
        onRunEnd: (r) => reporter.onRunEnd(r),
      },
    );
    expect(study.seeds).toEqual(['1', '2']);
    const base = 'Forged-pause-of-an-infusion-open';
    expect(readdirSync(dir).sort()).toEqual([`${base}.seed-1.csv`, `${base}.seed-1.jsonl`, `${base}.seed-2.csv`, `${base}.seed-2.jsonl`]);
    for (const seed of [1, 2]) {
      const labels = readFileSync(join(dir, `${base}.seed-${seed}.jsonl`), 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { label: string }).label);
      expect(labels).toContain('attack.forged-pause');
    }
  });
});
