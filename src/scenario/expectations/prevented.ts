import type { LoggedEvent, SimEvent } from '../../core/event-log.ts';
import { ATTACKS } from '../../defense/attacks/registry.ts';
import { PatientDevices } from '../../defense/impact/patients.ts';
import { IMPACT_METRICS, type ImpactMetricName } from '../../defense/impact/registry.ts';
import type { Expectation } from '../schema.ts';
import { type AttackLaunchRecord, AttackLaunches } from './attack-launches.ts';
import { evidenceIds, formatSimTime, listSome } from './format.ts';
import { endOf, type Judge, type Verdict } from './judge.ts';
import type { RunContext } from './run-context.ts';

type PreventedExpectation = Extract<Expectation, { type: 'prevented' }>;

/**
 * `prevented`: every launch of `of` achieved nothing under the controls in force. A launch achieved
 * something when the broker let it read (a subscription granted, a device's messages reached it), when
 * its target acted on a command at the instant it struck (a forged command received), or when one of
 * the clinical-impact metrics its catalogue entry names is non-zero on its target from the launch to
 * the end of the run, judged over the target's patient (all of that patient's devices; the whole
 * fleet for a site-wide metric). Keeps the devices' events in memory to compute those metrics.
 * Vacuous runs fail: without a launch nothing was prevented.
 */
export function createPreventedJudge(expectation: PreventedExpectation, patients: PatientDevices = new PatientDevices([])): Judge {
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
        if (keepForImpact(event)) kept.push(event);
        lastT = event.t;
      }
    },
    finish(context?: RunContext): Verdict {
      const end = endOf(context, lastT);
      const all = launches.all;
      const threshold = 'achieved nothing';
      if (all.length === 0)
        return { name, type: 'prevented', passed: false, measured: null, threshold, message: `${of} was never launched`, evidence: [] };
      const achieved = all.map((launch) => ({ launch, what: achievements(launch, kept, end, patients) })).filter((a) => a.what.length > 0);
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
function achievements(launch: AttackLaunchRecord, events: readonly SimEvent[], end: number, patients: PatientDevices): string[] {
  const out: string[] = [];
  if (launch.granted.length > 0) out.push(`subscribed to ${launch.granted.join(', ')}`);
  if ((launch.exposed ?? []).length > 0)
    out.push(`read ${launch.exposed!.length} device${launch.exposed!.length === 1 ? '' : 's'}' messages`);
  if (events.some((e) => e.t === launch.at && e.source === launch.device && e.type === 'command.received'))
    out.push(`${launch.device} acted on a command at ${formatSimTime(launch.at)}`);
  const definition = (ATTACKS as Record<string, { impacts: readonly ImpactMetricName[] }>)[launch.attack];
  for (const name of definition?.impacts ?? []) {
    const metric = IMPACT_METRICS[name];
    if (metric.response) continue;
    const value = metric.compute(events, patients.windowFor(metric, launch.device, launch.at, end));
    if (value !== null && value !== 0) out.push(`${name} ${Number(value.toFixed(2))} ${metric.unit}`);
  }
  return out;
}

/**
 * What the impact metrics read: the devices' own events, the twin's stale and fresh flags (devices
 * unavailable) and the adversary's account of what it exposed; not the IDS's alerts nor the rest of
 * the adversary's and twin's events.
 */
export function keepForImpact(event: SimEvent): boolean {
  if (event.source === 'ids') return false;
  if (event.source === 'twin') return event.type === 'twin.stale' || event.type === 'twin.fresh' || event.type.startsWith('twin.alarm.');
  if (event.source === 'adversary') return event.type === 'attack.ended';
  return true;
}
