import { readFile } from 'node:fs/promises';
import { formatPath, ScenarioError, sortDiagnostics, type Diagnostic, type ScenarioIssue } from './diagnostics.ts';
import { check } from './issue-messages.ts';
import type { Plan } from './plan.ts';
import { scenarioSchema } from './schema.ts';
import { checkReferences, type ScenarioRegistries } from './semantic-checks.ts';
import { parseSource, type SourceDocument } from './yaml-locate.ts';

export type { ScenarioRegistries } from './semantic-checks.ts';

/** One file's outcome from `validateFiles`. */
export interface FileValidation {
  file: string;
  ok: boolean;
  diagnostics: Diagnostic[];
}

/**
 * Reads, validates and resolves a scenario file into a Plan. Throws one ScenarioError (exit code 2)
 * listing every problem in the file, each at `file:line:col`.
 */
export async function loadScenarioFile(path: string, registries: ScenarioRegistries): Promise<Plan> {
  return parseScenario(await readText(path), path, registries);
}

/**
 * Validates scenario text and resolves it into a Plan: durations in ms, defaults filled, fault params
 * parsed with their defaults, each timeline entry given an id (`<fault>#<index>` unless it names one),
 * and `source` set to `file`. `file` is only used in messages.
 */
export function parseScenario(text: string, file: string, registries: ScenarioRegistries): Plan {
  const outcome = analyse(text, file, registries);
  if (outcome.plan === undefined) throw new ScenarioError(file, outcome.diagnostics);
  return outcome.plan;
}

/**
 * Validates many files without stopping at the first bad one (`medtwin validate`). Files are read one
 * after another so the result order, and so the output, is always the same.
 */
export async function validateFiles(paths: readonly string[], registries: ScenarioRegistries): Promise<FileValidation[]> {
  const results: FileValidation[] = [];
  for (const file of paths) {
    let text: string;
    try {
      text = await readText(file);
    } catch (error) {
      results.push({ file, ok: false, diagnostics: [...(error as ScenarioError).diagnostics] });
      continue;
    }
    const { diagnostics } = analyse(text, file, registries);
    results.push({ file, ok: diagnostics.length === 0, diagnostics });
  }
  return results;
}

/** Runs all three passes and builds the plan when none found a problem. */
function analyse(text: string, file: string, registries: ScenarioRegistries): { plan?: Plan; diagnostics: Diagnostic[] } {
  const source = parseSource(text);
  if (source.syntaxErrors.length > 0) {
    // The data of a broken YAML file is a guess; checking it would bury the real problem.
    return {
      diagnostics: source.syntaxErrors.map(({ line, col, path, message }) => ({ file, line, col, path: formatPath(path), message })),
    };
  }
  if (source.data === null || source.data === undefined) {
    return {
      diagnostics: [{ file, line: 1, col: 1, path: '', message: 'the file is empty: a scenario needs at least name, duration and fleet' }],
    };
  }
  const schema = check(scenarioSchema, source.data);
  const names = checkReferences(source.data, registries, file);
  const issues = [...(schema.ok ? [] : schema.issues), ...names.issues];
  if (issues.length > 0 || !schema.ok) return { diagnostics: locateAll(issues, source, file) };

  const { $schema: _schema, duration, timeline, ...rest } = schema.value;
  const plan: Plan = {
    ...rest,
    durationMs: duration,
    timeline: timeline.map((entry, i) => ({
      ...entry,
      id: entry.id ?? `${entry.fault}#${i}`,
      params: names.faultParams.get(i) ?? entry.params,
    })),
    source: file,
  };
  return { plan, diagnostics: [] };
}

function locateAll(issues: readonly ScenarioIssue[], source: SourceDocument, file: string): Diagnostic[] {
  return sortDiagnostics(
    issues.map((issue) => {
      const { line, col } = source.locate(issue.path, issue.at);
      const diagnostic: Diagnostic = { file, line, col, path: formatPath(issue.path), message: issue.message };
      if (issue.received !== undefined) diagnostic.received = issue.received;
      if (issue.expected !== undefined) diagnostic.expected = issue.expected;
      return diagnostic;
    }),
  );
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ScenarioError(path, [{ file: path, line: 1, col: 1, path: '', message: `cannot read the scenario file: ${reason}` }]);
  }
}
