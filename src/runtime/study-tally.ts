import type { Distribution, RunResult, StudyResult } from '../scenario/result.ts';
import type { SeedSet } from './seeds.ts';

/** A typed array that grows by doubling: a seed's numbers cost 1–8 bytes, not an object each. */
class Column<T extends Float64Array | Int8Array> {
  #data: T;
  #length = 0;

  constructor(private readonly make: (n: number) => T) {
    this.#data = make(64);
  }

  get length(): number {
    return this.#length;
  }

  get bytes(): number {
    return this.#data.byteLength;
  }

  push(value: number): void {
    if (this.#length === this.#data.length) {
      const next = this.make(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.#length++] = value;
  }

  /** Pads with `value` up to `length` (an expectation first seen at a later seed). */
  fill(length: number, value: number): void {
    while (this.#length < length) this.push(value);
  }

  at(index: number): number {
    return this.#data[index]!;
  }

  values(): T {
    return this.#data.subarray(0, this.#length) as T;
  }
}

const floats = () => new Column((n) => new Float64Array(n));
const flags = () => new Column((n) => new Int8Array(n));

/** One expectation across seeds: its verdict (1 passed, 0 failed, -1 absent) and numbers (NaN: none). */
interface ExpectationColumns {
  name: string;
  type: string;
  threshold?: string;
  verdict: Column<Int8Array>;
  measured: Column<Float64Array>;
  figures: Map<string, Column<Float64Array>>;
}

/**
 * Folds the runs of a study into what its report needs, one seed at a time, and keeps nothing else of
 * a run: a seed costs its digest plus a few bytes per expectation and figure (docs/benchmarks.md#study).
 * `result()` builds the StudyResult at any point, so an interrupted study reports every finished seed.
 */
export class StudyTally {
  readonly #seeds: SeedSet;
  readonly #ok = flags();
  readonly #wallMs = floats();
  readonly #digests: string[] = [];
  readonly #expectations = new Map<string, ExpectationColumns>();

  /** `seeds`: the planned seeds, in the order runs will be added (each run's own seed is checked against it). */
  constructor(seeds: SeedSet) {
    this.#seeds = seeds;
  }

  /** Seeds added so far. */
  get count(): number {
    return this.#ok.length;
  }

  /**
   * Bytes held per seed, by structure (typed arrays at their capacity, plus each digest's characters):
   * what a test bounds to show that nothing of a run's series or device table is kept.
   */
  get retainedBytes(): number {
    let bytes = this.#ok.bytes + this.#wallMs.bytes;
    for (const e of this.#expectations.values()) {
      bytes += e.verdict.bytes + e.measured.bytes;
      for (const f of e.figures.values()) bytes += f.bytes;
    }
    for (const d of this.#digests) bytes += d.length;
    return bytes;
  }

  add(run: RunResult): void {
    const index = this.count;
    if (index >= this.#seeds.count) throw new RangeError(`the study planned ${this.#seeds.count} seeds; a run was added past them`);
    const planned = this.#seeds.at(index);
    if (run.seed !== planned)
      throw new RangeError(`runs must be added in seed order: expected seed "${planned}" at ${index}, received "${run.seed}"`);
    this.#ok.push(run.ok ? 1 : 0);
    this.#wallMs.push(run.wallMs);
    this.#digests.push(run.digest);
    for (const e of run.expectations) {
      let columns = this.#expectations.get(e.name);
      if (columns === undefined) {
        columns = { name: e.name, type: e.type, verdict: flags(), measured: floats(), figures: new Map() };
        columns.verdict.fill(index, -1);
        columns.measured.fill(index, Number.NaN);
        this.#expectations.set(e.name, columns);
      }
      columns.threshold ??= e.threshold;
      columns.verdict.push(e.passed ? 1 : 0);
      columns.measured.push(typeof e.measured === 'number' && Number.isFinite(e.measured) ? e.measured : Number.NaN);
      for (const [figure, value] of Object.entries(e.figures ?? {})) {
        let column = columns.figures.get(figure);
        if (column === undefined) {
          column = floats();
          columns.figures.set(figure, column);
        }
        column.fill(index, Number.NaN);
        column.push(Number.isFinite(value) ? value : Number.NaN);
      }
    }
    // An expectation (or figure) this run did not report: absent for this seed.
    for (const columns of this.#expectations.values()) {
      columns.verdict.fill(index + 1, -1);
      columns.measured.fill(index + 1, Number.NaN);
      for (const column of columns.figures.values()) column.fill(index + 1, Number.NaN);
    }
  }

  /**
   * The study so far: pass rates overall and per expectation, the distribution of each measured value
   * and figure, and one replay command per failing seed. `interrupted` marks a study stopped early.
   */
  result(
    scenario: RunResult['scenario'],
    wallMs: number,
    replay: (seed: string) => string,
    interrupted?: StudyResult['interrupted'],
  ): StudyResult {
    const n = this.count;
    if (n === 0 && interrupted === undefined) throw new RangeError('a study that was not interrupted needs at least one seed');
    const seeds = Array.from({ length: n }, (_, i) => this.#seeds.at(i));
    const names = [...this.#expectations.values()];
    const runs = seeds.map((seed, i) => ({
      seed,
      ok: this.#ok.at(i) === 1,
      digest: this.#digests[i]!,
      wallMs: this.#wallMs.at(i),
      failed: names.filter((e) => e.verdict.at(i) === 0).map((e) => e.name),
    }));
    const passed = runs.filter((r) => r.ok).length;
    const expectations = names.map((e) => {
      const verdicts = e.verdict.values();
      const present = verdicts.filter((v) => v !== -1).length;
      const figures: Record<string, Distribution> = {};
      for (const figure of [...e.figures.keys()].sort()) {
        const d = distributionOf(e.figures.get(figure)!.values());
        if (d !== null) figures[figure] = d;
      }
      return {
        name: e.name,
        type: e.type,
        passRate: present === 0 ? 0 : verdicts.filter((v) => v === 1).length / present,
        ...(e.threshold !== undefined ? { threshold: e.threshold } : {}),
        measured: distributionOf(e.measured.values()),
        values: Array.from(e.measured.values(), (v) => (Number.isNaN(v) ? null : v)),
        ...(e.figures.size > 0 ? { figures } : {}),
      };
    });
    return {
      scenario,
      seeds,
      passRate: n === 0 ? 0 : passed / n,
      ok: passed === n && interrupted === undefined,
      wallMs,
      ...(interrupted ? { interrupted } : {}),
      runs,
      expectations,
      replay: runs.filter((r) => !r.ok).map((r) => replay(r.seed)),
    };
  }
}

/** The distribution of the numbers in a column (NaN: no value), or null when there are none. */
function distributionOf(column: Float64Array): Distribution | null {
  const values = column.filter((v) => !Number.isNaN(v));
  return values.length === 0 ? null : distribution(values);
}

/** min, p50, p95 (nearest rank), max and mean of a non-empty sample. */
export function distribution(values: readonly number[] | Float64Array): Distribution {
  const sorted = Float64Array.from(values).sort();
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    n: sorted.length,
    min: sorted[0]!,
    p50: rank(0.5),
    p95: rank(0.95),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}
