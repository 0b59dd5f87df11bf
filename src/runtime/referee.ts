import type { EventLog } from '../core/event-log.ts';
import type { FleetPlan } from '../fleet/fleet-spec.ts';
import { createJudges, feedJudges, finishJudges } from '../scenario/expectations/index.ts';
import type { Judge } from '../scenario/expectations/judge.ts';
import type { RunContext } from '../scenario/expectations/run-context.ts';
import type { Plan } from '../scenario/plan.ts';
import type { ExpectationResult } from '../scenario/result.ts';
import { Collector } from './collector.ts';

/**
 * What watches the event log for the result: the collector (devices, alarms, twin, injections,
 * series) and the plan's expectations' judges, both fed every sealed batch.
 */
export class Referee {
  readonly collector: Collector;
  #judges: Judge[];

  constructor(plan: Plan, fleetPlan: FleetPlan, seed: string, log: EventLog) {
    // Plot the devices the timeline will hit from the start, not only from their first fault.
    const targeted = (plan.timeline ?? []).flatMap((e) =>
      typeof e.target?.device === 'string' ? [e.target.device] : (e.target?.device ?? []),
    );
    this.collector = new Collector(fleetPlan, { seriesFor: targeted });
    this.collector.attach(log);
    this.#judges = createJudges(plan.expectations ?? [], { fleetPlan, plan, seed });
    log.subscribe((batch) => feedJudges(this.#judges, batch));
  }

  /** The verdicts on what the log holds so far (`live`: some cannot be judged yet), or final ones. */
  verdicts(context: RunContext): ExpectationResult[] {
    return finishJudges(this.#judges, context);
  }

  /** Whether a judge would charge an attack with an impact the run without it must be checked for (Judge.needsCounterfactual). */
  needsCounterfactual(context: RunContext): boolean {
    return this.#judges.some((judge) => judge.needsCounterfactual?.(context) === true);
  }
}
