import { formatWall, transportCheck } from './format.ts';
import { palette, resolveColor } from './colors.ts';
import type { InvalidFile, Reporter, ReporterOptions } from './reporter.ts';
import type { RunResult, StudyResult } from '../scenario/result.ts';

/** Failing names listed on the line before it says "and N more". */
const MAX_NAMED = 3;

/**
 * One line on the console when every --reporter writes to a file: what passed, what failed and where
 * the reports went — so a CI log never ends in silence. The file reporters stay the full account.
 */
export class SummaryLineReporter implements Reporter {
  readonly #stream: NodeJS.WritableStream;
  readonly #files: readonly string[];
  readonly #color: boolean;
  #passed = 0;
  #failed: string[] = [];
  #wallMs = 0;
  #inStudy = false;

  constructor(files: readonly string[], options: ReporterOptions = {}) {
    this.#files = files;
    this.#stream = options.stream ?? process.stdout;
    this.#color = resolveColor(this.#stream, options.color);
  }

  onBegin(info: { study?: unknown }): void {
    this.#inStudy = info.study !== undefined;
  }

  onRunEnd(r: RunResult): void {
    if (this.#inStudy) return;
    this.#wallMs += r.wallMs;
    if (r.ok) this.#passed++;
    else {
      const failing = [
        ...r.expectations.filter((e) => !e.passed).map((e) => e.name),
        ...(transportCheck(r).passed ? [] : ['transport delivery']),
        ...(r.integrity && !r.integrity.ok ? ['physiology integrity'] : []),
      ];
      this.#failed.push(`${r.scenario.name} seed ${r.seed}: ${failing.join(', ')}`);
    }
  }

  onStudyEnd(s: StudyResult): void {
    this.#inStudy = false;
    this.#wallMs += s.wallMs;
    if (s.ok) this.#passed++;
    else this.#failed.push(`${s.scenario.name}: ${s.runs.filter((r) => !r.ok).length} of ${s.runs.length} seeds failed`);
  }

  onInvalidFile(invalid: InvalidFile): void {
    this.#failed.push(`${invalid.file}: invalid (${invalid.problems.length} problem${invalid.problems.length === 1 ? '' : 's'})`);
  }

  onEnd(): void {
    if (this.#passed + this.#failed.length === 0) return;
    const c = palette(this.#color);
    const ok = this.#failed.length === 0;
    const named = this.#failed.slice(0, MAX_NAMED).join('; ');
    const more = this.#failed.length > MAX_NAMED ? `; and ${this.#failed.length - MAX_NAMED} more` : '';
    const verdict = ok ? c.green(`✓ ${this.#passed} passed`) : `${c.red(`✗ ${this.#failed.length} failed`)}, ${this.#passed} passed`;
    const why = ok ? '' : ` (${named}${more})`;
    this.#stream.write(`medtwin: ${verdict}${why} in ${formatWall(this.#wallMs)} · reports: ${this.#files.join(', ')}\n`);
  }
}
