import type { LoggedEvent } from '../../core/event-log.ts';
import { Rng } from '../../core/rng.ts';
import { PatientDevices } from '../../defense/impact/patients.ts';
import type { FleetPlan } from '../../fleet/fleet-spec.ts';
import type { Plan } from '../plan.ts';
import type { Expectation } from '../schema.ts';
import { createDetectionJudge } from './detection.ts';
import { createFalseAlarmsJudge } from './false-alarms.ts';
import { createInvariantJudge } from './invariant.ts';
import { INVARIANTS } from './invariants/index.ts';
import type { InvariantRegistry } from './invariants/invariant.ts';
import type { Judge, JudgeEnv, Verdict } from './judge.ts';
import { createMetricJudge } from './metric.ts';
import { METRICS, TallyBook, type MetricRegistry } from './metrics/index.ts';
import { createNoDetectionJudge } from './no-detection.ts';
import { createDetectedJudge } from './detected.ts';
import { createNoFalseAlertsJudge } from './no-false-alerts.ts';
import { createPreventedJudge } from './prevented.ts';
import type { RunContext } from './run-context.ts';
import { selectDevices } from './select.ts';

export type { Judge, JudgeEnv, Verdict } from './judge.ts';
export type { RunContext, DeliveryCounts } from './run-context.ts';
export { deliveryOf } from './run-context.ts';
export { METRICS, METRIC_NAMES, DeviceTally, TallyBook } from './metrics/index.ts';
export type { MetricContext, MetricDefinition, MetricName, MetricRegistry } from './metrics/index.ts';
export { INVARIANTS, INVARIANT_NAMES, defineInvariant } from './invariants/index.ts';
export type { InvariantDefinition, InvariantName, InvariantRegistry, Violation } from './invariants/index.ts';
export { selectDevices, describeSelector } from './select.ts';
export { DetectionTracker, describeSignal } from './detection-tracker.ts';
export { FALSE_ALARM_GRACE_MS } from './false-alarms.ts';
export * as eventData from './event-data.ts';

export interface JudgeOptions {
  fleetPlan: FleetPlan;
  /** The plan, for its seed (count/fraction sampling in targets). */
  plan?: Pick<Plan, 'seed'>;
  /** The run's seed when it overrides the plan's. */
  seed?: string | number;
  /** Extra or replacement metrics and invariants (the built-in registries otherwise). */
  registries?: { metrics?: MetricRegistry; invariants?: InvariantRegistry };
}

/**
 * One judge per expectation, in order. Feed every sealed batch to each judge's `onEvents` (or use
 * `feedJudges`), then call `finish(context)` once the run has ended. Throws an InputError for an
 * unknown metric or invariant, or invalid invariant params.
 */
export function createJudges(expectations: readonly Expectation[], options: JudgeOptions): Judge[] {
  const { fleetPlan } = options;
  const rng = new Rng(options.seed ?? options.plan?.seed ?? 1).fork('expectations');
  let book: TallyBook | undefined;
  const env: JudgeEnv = {
    fleetPlan,
    deviceById: new Map(fleetPlan.devices.map((d) => [d.id, d])),
    select: (selector, name) => selectDevices(selector, fleetPlan.devices, rng.fork(`target:${name}`)),
    tallies: () => (book ??= new TallyBook(fleetPlan.devices)),
    metrics: options.registries?.metrics ?? METRICS,
    patients: new PatientDevices(fleetPlan.devices),
    invariants: options.registries?.invariants ?? INVARIANTS,
    rng,
  };
  return expectations.map((expectation) => {
    switch (expectation.type) {
      case 'detection':
        return createDetectionJudge(expectation);
      case 'no-detection':
        return createNoDetectionJudge(expectation);
      case 'false-alarms':
        return createFalseAlarmsJudge(expectation, env);
      case 'metric':
        return createMetricJudge(expectation, env);
      case 'invariant':
        return createInvariantJudge(expectation, env);
      case 'prevented':
        return createPreventedJudge(expectation, env.patients);
      case 'detected':
        return createDetectedJudge(expectation);
      case 'no-false-alerts':
        return createNoFalseAlertsJudge(expectation);
    }
  });
}

/** Hands a batch to every judge. */
export function feedJudges(judges: readonly Judge[], batch: readonly LoggedEvent[]): void {
  for (const judge of judges) judge.onEvents(batch);
}

/** Every judge's verdict, in expectation order. */
export function finishJudges(judges: readonly Judge[], context?: RunContext): Verdict[] {
  return judges.map((judge) => judge.finish(context));
}
