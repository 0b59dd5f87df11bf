import type { Distribution, RunResult, StudyResult } from '../scenario/result.ts';

/**
 * Aggregates the runs of one scenario under many seeds: pass rates overall and per expectation, and the
 * distribution of each expectation's measured value (p50/p95 detection latency, MARD...).
 */
export function summarizeStudy(runs: readonly RunResult[], wallMs: number, replay: (seed: string) => string): StudyResult {
  if (runs.length === 0) throw new RangeError('summarizeStudy needs at least one run');
  const first = runs[0]!;
  const passed = runs.filter((r) => r.ok).length;
  const names = new Map<string, string>();
  for (const run of runs) for (const e of run.expectations) if (!names.has(e.name)) names.set(e.name, e.type);
  const expectations = [...names].map(([name, type]) => {
    const results = runs.map((r) => r.expectations.find((e) => e.name === name)).filter((e) => e !== undefined);
    const numeric = results.map((e) => e.measured).filter((m): m is number => typeof m === 'number' && Number.isFinite(m));
    const figureNames = [...new Set(results.flatMap((e) => Object.keys(e.figures ?? {})))].sort();
    const figures: Record<string, Distribution> = {};
    for (const figure of figureNames) {
      const values = results.map((e) => e.figures?.[figure]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (values.length > 0) figures[figure] = distribution(values);
    }
    const threshold = results[0]?.threshold;
    return {
      name,
      type,
      passRate: results.length === 0 ? 0 : results.filter((e) => e.passed).length / results.length,
      ...(threshold !== undefined ? { threshold } : {}),
      measured: numeric.length === 0 ? null : distribution(numeric),
      values: runs.map((r) => {
        const m = r.expectations.find((e) => e.name === name)?.measured;
        return typeof m === 'number' && Number.isFinite(m) ? m : null;
      }),
      ...(figureNames.length > 0 ? { figures } : {}),
    };
  });
  return {
    scenario: first.scenario,
    seeds: runs.map((r) => r.seed),
    passRate: passed / runs.length,
    ok: passed === runs.length,
    wallMs,
    runs: runs.map((r) => ({
      seed: r.seed,
      ok: r.ok,
      digest: r.digest,
      wallMs: r.wallMs,
      failed: r.expectations.filter((e) => !e.passed).map((e) => e.name),
    })),
    expectations,
    replay: runs.filter((r) => !r.ok).map((r) => replay(r.seed)),
  };
}

/** min, p50, p95 (nearest rank), max and mean of a non-empty sample. */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return {
    n: sorted.length,
    min: sorted[0]!,
    p50: rank(0.5),
    p95: rank(0.95),
    max: sorted[sorted.length - 1]!,
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
  };
}
