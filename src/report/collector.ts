import type { RunResult, StudyResult } from '../scenario/result.ts';
import type { Reporter, RunBeginInfo } from './reporter.ts';

/**
 * Gathers what the file reporters write at the end. The runs of a study are not kept one by one (a
 * hundred seeds of series would swamp the report); the study's own summary stands for them.
 */
export class ResultCollector {
  readonly runs: RunResult[] = [];
  readonly studies: StudyResult[] = [];
  #inStudy = false;

  begin(info: RunBeginInfo): void {
    this.#inStudy = info.study !== undefined;
  }

  addRun(result: RunResult): void {
    if (!this.#inStudy) this.runs.push(result);
  }

  addStudy(study: StudyResult): void {
    // A caller that did not flag its seeds as a study still gets them folded into it.
    const seeds = new Set(study.seeds);
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const run = this.runs[i]!;
      if (run.scenario.name === study.scenario.name && seeds.has(run.seed)) this.runs.splice(i, 1);
    }
    this.studies.push(study);
    this.#inStudy = false;
  }

  get empty(): boolean {
    return this.runs.length === 0 && this.studies.length === 0;
  }

  /** True when every run and study passed. */
  get ok(): boolean {
    return this.runs.every((r) => r.ok) && this.studies.every((s) => s.ok);
  }
}

/** A reporter that writes one document at the end, from every run and study it was told of. */
export abstract class CollectingReporter implements Reporter {
  protected readonly results = new ResultCollector();

  onBegin(info: RunBeginInfo): void {
    this.results.begin(info);
  }

  onRunEnd(result: RunResult): void {
    this.results.addRun(result);
  }

  onStudyEnd(study: StudyResult): void {
    this.results.addStudy(study);
  }

  async onEnd(): Promise<void> {
    if (!this.results.empty) await this.write(this.results);
  }

  /** Writes the document; called once, and only when something ran. */
  protected abstract write(results: ResultCollector): Promise<void>;
}
