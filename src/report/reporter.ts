import type { LoggedEvent } from '../core/event-log.ts';
import type { RunResult, StudyResult } from '../scenario/result.ts';
import type { DatasetFiles, RunBegin } from '../runtime/execute.ts';
import type { RunStatus } from '../runtime/run.ts';

/** What a reporter learns when a run starts, before any simulated time passes. */
export interface RunBeginInfo extends RunBegin {
  /**
   * Set when this run is one seed of a Monte Carlo study (`--seeds 1..100`): console reporters then
   * print one line per seed instead of a full summary, and file reporters keep the study, not each run.
   */
  study?: { index: number; count: number };
}

/** A scenario file that did not validate: nothing of it ran, and CI should show it as a red test. */
export interface InvalidFile {
  file: string;
  /** Every problem, located (the same list `medtwin validate` prints). */
  problems: readonly { line: number; col: number; path: string; message: string }[];
}

/**
 * Receives a CLI invocation's results, in the shape of Playwright's reporter API. Per scenario file:
 * `onBegin`, `onProgress`*, `onRunEnd`; a study calls those per seed, then `onStudyEnd`. `onEnd` is
 * called once, last, and is where file reporters write. Every hook is optional.
 */
export interface Reporter {
  onBegin?(info: RunBeginInfo): void;
  onProgress?(status: RunStatus): void;
  /** A sealed batch of the current run's event log, in log order (the events reporter writes them). */
  onEvents?(batch: readonly LoggedEvent[]): void;
  /** The current run's labelled dataset, as it ends (before onRunEnd); only when a reporter asked (`dataset:DIR`). */
  onDataset?(dataset: DatasetFiles): void | Promise<void>;
  onRunEnd?(result: RunResult): void | Promise<void>;
  onStudyEnd?(study: StudyResult): void | Promise<void>;
  /** A scenario file did not validate (called before `onEnd`; nothing of any file ran). */
  onInvalidFile?(invalid: InvalidFile): void;
  onEnd?(): void | Promise<void>;
}

/** How a reporter is built: `path` from `--reporter NAME:PATH`, else it writes to `stream`. */
export interface ReporterOptions {
  path?: string;
  /** Where console output goes when there is no path. Default: process.stdout. */
  stream?: NodeJS.WritableStream;
  /** Overrides colour detection (TTY and NO_COLOR). */
  color?: boolean;
}
