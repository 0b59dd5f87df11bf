import type { LoggedEvent } from '../core/event-log.ts';
import type { Plan } from '../scenario/plan.ts';
import { DEFAULT_DEPENDENCIES } from './defaults.ts';
import type { RunResult } from '../scenario/result.ts';
import { datasetOf, type DatasetFiles } from './run-dataset.ts';
import { type Counterfactual, runCounterfactual } from './counterfactual.ts';
import { openResearchExport, type ResearchExportFile } from './research-export-file.ts';
import { Run, type LinkPlacement, type RunDependencies, type RunMode, type RunOptions, type RunStatus } from './run.ts';

export type { DatasetFiles } from './run-dataset.ts';

export interface RunBegin {
  scenario: string;
  seed: string;
  durationMs: number;
  devices: number;
  brokerUrl: string;
  mode: RunMode;
  /** Where the device clients (and the twin's) run: a fleet of 1,000 or more gets a link thread. */
  links?: LinkPlacement;
  /** Why they run there when the run chose so against its size (network faults keep them in-thread). */
  linksNote?: string;
}

export interface ExecuteOptions extends RunOptions {
  deps?: RunDependencies;
  /** Called once the fleet is connected, before simulated time starts. */
  onBegin?(info: RunBegin): void;
  onStatus?(status: RunStatus): void;
  /** While the fleet connects: devices connected so far, of how many. */
  onConnecting?(connected: number, total: number): void;
  /** Aborting stops the run at the current simulated time; the result covers what ran. */
  signal?: AbortSignal;
  /** Sealed batches of the event log, in log order (the events reporter writes them). */
  onEvents?(batch: readonly LoggedEvent[]): void;
  /** The run's labelled dataset, once it ends; asking for it turns the broker tap on (the dataset reporter writes it). */
  onDataset?(dataset: DatasetFiles): void | Promise<void>;
  /**
   * Writes the research export (the consenting patients' telemetry under pseudonyms) to this file as
   * JSON Lines (research-export-file.ts); the run needs the `consent` control.
   */
  researchExport?: string;
  /**
   * Asked once the run has ended (its simulated length given): whether a watcher outside the run's
   * own judges — the matrix's AttackProbe — needs the counterfactual run (counterfactual.ts).
   */
  needsCounterfactual?(simulatedMs: number): boolean;
  /** The counterfactual run, when one was run (for the run's judges or for `needsCounterfactual`). */
  onCounterfactual?(counterfactual: Counterfactual): void;
}

/**
 * Runs one plan headless from start to finish and returns its result; the broker connections are
 * closed whatever happens. What `medtwin run` does per scenario and seed. When a `prevented` judge
 * would charge an attack with a clinical impact (or `needsCounterfactual` asks), the plan is run again
 * with its attacks withheld, once this run's connections are closed, and the verdicts are judged
 * against it (counterfactual.ts): the attack is charged only with what that run lacks.
 */
export async function executeScenario(plan: Plan, options: ExecuteOptions = {}): Promise<RunResult> {
  const run = new Run(plan, options.deps ?? DEFAULT_DEPENDENCIES, options.onDataset ? withObservations(plan, options) : options);
  let exported: ResearchExportFile | undefined;
  let result: RunResult;
  let counterfactual = false;
  try {
    if (options.researchExport !== undefined) exported = await openResearchExport(run.security, options.researchExport);
    if (options.onConnecting) run.on('connecting', options.onConnecting);
    await run.open();
    options.onBegin?.({
      scenario: plan.name,
      seed: run.seed,
      durationMs: run.durationMs,
      devices: run.agents.length,
      brokerUrl: run.brokerUrl ?? '',
      mode: run.mode,
      links: run.links,
      ...(run.linksNote === undefined ? {} : { linksNote: run.linksNote }),
    });
    if (options.onStatus) run.on('status', options.onStatus);
    if (options.onEvents) run.on('events', options.onEvents);
    // Aborted while the fleet connected: no simulated time runs (runToEnd would start afresh).
    if (!options.signal?.aborted) {
      const stop = () => run.stop();
      options.signal?.addEventListener('abort', stop, { once: true });
      try {
        await run.runToEnd();
      } finally {
        options.signal?.removeEventListener('abort', stop);
      }
    }
    result = run.result();
    counterfactual =
      !options.withholdAttacks &&
      !options.signal?.aborted &&
      (run.needsCounterfactual() || options.needsCounterfactual?.(result.simulatedMs) === true);
    await options.onDataset?.(datasetOf(run));
    if (exported !== undefined) {
      await exported.finish();
      if (result.security?.researchExport) result.security.researchExport.file = exported.path;
      exported = undefined;
    }
  } finally {
    await exported?.abandon();
    await run.close();
  }
  if (!counterfactual) return result;
  // After close: the counterfactual's clients take the same client ids, on a broker of its own that may
  // take the same port (`port`).
  const without = await runCounterfactual(plan, options, executeScenario);
  if (without === undefined) return result;
  options.onCounterfactual?.(without);
  return run.rejudge(result, without);
}

/** The options with the broker tap on and every observation kept, whatever the scenario says of `ids` (its thresholds kept). */
function withObservations(plan: Plan, options: ExecuteOptions): ExecuteOptions {
  const ids = options.ids ?? plan.ids;
  return { ...options, ids: { ...(typeof ids === 'object' ? ids : {}), keepObservations: true } };
}
