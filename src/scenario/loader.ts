import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
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

/**
 * The largest scenario file read, bytes. The largest in the library is a few KiB; a YAML document
 * past this is a mistake (a log, a dump), and parsing one of 50 MB took the process to 4 GB and a
 * crash before any message. Checked before reading, and again on the bytes read (a file may grow).
 */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

async function readText(path: string): Promise<string> {
  const fail = (message: string, line = 1, col = 1): never => {
    throw new ScenarioError(path, [{ file: path, line, col, path: '', message }]);
  };
  let bytes: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_SCENARIO_BYTES) fail(tooLarge(size));
      // One byte more than the limit tells a file that grew since the stat.
      const buffer = Buffer.alloc(MAX_SCENARIO_BYTES + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_SCENARIO_BYTES) fail(tooLarge(bytesRead));
      bytes = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    return fail(`cannot read the scenario file: ${reason}`);
  }
  const problem = binaryContent(bytes);
  if (problem !== undefined) {
    const { line, col } = position(bytes, problem.offset);
    fail(
      `not a text file: ${problem.what} at byte ${problem.offset}; a scenario is YAML text in UTF-8 — is this the right file?`,
      line,
      col,
    );
  }
  // A UTF-8 byte-order mark is text; YAML allows it, and editors on Windows write it.
  return bytes.toString('utf8');
}

function tooLarge(size: number): string {
  return `the file is ${formatBytes(size)}; a scenario file is at most ${formatBytes(MAX_SCENARIO_BYTES)} — is this the right file?`;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** The first sign that `bytes` are not UTF-8 text: a NUL byte, or a byte sequence UTF-8 does not allow. */
function binaryContent(bytes: Buffer): { what: string; offset: number } | undefined {
  const nul = bytes.indexOf(0);
  const invalid = firstIllFormed(bytes);
  if (invalid !== undefined && (nul < 0 || invalid < nul)) return { what: 'bytes that are not UTF-8', offset: invalid };
  return nul >= 0 ? { what: 'a NUL byte', offset: nul } : undefined;
}

/** The offset of the first ill-formed UTF-8 sequence, if any. */
function firstIllFormed(bytes: Buffer): number | undefined {
  if (isUtf8(bytes)) return undefined;
  // The decoder puts U+FFFD where a sequence is ill-formed; everything before the first such one is
  // well-formed, so it re-encodes to the same bytes and its length is the offset. A real U+FFFD in
  // the file (EF BF BD) is text and is skipped.
  const text = bytes.toString('utf8');
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) {
    const offset = Buffer.byteLength(text.slice(0, i));
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
  }
  return 0;
}

function position(bytes: Buffer, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = bytes.indexOf(10); i >= 0 && i < offset; i = bytes.indexOf(10, i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}
