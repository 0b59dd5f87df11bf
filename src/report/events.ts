import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { canonicalJson } from '../core/canonical-json.ts';
import type { LoggedEvent } from '../core/event-log.ts';
import { InputError } from '../core/errors.ts';
import type { RunResult } from '../scenario/result.ts';
import type { Reporter, ReporterOptions, RunBeginInfo } from './reporter.ts';

/**
 * `--reporter events:PATH`: each run's event log as JSON Lines, the same canonical lines the run's
 * digest is the SHA-256 of — so `sha256sum PATH` gives the digest, and line N is event #N, the id every
 * report cites as evidence. Streamed to a temporary file as the run seals events (a long run's log
 * need not fit in memory) and renamed into place when the run ends. With several runs (files or seeds)
 * each gets its own file: `{scenario}` and `{seed}` in PATH are replaced, else `.<scenario>.seed-<seed>`
 * goes before the extension.
 */
export class EventsReporter implements Reporter {
  readonly #path: string;
  #runs = 0;
  #current: { path: string; temp: string; out: WriteStream; failed?: Error } | undefined;

  constructor(options: ReporterOptions = {}) {
    if (options.path === undefined)
      throw new InputError(
        'E_REPORTER_PATH',
        '--reporter events needs a file: write events:PATH (the event log is JSON Lines, not for the console)',
      );
    this.#path = options.path;
  }

  onBegin(info: RunBeginInfo): void {
    const first = this.#runs === 0 && !info.study;
    this.#runs++;
    const path = pathFor(this.#path, info.scenario, info.seed, first);
    const temp = `${path}.partial`;
    mkdirSync(dirname(path), { recursive: true });
    const out = createWriteStream(temp, { flags: 'w', encoding: 'utf8' });
    const current: { path: string; temp: string; out: WriteStream; failed?: Error } = { path, temp, out };
    out.on('error', (error) => (current.failed = error));
    this.#current = current;
  }

  /** A sealed batch of the current run, in log order. */
  onEvents(batch: readonly LoggedEvent[]): void {
    const current = this.#current;
    if (!current) return;
    let text = '';
    for (const e of batch) text += `${canonicalJson({ data: e.data, source: e.source, t: e.t, type: e.type })}\n`;
    current.out.write(text);
  }

  async onRunEnd(_result: RunResult): Promise<void> {
    const current = this.#current;
    this.#current = undefined;
    if (!current) return;
    await new Promise<void>((resolve, reject) => current.out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (current.failed) throw current.failed;
    await rename(current.temp, current.path);
  }
}

/** The file of one run: PATH itself for the first run unless it names its runs, else one derived per run. */
export function pathFor(path: string, scenario: string, seed: string, first: boolean): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '-');
  if (path.includes('{scenario}') || path.includes('{seed}'))
    return path.replaceAll('{scenario}', safe(scenario)).replaceAll('{seed}', safe(seed));
  if (first) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${safe(scenario)}.seed-${safe(seed)}${ext}`;
}

export function createEventsReporter(options: ReporterOptions = {}): Reporter {
  return new EventsReporter(options);
}
