import type { LoggedEvent, SimEvent } from '../core/event-log.ts';
import { DEVICES } from '../../devices/index.ts';
import { PatientDevices } from '../defense/impact/patients.ts';
import { planFleet } from '../fleet/fleet-spec.ts';
import { AttackLaunches } from '../scenario/expectations/attack-launches.ts';
import { createDetectedJudge } from '../scenario/expectations/detected.ts';
import type { Judge } from '../scenario/expectations/judge.ts';
import { clinicalImpactNames, createPreventedJudge, impacts, keepForImpact } from '../scenario/expectations/prevented.ts';
import type { Counterfactual } from '../defense/impact/attribution.ts';
import type { Plan } from '../scenario/plan.ts';

/** What one run says about one attack entry of its timeline (`medtwin matrix`). */
export interface AttackObservation {
  /** The timeline entry's id. */
  id: string;
  /** The attack's catalogue name, e.g. `attack.forged-pause`. */
  attack: string;
  /** The `prevented` judgement: every launch achieved nothing. */
  prevented: boolean;
  /** The `detected` judgement over the rest of the run (any alert by the attack's rules). */
  detected: boolean;
  /** Mean time to detection over the launches, seconds of simulated time; null when none was detected. */
  mttdS: number | null;
  /**
   * The attack's clinical-impact metrics (its catalogue's `impacts`, response metrics apart) on the
   * target's patient, summed over launches, by name: each charged to the attack by counterfactual
   * (the value less the same run's without the attacks, src/defense/impact/attribution.ts).
   */
  impact: Record<string, number>;
}

/** The timeline entries of a plan that are attacks. */
export function attackEntries(plan: Plan): { id: string; attack: string }[] {
  return (
    (plan.timeline ?? [])
      .filter((entry) => entry.fault.startsWith('attack.'))
      // An entry without an id is followed by its attack's name (every launch of it), as an expectation's `of` would be.
      .map((entry) => ({ id: entry.id ?? entry.fault, attack: entry.fault }))
  );
}

/**
 * Watches one run's events for the attacks of a plan and judges each the way the `prevented` and
 * `detected` expectations do (the same judges, so the matrix and a scenario's verdicts cannot
 * disagree), with detection allowed until the run's end. Keeps the target devices' events for the
 * impact metrics, as the prevented judge does.
 */
export class AttackProbe {
  readonly #entries: { id: string; attack: string; prevented: Judge; detected: Judge; launches: AttackLaunches }[];
  readonly #kept: SimEvent[] = [];
  readonly #patients: PatientDevices;
  #lastT = 0;

  constructor(plan: Plan) {
    // The run lays its fleet out the same way (run.ts): the patients' devices, for impact per patient.
    this.#patients = new PatientDevices(
      planFleet(plan.fleet, (kind) => (DEVICES as Record<string, { idPrefix?: string }>)[kind]?.idPrefix ?? kind).devices,
    );
    const patients = this.#patients;
    this.#entries = attackEntries(plan).map(({ id, attack }) => ({
      id,
      attack,
      prevented: createPreventedJudge({ type: 'prevented', name: `${id} prevented`, of: id }, patients),
      detected: createDetectedJudge({ type: 'detected', name: `${id} detected`, of: id, within: plan.durationMs }),
      launches: new AttackLaunches(id),
    }));
  }

  readonly onEvents = (batch: readonly LoggedEvent[]): void => {
    for (const entry of this.#entries) {
      entry.prevented.onEvents(batch);
      entry.detected.onEvents(batch);
      for (const event of batch) entry.launches.onEvent(event);
    }
    for (const event of batch) {
      if (keepForImpact(event)) this.#kept.push(event);
      this.#lastT = event.t;
    }
  };

  /**
   * Whether the impacts would charge an attack with something the same run without it may show too:
   * then the matrix gives `finish` the counterfactual run (counterfactual.ts).
   */
  needsCounterfactual(simulatedMs: number): boolean {
    const end = Math.max(simulatedMs, this.#lastT);
    return this.#entries.some(({ launches }) =>
      launches.all.some((launch) => impacts(launch, this.#kept, end, this.#patients).some(({ value }) => (value.attributed ?? 0) !== 0)),
    );
  }

  /** Each attack entry's observation; with a counterfactual, its impacts are what the run without the attacks lacks. */
  finish(simulatedMs: number, counterfactual?: Counterfactual): AttackObservation[] {
    const end = Math.max(simulatedMs, this.#lastT);
    const context = { simulatedMs: end, ...(counterfactual ? { counterfactual } : {}) };
    return this.#entries.map(({ id, attack, prevented, detected, launches }) => {
      const p = prevented.finish(context);
      const d = detected.finish(context);
      const impact: Record<string, number> = {};
      for (const name of clinicalImpactNames(attack)) impact[name] = 0;
      for (const launch of launches.all)
        for (const { name, value } of impacts(launch, this.#kept, end, this.#patients, counterfactual))
          impact[name] = (impact[name] ?? 0) + (value.attributed ?? 0);
      return { id, attack, prevented: p.passed, detected: d.passed, mttdS: typeof d.measured === 'number' ? d.measured : null, impact };
    });
  }
}
