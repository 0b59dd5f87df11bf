import { mkdirSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { DatasetFiles } from '../runtime/execute.ts';
import type { Reporter, ReporterOptions } from './reporter.ts';

/**
 * `--reporter dataset:DIR`: each run's labelled MQTT dataset (docs/dataset.md) — one record per
 * packet the broker saw, with its ground-truth label — as `DIR/<scenario>.seed-<seed>.csv` and
 * `.jsonl`. The runtime builds it (asking for it turns the broker tap on); this only writes it, each
 * file through a temporary one renamed into place, so a reader never sees half a dataset.
 */
export class DatasetReporter implements Reporter {
  readonly #dir: string;

  constructor(options: ReporterOptions = {}) {
    if (options.path === undefined)
      throw new InputError(
        'E_REPORTER_PATH',
        '--reporter dataset needs a directory: write dataset:DIR (it writes a CSV and a JSON Lines file per run there)',
      );
    this.#dir = options.path;
  }

  async onDataset(dataset: DatasetFiles): Promise<void> {
    mkdirSync(this.#dir, { recursive: true });
    const base = datasetBaseName(dataset.scenario, dataset.seed);
    for (const [ext, text] of [
      ['csv', dataset.csv],
      ['jsonl', dataset.jsonl],
    ] as const) {
      const path = join(this.#dir, `${base}.${ext}`);
      await writeFile(`${path}.partial`, text, 'utf8');
      await rename(`${path}.partial`, path);
    }
  }
}

/** `<scenario>.seed-<seed>`, with anything but letters, digits, `_`, `.` and `-` made `-`. */
export function datasetBaseName(scenario: string, seed: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-|-$/g, '');
  return `${safe(scenario)}.seed-${safe(seed)}`;
}

export function createDatasetReporter(options: ReporterOptions = {}): Reporter {
  return new DatasetReporter(options);
}
