import type { LoggedEvent } from '../../core/event-log.ts';
import type { Rng } from '../../core/rng.ts';
import type { PatientDevices } from '../../defense/impact/patients.ts';
import type { FleetPlan, PlannedDevice } from '../../fleet/fleet-spec.ts';
import type { ExpectationResult } from '../result.ts';
import type { Expectation, Selector } from '../schema.ts';
import type { InvariantRegistry } from './invariants/invariant.ts';
import type { MetricRegistry, TallyBook } from './metrics/index.ts';
import type { RunContext } from './run-context.ts';

/** A verdict on one expectation: the run result's `ExpectationResult`. */
export type Verdict = ExpectationResult;

/**
 * Judges one expectation: it watches the sealed event stream as it goes (bounded memory) and gives its
 * verdict when the run ends.
 */
export interface Judge {
  readonly name: string;
  readonly type: Expectation['type'];
  /** Takes a batch of sealed events, in canonical order. */
  onEvents(batch: readonly LoggedEvent[]): void;
  /** The verdict; the context brings what only the live run knows (delivery counts, run length). */
  finish(context?: RunContext): Verdict;
  /**
   * Whether the verdict at the end of the run would charge an attack with an impact that the same run
   * without its attacks might show too (a scenario's own outage): then the runner runs the
   * counterfactual (src/runtime/counterfactual.ts) and finishes the judge with it in the context.
   */
  needsCounterfactual?(context?: RunContext): boolean;
}

/** What a judge factory gets besides its expectation. */
export interface JudgeEnv {
  fleetPlan: FleetPlan;
  deviceById: ReadonlyMap<string, PlannedDevice>;
  /** The devices a selector picks (count/fraction sampled from a stream named after the expectation). */
  select(selector: Selector | undefined, expectationName: string): PlannedDevice[];
  /** A per-device tally shared by every judge that needs one (fed once per event). */
  tallies(): TallyBook;
  metrics: MetricRegistry;
  /** Which devices are whose patient (the impact metrics judge a patient across all its devices). */
  patients: PatientDevices;
  invariants: InvariantRegistry;
  rng: Rng;
}

/** End of the run for a verdict: the context's, else what the log said. */
export function endOf(context: RunContext | undefined, fallback: number): number {
  return context?.simulatedMs ?? fallback;
}
