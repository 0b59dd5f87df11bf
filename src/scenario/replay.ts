import { formatDuration } from '../core/duration.ts';
import type { RunResult } from './result.ts';

/** The command that replays a run exactly: its scenario file, its seed, and its duration if overridden. */
export function replayCommand(run: Pick<RunResult, 'scenario' | 'seed' | 'durationMs'>): string {
  const { scenario, seed, durationMs } = run;
  const duration = durationMs === scenario.durationMs ? '' : ` --duration ${formatDuration(durationMs)}`;
  return `medtwin run ${shellQuote(scenario.file ?? scenario.name)} --seed ${shellQuote(seed)}${duration}`;
}

/** A word as a POSIX shell reads it back: bare when safe, else single-quoted. */
export function shellQuote(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
