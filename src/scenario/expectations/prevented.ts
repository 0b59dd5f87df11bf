import type { LoggedEvent, SimEvent } from '../../core/event-log.ts';
import { ATTACKS } from '../../defense/attacks/registry.ts';
import { IMPACT_METRICS, type ImpactMetricName } from '../../defense/impact/registry.ts';
import type { Expectation } from '../schema.ts';
import { type AttackLaunchRecord, AttackLaunches } from './attack-launches.ts';
import { evidenceIds, formatSimTime, listSome } from './format.ts';
import { endOf, type Judge, type Verdict } from './judge.ts';
import type { RunContext } from './run-context.ts';

type PreventedExpectation = Extract<Expectation, { type: 'prevented' }>;

/** Response metrics, not effects on a patient: they say nothing about what an attack achieved. */
const RESPONSE_METRICS = new Set<string>(['time-to-detection', 'time-to-containment']);

/**
 * `prevented`: every launch of `of` achieved nothing under the controls in force. A launch achieved
 * something when the broker let it read (a subscription granted, a device's messages reached it), when
 * its target acted on a command at the instant it struck (a forged command received), or when one of
 * the clinical-impact metrics its catalogue entry names is non-zero on its target from the launch to
 * the end of the run. Keeps the target devices' events in memory to compute those metrics.
 * Vacuous runs fail: without a launch nothing was prevented.
 */
export function createPreventedJudge(expectation: PreventedExpectation): Judge {
  const { name, of } = expectation;
  const launches = new AttackLaunches(of);
  const kept: SimEvent[] = [];
  let lastT = 0;
  return {
    name,
    type: 'prevented',
    onEvents(batch: readonly LoggedEvent[]) {
      for (const event of batch) {
        launches.onEvent(event);
        // The impact metrics read devices' own events; the adversary's, the IDS's and the twin's are not needed.
        if (event.source !== 'adversary' && event.source !== 'ids' && event.source !== 'twin') kept.push(event);
        lastT = event.t;
      }
    },
    finish(context?: RunContext): Verdict {
      const end = endOf(context, lastT);
      const all = launches.all;
      const threshold = 'achieved nothing';
      if (all.length === 0)
        return { name, type: 'prevented', passed: false, measured: null, threshold, message: `${of} was never launched`, evidence: [] };
      const achieved = all.map((launch) => ({ launch, what: achievements(launch, kept, end) })).filter((a) => a.what.length > 0);
      const passed = achieved.length === 0;
      const refused = all.reduce((n, l) => n + l.refused, 0);
      const message = passed
        ? `${all.length} launch${all.length === 1 ? '' : 'es'} of ${of} achieved nothing` +
          (refused > 0 ? ` (${refused} connection${refused === 1 ? '' : 's'} refused)` : '')
        : `${achieved.length} of ${all.length} launch${all.length === 1 ? '' : 'es'} of ${of} achieved something: ` +
          listSome(
            achieved.map((a) => `at ${formatSimTime(a.launch.at)} on ${a.launch.device}: ${a.what.join(', ')}`),
            3,
          );
      return {
        name,
        type: 'prevented',
        passed,
        measured: achieved.length,
        threshold,
        message,
        evidence: evidenceIds((passed ? all : achieved.map((a) => a.launch)).map((l) => l.eventId)),
      };
    },
  };
}

/** What one launch achieved, in words (empty: nothing). */
function achievements(launch: AttackLaunchRecord, events: readonly SimEvent[], end: number): string[] {
  const out: string[] = [];
  if (launch.granted.length > 0) out.push(`subscribed to ${launch.granted.join(', ')}`);
  if ((launch.exposed ?? []).length > 0)
    out.push(`read ${launch.exposed!.length} device${launch.exposed!.length === 1 ? '' : 's'}' messages`);
  if (events.some((e) => e.t === launch.at && e.source === launch.device && e.type === 'command.received'))
    out.push(`${launch.device} acted on a command at ${formatSimTime(launch.at)}`);
  const definition = (ATTACKS as Record<string, { impacts: readonly ImpactMetricName[] }>)[launch.attack];
  const window = { device: launch.device, from: launch.at, to: end };
  for (const metric of definition?.impacts ?? []) {
    if (RESPONSE_METRICS.has(metric)) continue;
    const { compute, unit } = IMPACT_METRICS[metric];
    const value = compute(events, window);
    if (value !== null && value !== 0) out.push(`${metric} ${Number(value.toFixed(2))} ${unit}`);
  }
  return out;
}
