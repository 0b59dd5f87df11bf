import { formatDuration } from '../core/duration.ts';
import { InputError } from '../core/errors.ts';
import type { Plan } from './plan.ts';

/**
 * Checks a duration given on the command line (`--duration`) against what the plan schedules: a
 * fault, command, meal or clinical event that would start after the run ends would silently never
 * happen, and an expectation about it would then fail for the wrong reason. The loader checks the
 * file's own duration the same way; this is the same rule for the override. Throws an InputError
 * (exit 2) naming every late entry and the shortest duration that fits.
 */
export function checkDurationOverride(plan: Plan, durationMs: number, flag = '--duration'): void {
  const late: { what: string; at: number }[] = [];
  const note = (what: string, at: number | undefined) => {
    if (at !== undefined && at > durationMs) late.push({ what, at });
  };
  (plan.timeline ?? []).forEach((entry, i) => {
    note(`timeline[${i}] (${entry.id ?? entry.fault}) starts at`, entry.at);
    // A repeating or triggered entry's end is its own business; only its start must fall in the run.
  });
  (plan.commands ?? []).forEach((entry, i) => note(`commands[${i}] is sent at`, entry.at));
  (plan.patients?.meals ?? []).forEach((meal, i) => note(`patients.meals[${i}] is at`, meal.at));
  (plan.patients?.events ?? []).forEach((event, i) => note(`patients.events[${i}] (${event.event}) is at`, event.at));
  if (late.length === 0) return;
  const needed = Math.max(...late.map((l) => l.at));
  const lines = late.map((l) => `  ${l.what} ${formatDuration(l.at)}`);
  throw new InputError(
    'E_DURATION_TOO_SHORT',
    `${flag} ${formatDuration(durationMs)} ends ${plan.source ?? plan.name} before ${late.length === 1 ? 'this entry starts' : `these ${late.length} entries start`}:\n` +
      `${lines.join('\n')}\n` +
      `They would never happen. Give ${flag} ${formatDuration(needed)} or more, or leave it out (the scenario's own duration is ${formatDuration(plan.durationMs)}).`,
  );
}
