import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { canonicalJson } from '../core/canonical-json.ts';
import { InputError } from '../core/errors.ts';
import type { RunSecurity } from './run-security.ts';

/** A run's research export being written (`medtwin run --research-export PATH`). */
export interface ResearchExportFile {
  readonly path: string;
  /** Finishes the file and moves it into place; call once the run's log is sealed. */
  finish(): Promise<void>;
  /** Removes the unfinished file (the run failed). */
  abandon(): Promise<void>;
}

/**
 * Streams what a run's research-export consumer releases to `path` as JSON Lines, one record a line:
 * `{"kind","patient","t","values"}` in canonical JSON — the device kind, the patient's pseudonym, the
 * simulation time and the telemetry body as the device sent it. Only consenting patients' records
 * reach it (run-security.ts decides, at each record's time); what was withheld is counted in the
 * run's report, never written. The records come from the sealed event log, so the same scenario, seed
 * and profile write the same bytes. Written to `PATH.partial` and renamed at the end, so a file at
 * PATH is always a whole export.
 */
export async function openResearchExport(security: RunSecurity | undefined, path: string): Promise<ResearchExportFile> {
  const exporter = security?.researchExport;
  if (exporter === undefined) {
    throw new InputError(
      'E_RESEARCH_EXPORT',
      `--research-export ${path}: the research export is gated by the consent control, which this run does not have: run with --security baseline or hardened, or set security.controls.consent in the scenario`,
    );
  }
  const temp = `${path}.partial`;
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    throw new InputError('E_RESEARCH_EXPORT', `--research-export ${path}: cannot create its folder (${(error as Error).message})`);
  }
  const out = createWriteStream(temp, { flags: 'w', encoding: 'utf8' });
  let failed: Error | undefined;
  out.on('error', (error) => (failed ??= error));
  await new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', (error) =>
      reject(new InputError('E_RESEARCH_EXPORT', `--research-export ${path}: cannot write there (${error.message})`)),
    );
  });
  // One write per sealed batch, not per record: a large fleet releases thousands a second.
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    out.write(pending);
    pending = '';
  };
  exporter.onRelease((record) => {
    pending += `${canonicalJson(record)}\n`;
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  });
  const end = () => new Promise<void>((resolve) => out.end(() => resolve()));
  return {
    path,
    async finish() {
      flush();
      await end();
      if (failed) throw new Error(`--research-export ${path}: writing failed (${failed.message})`);
      await rename(temp, path);
    },
    async abandon() {
      await end();
      await rm(temp, { force: true });
    },
  };
}
