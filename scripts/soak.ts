// npm run soak [-- --duration 1h --every 1m --scenario scenarios/ward.yaml --speed 1]
//
// The ward in realtime for an hour (longer with --duration), its broker in this process: every
// minute it samples RSS, the live heap (after a full GC) and event-loop delay, and at the end says
// whether memory levelled off — the live heap of the last third of the run against the middle third.
// A benchmark that prints figures, not a test. Run it with nothing else heavy on the machine.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { formatDuration, parseDuration } from '../src/core/duration.ts';
import { SCENARIO_REGISTRIES } from '../src/runtime/registries.ts';
import { DEFAULT_DEPENDENCIES } from '../src/runtime/defaults.ts';
import { Run } from '../src/runtime/run.ts';
import { loadScenarioFile } from '../src/scenario/loader.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '1h' },
    every: { type: 'string', default: '1m' },
    scenario: { type: 'string', default: 'scenarios/ward.yaml' },
    speed: { type: 'string', default: '1' },
  },
});
const durationMs = parseDuration(values.duration, '--duration');
const everyMs = parseDuration(values.every, '--every');
const MB = 1024 * 1024;

// A full GC before each sample, so the heap figure is what the run keeps, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const plan = await loadScenarioFile(values.scenario, SCENARIO_REGISTRIES);
const run = new Run(plan, DEFAULT_DEPENDENCIES, { mode: 'realtime', speed: Number(values.speed), durationMs });
const loop = monitorEventLoopDelay({ resolution: 10 });
interface Sample {
  wallMs: number;
  simMs: number;
  rssMB: number;
  heapMB: number;
  delayP99Ms: number;
  delayMaxMs: number;
  messages: number;
}
const samples: Sample[] = [];
const started = performance.now();
const sample = () => {
  gc();
  const memory = process.memoryUsage();
  const s: Sample = {
    wallMs: performance.now() - started,
    simMs: run.clock.now(),
    rssMB: memory.rss / MB,
    heapMB: memory.heapUsed / MB,
    delayP99Ms: loop.percentile(99) / 1e6,
    delayMaxMs: loop.max / 1e6,
    messages: run.messagesPublished,
  };
  loop.reset();
  samples.push(s);
  process.stdout.write(
    `${formatDuration(Math.round(s.wallMs / 1000) * 1000).padStart(7)}  sim ${formatDuration(Math.round(s.simMs / 1000) * 1000).padStart(7)}  ` +
      `rss ${s.rssMB.toFixed(0).padStart(4)} MB  heap ${s.heapMB.toFixed(1).padStart(6)} MB  ` +
      `loop delay p99 ${s.delayP99Ms.toFixed(1).padStart(6)} ms max ${s.delayMaxMs.toFixed(1).padStart(6)} ms  messages ${s.messages.toLocaleString('en-US')}\n`,
  );
};

process.stdout.write(
  `soak: ${plan.name} (${run.agents.length} devices), realtime ×${values.speed}, ${formatDuration(durationMs)}, a sample every ${formatDuration(everyMs)}\n`,
);
await run.open();
loop.enable();
sample();
const timer = setInterval(sample, everyMs);
await run.runToEnd();
clearInterval(timer);
sample();
const result = run.result();
await run.close();

const third = Math.max(1, Math.floor(samples.length / 3));
const mean = (xs: Sample[]) => xs.reduce((sum, s) => sum + s.heapMB, 0) / xs.length;
const middle = mean(samples.slice(third, 2 * third));
const last = mean(samples.slice(-third));
const growth = last - middle;
// Levelled off: the last third's live heap within 5 % (or 2 MB) of the middle third's.
const levelled = samples.length >= 6 ? growth < Math.max(2, middle * 0.05) : undefined;
const rss = samples.map((s) => s.rssMB);
const delays = samples.map((s) => s.delayP99Ms);
process.stdout.write(
  [
    '',
    `messages ${result.delivery.published.toLocaleString('en-US')} published, ${result.delivery.lost} lost · verdict ${result.ok ? 'passed' : 'failed'}${result.realtime ? ` · pace ${result.realtime.pace}` : ''}`,
    `rss ${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MB · event-loop delay p99 per minute up to ${Math.max(...delays).toFixed(1)} ms`,
    `live heap: middle third ${middle.toFixed(1)} MB, last third ${last.toFixed(1)} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB)`,
    levelled === undefined
      ? 'memory: too few samples to say (run for at least six sampling periods)'
      : levelled
        ? 'memory: levelled off'
        : 'memory: still growing — look for a leak (compare heap snapshots)',
    '',
  ].join('\n'),
);
