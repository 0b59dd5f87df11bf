import { describe, expect, it } from 'vitest';
import type { RunResult } from '../scenario/result.ts';
import { distribution, summarizeStudy } from './study.ts';

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
