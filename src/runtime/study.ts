import type { Plan } from '../scenario/plan.ts';
import { replayCommand } from '../scenario/replay.ts';
import type { RunResult, StudyResult } from '../scenario/result.ts';
import { secureBrokerUrl } from './run-security.ts';
import { type BrokerHandle, openBroker, placementFor } from './broker-host.ts';
import { type ExecuteOptions, executeScenario, type RunBegin } from './execute.ts';
import { type SeedSet, seedList } from './seeds.ts';
import { StudyTally } from './study-tally.ts';

export { distribution, StudyTally } from './study-tally.ts';
export { type SeedSet, seedList, seedRange, seedsOf } from './seeds.ts';

/** Where a seed sits in its study. */
export interface StudyPosition {
  index: number;
  count: number;
}

export interface StudyOptions extends Omit<ExecuteOptions, 'seed' | 'onBegin' | 'brokerUrl' | 'port' | 'brokerPlacement'> {
  seeds: SeedSet;
  /**
   * The broker every seed's run connects to. Without one the study starts an embedded broker for
   * all its seeds (not one per seed) and closes it at the end.
   */
  broker?: BrokerHandle;
  /**
   * Each seed's run opens its own in-process broker instead of connecting to `broker` (a sensor must
   * tap it: the labelled dataset export). Only when `broker` is medtwin's embedded one.
   */
  ownBroker?: boolean;
  /** Once a seed's fleet is connected, before its simulated time starts. */
  onBegin?(info: RunBegin, position: StudyPosition): void;
  /**
   * Each seed's whole result as it ends: the place to print or write it. The study itself keeps only
   * the seed's summary, so a 100,000-seed study holds its memory flat.
   */
  onRunEnd?(result: RunResult, position: StudyPosition): void | Promise<void>;
  /** The command that replays a failing seed (default: `medtwin run <file> --seed <seed>`). */
  replay?(seed: string, first: RunResult): string;
}

/**
 * Runs one plan under every seed of a set, one after another on one broker, and returns the study:
 * pass rates, the distribution of every measured value, one replay command per failing seed. What
 * `medtwin run --seeds` runs; a library caller gets the same study.
 *
 * Aborting `signal` stops the seed that is running at its current simulated time; that seed is handed
 * to `onRunEnd` marked interrupted but left out of the study, which covers every seed that finished
 * (none, if the first was stopped) and is marked interrupted (`signal.reason`, when a string, names
 * the signal).
 */
export async function runStudy(plan: Plan, options: StudyOptions): Promise<StudyResult> {
  // What is the study's own stays here; the rest is every seed's run options.
  const { seeds, broker: given, ownBroker, onBegin, onRunEnd, replay: replayOf, ...execute } = options;
  const { signal } = options;
  const devices = plan.fleet.zones.reduce((n, z) => n + Object.values(z.devices).reduce((a, b) => a + b, 0), 0);
  const broker = given ?? (await openBroker({ placement: placementFor(devices) }));
  const tally = new StudyTally(seeds);
  const start = performance.now();
  let first: RunResult | undefined;
  let interrupted: StudyResult['interrupted'];
  try {
    // No check before a seed: an abort ends the loop after the seed it interrupted, so the first seed
    // always yields a result (at once, if the signal was already aborted) for the report to name.
    for (let index = 0; index < seeds.count && interrupted === undefined; index++) {
      const position = { index, count: seeds.count };
      let result = await executeScenario(plan, {
        ...execute,
        seed: seeds.at(index),
        brokerUrl: ownBroker && broker.embedded ? undefined : secureBrokerUrl(plan, broker),
        onBegin: onBegin && ((info) => onBegin(info, position)),
      });
      first ??= result;
      // Every seed is handed the study's broker by URL; it is still medtwin's embedded one.
      if (broker.embedded) result.broker = { ...result.broker, placement: broker.placement };
      if (signal?.aborted) {
        const by = typeof signal.reason === 'string' ? signal.reason : 'abort';
        result = { ...result, ok: false, interrupted: { signal: by } };
        interrupted = { signal: by, planned: seeds.count };
      } else tally.add(result);
      await onRunEnd?.(result, position);
    }
  } finally {
    if (given === undefined) await broker.close();
  }
  const head = first!;
  const replay = replayOf ?? ((seed: string) => replayCommand({ ...head, seed }));
  return tally.result(head.scenario, performance.now() - start, (seed) => replay(seed, head), interrupted);
}

/**
 * Folds whole results into a study at once (tests, and callers that already hold the runs); a long
 * study should use `runStudy`, which never holds more than one run.
 */
export function summarizeStudy(runs: readonly RunResult[], wallMs: number, replay: (seed: string) => string): StudyResult {
  if (runs.length === 0) throw new RangeError('summarizeStudy needs at least one run');
  const tally = new StudyTally(seedList(runs.map((r) => r.seed)));
  for (const run of runs) tally.add(run);
  return tally.result(runs[0]!.scenario, wallMs, replay);
}
