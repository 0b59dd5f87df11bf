import type { LoggedEvent, SimEvent } from '../../core/event-log.ts';
import { ATTACKS } from '../../defense/attacks/registry.ts';
import { type AttributedImpact, attributeImpact, type Counterfactual } from '../../defense/impact/attribution.ts';
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
 * the clinical-impact metrics its catalogue entry names is charged to it on its target's patient (all
 * of that patient's devices; the whole fleet for a site-wide metric) from the launch to the end of the
 * run. A metric is charged by counterfactual (src/defense/impact/attribution.ts): its value in this
 * run less its value over the same window in the same run with the attacks withheld, so a scenario's
 * own outage is not the attack's doing. The judge asks for that run only when some metric is non-zero
 * here (needsCounterfactual); finished without it, it charges the whole value. Keeps the devices'
 * events in memory to compute those metrics. Vacuous runs fail: without a launch nothing was prevented.
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
    needsCounterfactual(context?: RunContext): boolean {
      if (context?.counterfactual !== undefined) return false;
      const end = endOf(context, lastT);
      return launches.all.some((launch) => impacts(launch, kept, end, patients).some(({ value }) => charged(value)));
    },
    finish(context?: RunContext): Verdict {
      const end = endOf(context, lastT);
      const all = launches.all;
      const threshold = 'achieved nothing';
      if (all.length === 0)
        return { name, type: 'prevented', passed: false, measured: null, threshold, message: `${of} was never launched`, evidence: [] };
      const counterfactual = context?.counterfactual;
      const achieved = all
        .map((launch) => ({ launch, what: achievements(launch, kept, end, patients, counterfactual) }))
        .filter((a) => a.what.length > 0);
      const passed = achieved.length === 0;
      const refused = all.reduce((n, l) => n + l.refused, 0);
      const notes = [
        ...(refused > 0 ? [`${refused} connection${refused === 1 ? '' : 's'} refused`] : []),
        // What the run showed that the counterfactual showed too: said, so a reader sees why it was not charged.
        ...(passed && counterfactual !== undefined ? excused(all, kept, end, patients, counterfactual) : []),
      ];
      const message = passed
        ? `${all.length} launch${all.length === 1 ? '' : 'es'} of ${of} achieved nothing` +
          (notes.length > 0 ? ` (${notes.join('; ')})` : '')
        : `${achieved.length} of ${all.length} launch${all.length === 1 ? '' : 'es'} of ${of} achieved something: ` +
          listSome(
            achieved.map((a) => `at ${formatSimTime(a.launch.at)} on ${a.launch.device}: ${a.what.join(', ')}`),
            3,
          ) +
          // Judged live (the TUI) or by a caller that ran no counterfactual: the scenario's own harm is
          // charged too, and the reader must know the figure is an upper bound.
          (counterfactual === undefined && achieved.some((a) => impacts(a.launch, kept, end, patients).some(({ value }) => charged(value)))
            ? ' — every impact charged: not compared with the same run without its attacks (medtwin run does that)'
            : '');
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
function achievements(
  launch: AttackLaunchRecord,
  events: readonly SimEvent[],
  end: number,
  patients: PatientDevices,
  counterfactual?: Counterfactual,
): string[] {
  const out: string[] = [];
  if (launch.granted.length > 0) out.push(`subscribed to ${launch.granted.join(', ')}`);
  if ((launch.exposed ?? []).length > 0)
    out.push(`read ${launch.exposed!.length} device${launch.exposed!.length === 1 ? '' : 's'}' messages`);
  if (events.some((e) => e.t === launch.at && e.source === launch.device && e.type === 'command.received'))
    out.push(`${launch.device} acted on a command at ${formatSimTime(launch.at)}`);
  for (const { name, unit, value } of impacts(launch, events, end, patients, counterfactual)) {
    if (value.attributed === null || value.attributed === 0) continue;
    const without = value.without === undefined ? '' : ` (${round(value.withAttack!)} with it, ${round(value.without)} without)`;
    out.push(`${name} ${round(value.attributed)} ${unit}${without}`);
  }
  return out;
}

/** The clinical-impact metrics an attack's catalogue entry names, response metrics apart. */
export function clinicalImpactNames(attack: string): ImpactMetricName[] {
  return ((ATTACKS as Record<string, { impacts: readonly ImpactMetricName[] }>)[attack]?.impacts ?? []).filter(
    (name) => !IMPACT_METRICS[name].response,
  );
}

/** The impact metrics of a launch's catalogue entry (response metrics apart), each charged to it. */
export function impacts(
  launch: Pick<AttackLaunchRecord, 'attack' | 'device' | 'at'>,
  events: readonly SimEvent[],
  end: number,
  patients: PatientDevices,
  counterfactual?: Pick<Counterfactual, 'events'>,
): { name: ImpactMetricName; unit: string; value: AttributedImpact }[] {
  return clinicalImpactNames(launch.attack).map((name) => {
    const metric = IMPACT_METRICS[name];
    return {
      name,
      unit: metric.unit,
      value: attributeImpact(metric, events, patients.windowFor(metric, launch.device, launch.at, end), counterfactual),
    };
  });
}

/** The impacts the run showed that the counterfactual showed too, in words: what the attack was not charged with. */
function excused(
  launches: readonly AttackLaunchRecord[],
  events: readonly SimEvent[],
  end: number,
  patients: PatientDevices,
  counterfactual?: Counterfactual,
): string[] {
  if (counterfactual === undefined) return [];
  return launches.flatMap((launch) =>
    impacts(launch, events, end, patients, counterfactual)
      .filter(({ value }) => value.withAttack !== null && value.withAttack !== 0)
      .map(({ name, unit, value }) => `${name} ${round(value.withAttack!)} ${unit}, as much without the attack`),
  );
}

const round = (value: number): number => Number(value.toFixed(2));
const charged = (value: AttributedImpact): boolean => value.attributed !== null && value.attributed !== 0;

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
