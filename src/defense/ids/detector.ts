import type { SimEvent } from '../../core/event-log.ts';
import type { TechniqueId } from '../techniques.ts';
import type { IdsContext } from './context.ts';
import { compareObservations, type Observation, type ObservedEvent } from './observation.ts';
import { RULE_NAMES, RULES, type RuleName } from './registry.ts';
import type { RuleInstance, Severity } from './rule.ts';

/** The payload of an `ids.alert` event. */
export interface AlertData {
  rule: RuleName;
  severity: Severity;
  techniques: readonly TechniqueId[];
  summary: string;
  /** The client the alert is about (its claimed id, or its authenticated identity). */
  clientId: string;
  device?: string;
  /** Observation ids (their position in the detector's canonical stream, which the dataset export numbers the same way). */
  evidence: readonly number[];
}

export type IdsAlert = SimEvent<'ids.alert', AlertData>;

export interface DetectorStats {
  observations: number;
  alerts: number;
  /** Findings folded into an alert raised for the same rule and subject within `realertMs`. */
  suppressed: number;
}

/**
 * Runs the rules over a stream of observations and turns their findings into `ids.alert` events
 * (source `ids`). Observations are taken in batches — everything up to a sealed instant — and sorted
 * canonically (time, client, then each client's own order) before the rules see them, so alerts and
 * their evidence ids are the same in every run of a seed however the sockets interleaved clients. One alert per rule and subject per `realertMs`.
 */
export class IdsDetector {
  readonly stats: DetectorStats = { observations: 0, alerts: 0, suppressed: 0 };
  readonly #context: IdsContext;
  readonly #rules: { name: RuleName; instance: RuleInstance }[];
  readonly #lastRaised = new Map<string, number>();
  readonly #onObservation: ((o: ObservedEvent) => void) | undefined;
  #lastT = Number.NEGATIVE_INFINITY;

  /** `onObservation` hears each observation once numbered (the labelled dataset export records them). */
  constructor(context: IdsContext, rules: readonly RuleName[] = RULE_NAMES, options: { onObservation?: (o: ObservedEvent) => void } = {}) {
    this.#context = context;
    this.#onObservation = options.onObservation;
    this.#rules = rules.map((name) => ({ name, instance: RULES[name].create(context) }));
  }

  /** Takes the observations of one window (times at or after the previous batch's) and returns the alerts they raise. */
  observe(batch: readonly Observation[]): IdsAlert[] {
    // Stable: each client's observations keep the order they arrived in.
    const sorted = [...batch].sort(compareObservations);
    const alerts: IdsAlert[] = [];
    for (const observation of sorted) {
      if (observation.t < this.#lastT) {
        throw new Error(
          `IdsDetector: observation at t=${observation.t} ms came after one at ${this.#lastT} ms; feed observations window by window in time order`,
        );
      }
      this.#lastT = observation.t;
      const o = { ...observation, id: ++this.stats.observations } as ObservedEvent;
      this.#onObservation?.(o);
      for (const { name, instance } of this.#rules) {
        for (const finding of instance.observe(o)) {
          const key = `${name}\u0000${finding.clientId}\u0000${finding.device ?? ''}\u0000${finding.key ?? ''}`;
          const last = this.#lastRaised.get(key);
          if (last !== undefined && o.t - last < this.#context.thresholds.realertMs) {
            this.stats.suppressed++;
            continue;
          }
          this.#lastRaised.set(key, o.t);
          const rule = RULES[name];
          this.stats.alerts++;
          alerts.push({
            t: o.t,
            source: 'ids',
            type: 'ids.alert',
            data: {
              rule: name,
              severity: finding.severity ?? rule.severity,
              techniques: rule.techniques,
              summary: finding.summary,
              clientId: finding.clientId,
              ...(finding.device === undefined ? {} : { device: finding.device }),
              evidence: finding.evidence,
            },
          });
        }
      }
    }
    return alerts;
  }
}
