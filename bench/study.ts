/**
 * The study benchmark (`npm run bench:study`): runs a small scenario under many seeds through
 * `runStudy`, the API `medtwin run --seeds` calls, and prints the live heap after full garbage
 * collections as it goes, with its slope per seed (figures: docs/benchmarks.md#study).
 *
 *   npm run bench:study                                  # 200 seeds, a sample every 20
 *   npm run bench:study -- --seeds 3000 --every 250
 *   npm run bench:study -- --seeds 100000 --every 1000   # the issue's target (hours here; see docs/benchmarks.md)
 *   npm run bench:study -- --seeds 500 --reporter junit:/tmp/j.xml --reporter json:/tmp/s.json
 *
 * --reporter adds medtwin run's reporters (their memory counts too); --keep-results holds every whole
 * result as the old CLI loop did, to show the difference.
 */
import { parseArgs } from 'node:util';
import { createReporters } from '../src/report/index.ts';
import { SCENARIO_REGISTRIES } from '../src/runtime/registries.ts';
import { runStudy, seedRange } from '../src/runtime/study.ts';
import { loadScenarioFile } from '../src/scenario/loader.ts';
import type { RunResult } from '../src/scenario/result.ts';

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    every: { type: 'string' },
    scenario: { type: 'string', default: new URL('./scenarios/study-tiny.yaml', import.meta.url).pathname },
    reporter: { type: 'string', multiple: true, default: [] },
    'keep-results': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  process.stdout.write(`npm run bench:study -- [--seeds N] [--every K] [--scenario FILE] [--reporter NAME:PATH]... [--keep-results]\n`);
  process.exit(0);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  process.stderr.write('bench:study needs --expose-gc: run it as `npm run bench:study`\n');
  process.exit(2);
}
const count = wholeNumber('--seeds', args.seeds);
const every = args.every === undefined ? Math.max(1, Math.round(count / 10)) : wholeNumber('--every', args.every);

const MB = 1024 * 1024;
function heapAfterGc(): number {
  // Twice: the first pass may leave objects only a second pass finds unreachable (weak maps, finalizers).
  gc!();
  gc!();
  return process.memoryUsage().heapUsed / MB;
}

const plan = await loadScenarioFile(args.scenario, SCENARIO_REGISTRIES);
const reporter = args.reporter.length > 0 ? createReporters(args.reporter) : undefined;
const kept: RunResult[] = [];
const samples: { seeds: number; heapMb: number }[] = [];
const base = heapAfterGc();
const started = performance.now();
process.stdout.write(
  `study of ${count} seeds of ${plan.name} (${args.scenario}); reporters: ${args.reporter.join(', ') || 'none'}${args['keep-results'] ? '; keeping whole results' : ''}\n` +
    `heap after GC at start: ${base.toFixed(1)} MB\n\n${'seeds'.padStart(8)}  ${'heap MB'.padStart(8)}  ${'rss MB'.padStart(7)}  ${'KB/seed since first sample'.padStart(26)}  ${'ms/seed'.padStart(8)}\n`,
);
const study = await runStudy(plan, {
  seeds: seedRange(1, count),
  onBegin: (info, study) => reporter?.onBegin?.({ ...info, study }),
  onRunEnd: async (result, { index }) => {
    if (args['keep-results']) kept.push(result);
    await reporter?.onRunEnd?.(result);
    const done = index + 1;
    if (done % every !== 0 && done !== count) return;
    const heapMb = heapAfterGc();
    samples.push({ seeds: done, heapMb });
    const first = samples[0]!;
    const slope = done === first.seeds ? '' : (((heapMb - first.heapMb) * 1024) / (done - first.seeds)).toFixed(2);
    process.stdout.write(
      `${String(done).padStart(8)}  ${heapMb.toFixed(1).padStart(8)}  ${(process.memoryUsage().rss / MB).toFixed(0).padStart(7)}  ${slope.padStart(26)}  ${((performance.now() - started) / done).toFixed(1).padStart(8)}\n`,
    );
  },
});
await reporter?.onStudyEnd?.(study);
await reporter?.onEnd?.();
const wallS = (performance.now() - started) / 1000;
const fit = leastSquares(samples.map((s) => [s.seeds, s.heapMb]));
process.stdout.write(
  `\n${count} seeds in ${wallS.toFixed(1)} s (${((wallS * 1000) / count).toFixed(1)} ms/seed), pass rate ${(study.passRate * 100).toFixed(1)} %\n` +
    `heap slope (least squares over ${samples.length} samples): ${fit === undefined ? 'n/a' : `${(fit * 1024).toFixed(3)} KB/seed`}\n` +
    (fit === undefined
      ? ''
      : `at this rate 100,000 seeds would take ${(((wallS / count) * 100_000) / 3600).toFixed(1)} h and grow the heap by ${(fit * 100_000).toFixed(0)} MB\n`),
);

/** Slope of y over x by least squares, or undefined with fewer than two points. */
function leastSquares(points: [number, number][]): number | undefined {
  if (points.length < 2) return undefined;
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return sxx === 0 ? undefined : sxy / sxx;
}

function wholeNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`${flag}: expected a whole number of at least 1, received ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
  return n;
}
