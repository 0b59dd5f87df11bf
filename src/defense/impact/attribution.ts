import type { SimEvent } from '../../core/event-log.ts';
import type { ImpactMetric, ImpactWindow } from './metric.ts';

/**
 * The same run without its attacks: same plan, seed and security profile, every attack entry of the
 * timeline still firing at its instant but withheld (no adversary acts), in fast mode. What its events
 * show is what the scenario's own faults cost the patients (an access point's reboot, an occlusion),
 * which an attack must not be charged with.
 */
export interface Counterfactual {
  /** The counterfactual run's events the impact metrics read (the devices', the twin's stale/fresh flags). */
  events: readonly SimEvent[];
  /** Its event log's digest: same seed, same digest, so the subtraction is as repeatable as the run. */
  digest: string;
}

/** One impact metric judged on one attack's window: with the attack, without it, and the attack's share. */
export interface AttributedImpact {
  /** The metric on the run with the attack (null: nothing to judge it by). */
  withAttack: number | null;
  /** The metric on the counterfactual run over the same window; undefined when there was none. */
  without?: number;
  /**
   * What the attack is charged with: `withAttack − without`, at least 0 (an attack that happened to
   * shorten an outage the scenario caused anyway achieved nothing by it); `withAttack` when there is
   * no counterfactual; null when `withAttack` is.
   */
  attributed: number | null;
}

/**
 * An impact metric charged to an attack by counterfactual: the metric over `window` in the run with
 * the attack, less the same metric over the same window in the run without it (a counterfactual with
 * no value for the window — no samples — counts as 0). Both runs share seed and profile, so anything
 * the scenario's own faults did shows in both and cancels.
 */
export function attributeImpact(
  metric: ImpactMetric,
  events: readonly SimEvent[],
  window: ImpactWindow,
  counterfactual?: Pick<Counterfactual, 'events'>,
): AttributedImpact {
  const withAttack = metric.compute(events, window);
  if (counterfactual === undefined) return { withAttack, attributed: withAttack };
  const without = metric.compute(counterfactual.events, window) ?? 0;
  if (withAttack === null) return { withAttack, without, attributed: null };
  // Float noise from summing the same intervals in a different order is not an attack's doing.
  const diff = withAttack - without;
  return { withAttack, without, attributed: diff > 1e-9 ? diff : 0 };
}
