import type { TechniqueId } from '../techniques.ts';
import type { IdsContext } from './context.ts';
import type { ObservedEvent } from './observation.ts';

/** IEC 62443 / CVSS-style qualitative levels; a clean ward under `hardened` must raise nothing above `low`. */
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a rule found in one observation: the detector turns it into an `ids.alert` event. */
export interface Finding {
  /** One line a security analyst reads first. */
  summary: string;
  /** Observation ids that show it (the evidence references). */
  evidence: readonly number[];
  /** The client (and device, when one is involved) the alert is about; the detector de-duplicates per rule and subject. */
  clientId: string;
  device?: string;
  /** Tells findings of one rule and subject apart for de-duplication (e.g. a program from a bolus); default none. */
  key?: string;
  /** Overrides the rule's severity for this finding (e.g. a hard-limit breach is worse than a soft one). */
  severity?: Severity;
}

/** A rule's running state over one stream of observations, created per run. */
export interface RuleInstance {
  observe(o: ObservedEvent): readonly Finding[];
}

/**
 * One detection rule. Rules are deterministic: the same observations in the same order give the same
 * findings. Each one says why it exists (`rationale`, with its sources) and which ATT&CK techniques it
 * detects.
 */
export interface RuleDefinition {
  name: string;
  summary: string;
  rationale: string;
  severity: Severity;
  techniques: readonly TechniqueId[];
  create(context: IdsContext): RuleInstance;
}

/** Defines a rule (typed, so a registry entry is checked where it is written). */
export function defineRule(rule: RuleDefinition): RuleDefinition {
  return rule;
}

/** Timestamps inside a sliding window, for the rate rules. */
export class SlidingWindow {
  readonly #windowMs: number;
  readonly #entries: { t: number; id: number }[] = [];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Adds one entry at `t` and returns how many lie within the window ending at `t`. */
  add(t: number, id: number): number {
    this.#entries.push({ t, id });
    while (this.#entries.length > 0 && this.#entries[0]!.t <= t - this.#windowMs) this.#entries.shift();
    return this.#entries.length;
  }

  /** The ids in the window (oldest first), at most `max` of them. */
  ids(max = 20): number[] {
    return this.#entries.slice(-max).map((e) => e.id);
  }
}
