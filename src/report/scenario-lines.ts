import { readFileSync } from 'node:fs';
import { parseSource } from '../scenario/yaml-locate.ts';

/** Where a run's checks come from in its scenario file: the line of each expectation, and of the fleet. */
export interface ScenarioLines {
  /** Line (1-based) of `expectations[i]`, in the order the run judged them. */
  expectations: (number | undefined)[];
  /** Line of `fleet:` (the transport check is about what the fleet sends). */
  fleet: number | undefined;
}

const NONE: ScenarioLines = { expectations: [], fleet: undefined };

/**
 * Reads the scenario file again to find where each expectation is written, so a CI test tab can link a
 * failing check to its line. A file that cannot be read (moved since the run) gives no lines, not an error.
 */
export function scenarioLines(file: string | undefined, expectations: number): ScenarioLines {
  if (file === undefined) return NONE;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return NONE;
  }
  const source = parseSource(text);
  if (source.syntaxErrors.length > 0) return NONE;
  const list = (source.data as { expectations?: unknown[] } | null)?.expectations;
  const count = Array.isArray(list) ? Math.min(list.length, expectations) : 0;
  return {
    expectations: Array.from({ length: count }, (_, i) => source.locate(['expectations', i]).line),
    fleet: source.locate(['fleet'], 'key').line,
  };
}
