import type { RunResult, StudyResult } from '../runtime/result.ts';
import type { RunBeginInfo } from './reporter.ts';

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
