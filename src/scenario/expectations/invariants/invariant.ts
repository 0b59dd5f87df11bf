import type { z } from 'zod';
import type { LoggedEvent } from '../../../core/event-log.ts';
import type { FleetPlan, PlannedDevice } from '../../../fleet/fleet-spec.ts';
import type { RunContext } from '../run-context.ts';

/** One breach of an invariant. */
export interface Violation {
  device: string;
  /** When the breach began, ms. */
  at: number;
  detail: string;
  /** Ids of the events where it began and where it was seen to break the bound. */
  evidence: number[];
}

/** What an invariant checker knows about the fleet. */
export interface InvariantEnv {
  fleetPlan: FleetPlan;
  /** The devices the expectation's target selects (every device without one). */
  devices: readonly PlannedDevice[];
  deviceById: ReadonlyMap<string, PlannedDevice>;
}

/** Watches the event stream for breaches of one invariant. */
export interface InvariantChecker {
  onEvent(event: LoggedEvent): void;
  /** Breaches seen so far. */
  readonly violations: ViolationLog;
  /**
   * Breaches still open at `endMs` that no event has reported yet. A pure query: live verdicts ask it
   * mid-run, and asking must not change the final result. `context` brings what the log does not
   * hold (the delivery ledger, the twin's shadows; `live` while the run goes on).
   */
  pending(endMs: number, context?: RunContext): Violation[];
}

/** A named safety property with typed params, checked over the whole run. */
export interface InvariantDefinition<P extends z.ZodType = z.ZodType> {
  summary: string;
  params: P;
  /** What holding means, for messages: "no pump infuses with a downstream occlusion for over 5s". */
  describe(params: z.output<P>): string;
  create(params: z.output<P>, env: InvariantEnv): InvariantChecker;
}

export type InvariantRegistry = Readonly<Record<string, InvariantDefinition>>;

/** Identity with inference, so each invariant file types its params once. */
export function defineInvariant<P extends z.ZodType>(definition: InvariantDefinition<P>): InvariantDefinition<P> {
  return definition;
}

/** Violations counted in full, the first few kept for the verdict (a flapping device cannot exhaust memory). */
export class ViolationLog {
  static readonly KEEP = 50;
  count = 0;
  readonly first: Violation[] = [];

  add(violation: Violation): void {
    this.count++;
    if (this.first.length < ViolationLog.KEEP) this.first.push(violation);
  }
}

interface Open {
  since: number;
  sinceId: number;
  reported: boolean;
}

/**
 * Conditions (per key) that must not last longer than `maxMs`. A breach is reported once per stretch,
 * at the first event past the bound or when the stretch ends; one still open is `pending`.
 */
export class PersistenceTimer {
  readonly violations = new ViolationLog();
  #maxMs: number;
  #open = new Map<string, Open>();
  #nextDeadline = Number.POSITIVE_INFINITY;
  #violation: (key: string, since: number, evidence: number[]) => Violation;

  constructor(maxMs: number, violation: (key: string, since: number, evidence: number[]) => Violation) {
    this.#maxMs = maxMs;
    this.#violation = violation;
  }

  /** The condition for `key` now holds (`on`) or not, as of event `id` at `t`. */
  set(key: string, on: boolean, t: number, id: number): void {
    const open = this.#open.get(key);
    if (on && !open) {
      this.#open.set(key, { since: t, sinceId: id, reported: false });
      this.#nextDeadline = Math.min(this.#nextDeadline, t + this.#maxMs);
    } else if (!on && open) {
      if (!open.reported && t - open.since > this.#maxMs) this.violations.add(this.#violation(key, open.since, [open.sinceId, id]));
      this.#open.delete(key);
    }
  }

  /** Reports stretches that have outlasted the bound by `t` (call for every event). */
  check(t: number, id: number): void {
    if (t <= this.#nextDeadline) return;
    let next = Number.POSITIVE_INFINITY;
    for (const [key, open] of this.#open) {
      if (open.reported) continue;
      if (t - open.since > this.#maxMs) {
        open.reported = true;
        this.violations.add(this.#violation(key, open.since, [open.sinceId, id]));
      } else next = Math.min(next, open.since + this.#maxMs);
    }
    this.#nextDeadline = next;
  }

  /** Unreported stretches that outlast the bound at `endMs`. */
  pending(endMs: number): Violation[] {
    const out: Violation[] = [];
    for (const [key, open] of this.#open) {
      if (!open.reported && endMs - open.since > this.#maxMs) out.push(this.#violation(key, open.since, [open.sinceId]));
    }
    return out;
  }
}
