import type { LoggedEvent } from '../core/event-log.ts';
import type { RunResult, StudyResult } from '../scenario/result.ts';
import type { DatasetFiles } from '../runtime/execute.ts';
import type { RunStatus } from '../runtime/run.ts';
import type { InvalidFile, Reporter, RunBeginInfo } from './reporter.ts';

/**
 * Forwards every hook to several reporters, in order (Playwright's Multiplexer). One reporter failing
 * does not starve the others: all are called, then the first error is rethrown (or an AggregateError
 * when several failed), so a full disk for the HTML file still leaves the JUnit file written.
 */
export class Multiplexer implements Reporter {
  readonly reporters: readonly Reporter[];

  constructor(reporters: readonly Reporter[]) {
    this.reporters = reporters;
  }

  onBegin(info: RunBeginInfo): void {
    this.#each((r) => r.onBegin?.(info));
  }

  onProgress(status: RunStatus): void {
    this.#each((r) => r.onProgress?.(status));
  }

  onEvents(batch: readonly LoggedEvent[]): void {
    this.#each((r) => r.onEvents?.(batch));
  }

  async onDataset(dataset: DatasetFiles): Promise<void> {
    await this.#eachAsync((r) => r.onDataset?.(dataset));
  }

  async onRunEnd(result: RunResult): Promise<void> {
    await this.#eachAsync((r) => r.onRunEnd?.(result));
  }

  async onStudyEnd(study: StudyResult): Promise<void> {
    await this.#eachAsync((r) => r.onStudyEnd?.(study));
  }

  onInvalidFile(invalid: InvalidFile): void {
    this.#each((r) => r.onInvalidFile?.(invalid));
  }

  async onEnd(): Promise<void> {
    await this.#eachAsync((r) => r.onEnd?.());
  }

  #each(call: (r: Reporter) => void): void {
    const errors: unknown[] = [];
    for (const reporter of this.reporters) {
      try {
        call(reporter);
      } catch (error) {
        errors.push(error);
      }
    }
    rethrow(errors);
  }

  async #eachAsync(call: (r: Reporter) => void | Promise<void>): Promise<void> {
    const errors: unknown[] = [];
    for (const reporter of this.reporters) {
      try {
        await call(reporter);
      } catch (error) {
        errors.push(error);
      }
    }
    rethrow(errors);
  }
}

function rethrow(errors: unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1)
    throw new AggregateError(
      errors,
      `${errors.length} reporters failed: ${errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ')}`,
    );
}
