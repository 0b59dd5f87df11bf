import { InputError, nearestName } from '../core/errors.ts';
import { createDatasetReporter } from './dataset.ts';
import { createEventsReporter } from './events.ts';
import { createHtmlReporter, DEFAULT_HTML_PATH } from './html.ts';
import { createJsonReporter } from './json.ts';
import { createJunitReporter } from './junit.ts';
import { createListReporter } from './list.ts';
import { createMarkdownReporter } from './markdown.ts';
import { Multiplexer } from './multiplexer.ts';
import type { Reporter, ReporterOptions } from './reporter.ts';
import { SummaryLineReporter } from './summary-line.ts';

export type ReporterFactory = (options: ReporterOptions) => Reporter;

/** Every built-in reporter by its `--reporter` name (a typed map, as vitest's ReportersMap). */
export const REPORTERS = {
  list: createListReporter,
  json: createJsonReporter,
  junit: createJunitReporter,
  markdown: createMarkdownReporter,
  html: createHtmlReporter,
  events: createEventsReporter,
  dataset: createDatasetReporter,
} as const satisfies Record<string, ReporterFactory>;

export type ReporterName = keyof typeof REPORTERS;

export interface ReporterSpec {
  name: ReporterName;
  path?: string;
}

const NAMES = Object.keys(REPORTERS) as ReporterName[];

export function isReporterName(name: string): name is ReporterName {
  return Object.hasOwn(REPORTERS, name);
}

/**
 * Parses `--reporter NAME[:PATH]`: "junit:out/junit.xml" → { name: "junit", path: "out/junit.xml" }.
 * Only the first colon splits, so a path may hold colons of its own.
 */
export function parseReporterSpec(spec: string): ReporterSpec {
  const colon = spec.indexOf(':');
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const path = colon < 0 ? undefined : spec.slice(colon + 1).trim();
  if (!isReporterName(name)) {
    const hint = nearestName(name, NAMES);
    throw new InputError(
      'E_UNKNOWN_REPORTER',
      `--reporter: unknown reporter "${name}"${hint ? ` — did you mean "${hint}"?` : ''} (valid reporters: ${NAMES.join(', ')}; write NAME or NAME:PATH)`,
    );
  }
  if (path === '')
    throw new InputError(
      'E_REPORTER_PATH',
      `--reporter: expected a file path after "${name}:", received nothing (write ${name}:PATH, or ${name} alone)`,
    );
  return path === undefined ? { name } : { name, path };
}

/** Builds one reporter from a spec string or a parsed spec. */
export function createReporter(spec: string | ReporterSpec, options: Omit<ReporterOptions, 'path'> = {}): Reporter {
  const parsed = typeof spec === 'string' ? parseReporterSpec(spec) : spec;
  return REPORTERS[parsed.name]({ ...options, ...(parsed.path === undefined ? {} : { path: parsed.path }) });
}

/** Reporters that always write a file, whatever the spec says. */
const FILE_ONLY: readonly ReporterName[] = ['html', 'events', 'dataset'];

/**
 * Builds every `--reporter` the user named, behind one Multiplexer; a bad spec throws before any is
 * built. When every one of them writes to a file, a one-line summary goes to the console as well.
 */
export function createReporters(specs: readonly string[], options: Omit<ReporterOptions, 'path'> = {}): Multiplexer {
  const parsed = specs.map(parseReporterSpec);
  const reporters = parsed.map((spec) => createReporter(spec, options));
  const toFiles = parsed.every((spec) => spec.path !== undefined || FILE_ONLY.includes(spec.name));
  if (parsed.length > 0 && toFiles) {
    const files = parsed.map((spec) => `${spec.name}:${spec.path ?? (spec.name === 'html' ? DEFAULT_HTML_PATH : '')}`);
    reporters.push(new SummaryLineReporter(files, options));
  }
  return new Multiplexer(reporters);
}
