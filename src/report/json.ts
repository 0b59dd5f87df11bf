import { CollectingReporter, type ResultCollector } from './collector.ts';
import { writeOutput } from './output.ts';
import type { Reporter, ReporterOptions } from './reporter.ts';

/**
 * Writes results as JSON for scripts (docs/ci.md). The document's shape depends on what ran:
 * - one run: the RunResult itself (`.ok`, `.digest`, `.devices[]`, `.expectations[]`);
 * - one study: the StudyResult itself (`.ok`, `.passRate`, `.replay[]`);
 * - anything more: `{ ok, runs: RunResult[], studies: StudyResult[] }`.
 * `.ok` is at the top in every shape, so `jq -e .ok` works whatever was run.
 */
export class JsonReporter extends CollectingReporter {
  readonly #options: ReporterOptions;

  constructor(options: ReporterOptions = {}) {
    super();
    this.#options = options;
  }

  protected async write(results: ResultCollector): Promise<void> {
    await writeOutput(`${toJson(jsonDocument(results))}\n`, this.#options);
  }
}

export function jsonDocument(results: ResultCollector): unknown {
  const { runs, studies } = results;
  if (runs.length === 1 && studies.length === 0) return runs[0];
  if (runs.length === 0 && studies.length === 1) return studies[0];
  return { ok: results.ok, runs, studies };
}

/**
 * JSON indented for reading, with arrays of plain values kept on one line: a series' points stay one
 * point per line instead of five, which keeps reports small and diffs readable.
 */
export function toJson(value: unknown): string {
  return format(JSON.parse(JSON.stringify(value)) as unknown, '');
}

function format(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner)}`).join(',\n')}\n${indent}}`;
}

export function createJsonReporter(options: ReporterOptions = {}): Reporter {
  return new JsonReporter(options);
}
