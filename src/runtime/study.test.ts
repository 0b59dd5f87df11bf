import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/loader.ts';
import type { RunResult } from '../scenario/result.ts';
import { openBroker } from './broker-host.ts';
import { SCENARIO_REGISTRIES } from './registries.ts';
import { seedList, seedRange } from './seeds.ts';
import { distribution, runStudy, StudyTally, summarizeStudy } from './study.ts';

function run(seed: string, ok: boolean, latency: number): RunResult {
  return {
    scenario: { name: 's', tags: [], file: 'scenarios/s.yaml', durationMs: 1000 },
    seed,
    mode: 'fast',
    durationMs: 1000,
    simulatedMs: 1000,
    wallMs: 10,
    digest: `d${seed}`,
    events: 1,
    ok,
    broker: { url: 'mqtt://127.0.0.1:1', placement: 'in-process', links: 'in-thread' },
    delivery: { published: 1, deliveredToTwin: 1, lost: 0, sequenceGaps: 0, duplicates: 0, settleTimeouts: 0 },
    devices: [],
    alarms: { total: 0, byPriority: {}, byCode: {}, first: [] },
    twin: { stale: [], diverged: [], staleEvents: 0, divergedEvents: 0 },
    injections: [],
    expectations: [
      {
        name: 'occlusion detected',
        type: 'detection',
        passed: ok,
        measured: latency,
        threshold: '<= 1',
        message: '',
        evidence: [],
        figures: { latencyP50Ms: latency * 1000 },
      },
    ],
    series: [],
  };
}

describe('summarizeStudy', () => {
  it('computes pass rates, distributions and replay commands for failing seeds', () => {
    const runs = [run('1', true, 10), run('2', false, 50), run('3', true, 20), run('4', true, 30)];
    const study = summarizeStudy(runs, 1234, (seed) => `medtwin run s.yaml --seed ${seed}`);
    expect(study.passRate).toBe(0.75);
    expect(study.ok).toBe(false);
    expect(study.replay).toEqual(['medtwin run s.yaml --seed 2']);
    expect(study.expectations).toEqual([
      {
        name: 'occlusion detected',
        type: 'detection',
        passRate: 0.75,
        threshold: '<= 1',
        measured: { n: 4, min: 10, p50: 20, p95: 50, max: 50, mean: 27.5 },
        values: [10, 50, 20, 30],
        figures: { latencyP50Ms: { n: 4, min: 10_000, p50: 20_000, p95: 50_000, max: 50_000, mean: 27_500 } },
      },
    ]);
    expect(study.runs.map((r) => r.failed)).toEqual([[], ['occlusion detected'], [], []]);
  });

  it('uses nearest-rank percentiles', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(distribution(hundred)).toMatchObject({ p50: 50, p95: 95, min: 1, max: 100 });
    expect(distribution([7])).toMatchObject({ p50: 7, p95: 7 });
  });
});

describe('StudyTally', () => {
  it('keeps a bounded summary per seed, never the runs themselves', () => {
    const tally = new StudyTally(seedRange(1, 2000));
    const heavy = (seed: string): RunResult => ({
      ...run(seed, true, 12),
      // What a real run carries and a study must not keep: long series and a device table.
      series: [
        { device: 'pump-001', signal: 'pressure', unit: 'mmHg', points: Array.from({ length: 5000 }, (_, t) => [t, t, t]), faults: [] },
      ],
      devices: Array.from({ length: 200 }, (_, i) => ({
        id: `d${i}`,
        kind: 'cgm',
        zone: 'z',
        bed: 'b',
        patientId: 'p',
        finalState: 'running',
        published: 1,
        deliveredToTwin: 1,
        missing: 0,
        alarmsRaised: 0,
        commandsReceived: 0,
        commandsRejected: 0,
      })),
      digest: 'f'.repeat(64),
    });
    for (let i = 1; i <= 2000; i++) tally.add(heavy(String(i)));
    // Per seed: a 64-character digest plus, at the columns' doubling capacity, about 2 × (1 + 8 + 1 + 8 + 8)
    // bytes (ok, wall time, verdict, measured value, one figure) — well under 200 bytes.
    expect(tally.retainedBytes / tally.count).toBeLessThan(200);
    expect(tally.result(heavy('1').scenario, 1, (s) => s).seeds).toHaveLength(2000);
  });

  it('lets go of every run it was given (the garbage collector reclaims them)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const tally = new StudyTally(seedRange(1, 20));
    const refs: WeakRef<object>[] = [];
    // In a function of its own, so no variable of this test's frame still holds the last run.
    const feed = () => {
      for (let i = 1; i <= 20; i++) {
        const result = run(String(i), i % 2 === 0, i);
        // The run, and the parts of it worth keeping least: every object it holds.
        refs.push(new WeakRef(result), new WeakRef(result.series), new WeakRef(result.devices), new WeakRef(result.expectations));
        for (const e of result.expectations) refs.push(new WeakRef(e), ...(e.figures ? [new WeakRef(e.figures)] : []));
        tally.add(result);
      }
    };
    feed();
    // A WeakRef's target stays alive until the current job ends: collect after a turn of the loop.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(refs.flatMap((r, i) => (r.deref() === undefined ? [] : [i]))).toEqual([]);
    expect(tally.count).toBe(20);
  });

  it('marks a seed that lacked an expectation as absent, not failed', () => {
    const tally = new StudyTally(seedList(['1', '2']));
    tally.add({ ...run('1', true, 5), expectations: [] });
    tally.add(run('2', false, 7));
    const study = tally.result(run('1', true, 0).scenario, 1, (s) => `replay ${s}`);
    expect(study.expectations[0]).toMatchObject({ passRate: 0, values: [null, 7], measured: { n: 1, p50: 7 } });
    expect(study.runs.map((r) => r.failed)).toEqual([[], ['occlusion detected']]);
  });

  it('refuses runs out of seed order, so values line up with seeds', () => {
    const tally = new StudyTally(seedList(['1', '2']));
    expect(() => tally.add(run('2', true, 1))).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: runs must be added in seed order: expected seed "1" at 0, received "2"]`,
    );
  });
});

describe('runStudy', () => {
  const fixture = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'scenarios', 'pass.yaml');

  it('runs every seed on one broker, hands each whole result on, and reports the study', async () => {
    const plan = await loadScenarioFile(fixture, SCENARIO_REGISTRIES);
    const broker = await openBroker();
    try {
      const ended: string[] = [];
      const begun: string[] = [];
      const study = await runStudy(plan, {
        seeds: seedRange(1, 3),
        broker,
        onBegin: (info, { index, count }) => begun.push(`${info.seed} ${index + 1}/${count} ${info.brokerUrl === broker.url}`),
        onRunEnd: (result) => {
          ended.push(result.seed);
        },
      });
      expect(begun).toEqual(['1 1/3 true', '2 2/3 true', '3 3/3 true']);
      expect(ended).toEqual(['1', '2', '3']);
      expect(study).toMatchObject({ seeds: ['1', '2', '3'], ok: true, passRate: 1, replay: [] });
      expect(study.interrupted).toBeUndefined();
      expect(new Set(study.runs.map((r) => r.digest)).size).toBe(3);
      expect(study.expectations[0]!.values).toHaveLength(3);
    } finally {
      await broker.close();
    }
  });

  it('stopped by its signal, keeps every finished seed and marks itself interrupted', async () => {
    const plan = await loadScenarioFile(fixture, SCENARIO_REGISTRIES);
    const controller = new AbortController();
    const ended: RunResult[] = [];
    const study = await runStudy(plan, {
      seeds: seedRange(1, 50),
      signal: controller.signal,
      onRunEnd: (result, { index }) => {
        ended.push(result);
        if (index === 1) controller.abort('SIGINT');
      },
    });
    expect(study.interrupted).toEqual({ signal: 'SIGINT', planned: 50 });
    expect(study.ok).toBe(false);
    // Seeds 1 and 2 finished; seed 2 was where the signal came, after its run had ended, so it counts.
    expect(study.seeds).toEqual(['1', '2']);
    expect(study.passRate).toBe(1);
    // The third seed started after the abort: it is handed on, marked, and left out of the study.
    expect(ended.map((r) => [r.seed, r.interrupted?.signal])).toEqual([
      ['1', undefined],
      ['2', undefined],
      ['3', 'SIGINT'],
    ]);
  });
});
