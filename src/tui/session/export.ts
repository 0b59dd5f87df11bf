import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderHtml } from '../../report/html.ts';
import { toJson } from '../../report/json.ts';
import type { RunLike } from '../run-like.ts';
import type { EventFile } from './event-file.ts';
import type { RecordedAction } from './recorder.ts';
import { sessionScenario } from './scenario-file.ts';

export interface ExportOutcome {
  dir: string;
  /** Files written, by name. */
  files: string[];
  /** What could not be written, and why. */
  notes: string[];
}

/**
 * Saves a session: its event log so far (`events.jsonl`), the scenario it ran with its seed and the
 * actions taken by hand (`scenario.yaml`, for `medtwin run`), and — once the run has finished and
 * been judged — its report (`report.json`, `report.html`), the same a CI run writes.
 */
export async function exportSession(o: {
  run: RunLike;
  actions: readonly RecordedAction[];
  events: EventFile;
  dir: string;
}): Promise<ExportOutcome> {
  const { run, dir } = o;
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const notes: string[] = [];
  // The report first: judging the finished run seals the rest of its log into the event file.
  if (run.status().phase === 'finished' && run.result) {
    const result = run.result();
    await writeFile(join(dir, 'report.json'), `${toJson(result)}\n`);
    await writeFile(join(dir, 'report.html'), renderHtml([result]));
    files.push('report.json', 'report.html');
  } else notes.push('no report yet: a run is judged when it has finished');
  await o.events.saveTo(join(dir, 'events.jsonl'));
  files.push('events.jsonl');
  if (run.plan.source !== undefined) {
    const source = await readFile(run.plan.source, 'utf8');
    await writeFile(join(dir, 'scenario.yaml'), sessionScenario({ source, seed: run.seed, actions: o.actions }));
    files.push('scenario.yaml');
  } else notes.push('no scenario.yaml: this run was not loaded from a file');
  return { dir, files, notes };
}
