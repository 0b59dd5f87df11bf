import { InputError } from '../core/errors.ts';
import { formatDiagnostic } from '../scenario/diagnostics.ts';
import { loadScenarioFile, validateFiles, type FileValidation } from '../scenario/loader.ts';
import type { Plan } from '../scenario/plan.ts';
import { SCENARIO_REGISTRIES } from '../runtime/registries.ts';

/** Scenario files that did not validate, each with its diagnostics (reporters show them as errors). */
export class InvalidScenarios extends InputError {
  readonly files: readonly FileValidation[];

  constructor(files: readonly FileValidation[], message: string) {
    super('E_SCENARIO', message);
    this.files = files;
  }
}

/**
 * Loads every scenario file before running any, so a typo in the fifth file is reported before the
 * first has run for minutes. All problems of all files are reported together.
 */
export async function loadPlans(files: readonly string[]): Promise<Plan[]> {
  const checked = await validateFiles(files, SCENARIO_REGISTRIES);
  const bad = checked.filter((c) => !c.ok);
  if (bad.length > 0) {
    const lines = bad.flatMap((c) => c.diagnostics.map(formatDiagnostic));
    const count = lines.length;
    throw new InvalidScenarios(
      bad,
      `${count} problem${count === 1 ? '' : 's'} in ${bad.length} scenario file${bad.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
    );
  }
  return Promise.all(files.map((file) => loadScenarioFile(file, SCENARIO_REGISTRIES)));
}
