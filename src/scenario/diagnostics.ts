import { InputError } from '../core/errors.ts';

/** One problem in a scenario file, located at the YAML node it is about. */
export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** Where in the document, as a reader writes it: `timeline[2].at`; empty for the whole file. */
  path: string;
  /** The full explanation, including the received value when it helps. */
  message: string;
  /** The value found, as `describeValue` prints it. */
  received?: string;
  /** What would have been valid. */
  expected?: string;
}

/**
 * A problem before it has a position: a document path, and whether it is about the key itself (an
 * unknown field, a misspelt device kind) or the value under it.
 */
export interface ScenarioIssue {
  path: readonly PropertyKey[];
  message: string;
  received?: string;
  expected?: string;
  at?: 'key' | 'value';
}

/** Past this many lines the message stops listing; every diagnostic stays on the error object. */
const MAX_LISTED = 50;

/**
 * Every problem found in one scenario file. The CLI prints `message` (one line per problem) and
 * exits 2; tools read `diagnostics`.
 */
export class ScenarioError extends InputError {
  readonly file: string;
  readonly diagnostics: readonly Diagnostic[];

  constructor(file: string, diagnostics: readonly Diagnostic[]) {
    super('E_SCENARIO', formatDiagnostics(diagnostics));
    this.name = 'ScenarioError';
    this.file = file;
    this.diagnostics = diagnostics;
  }
}

/** `scenarios/occlusion.yaml:14:9 timeline[2].at: expected a duration ..., received "soon"` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.col}`;
  return d.path === '' ? `${where} ${d.message}` : `${where} ${d.path}: ${d.message}`;
}

/** One line per diagnostic, in file order. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const lines = diagnostics.slice(0, MAX_LISTED).map(formatDiagnostic);
  if (diagnostics.length > MAX_LISTED) lines.push(`... and ${diagnostics.length - MAX_LISTED} more problems`);
  return lines.join('\n');
}

/** Formats a document path the way a reader would write it: `fleet.zones[0].devices.infusion-pump`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[\w$-]+$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Sorts into file order; problems at the same spot keep the order they were found in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.line - b.d.line || a.d.col - b.d.col || a.i - b.i)
    .map(({ d }) => d);
}
