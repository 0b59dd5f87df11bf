import { SimClock } from '../core/clock.ts';
import { InputError } from '../core/errors.ts';
import { EventLog } from '../core/event-log.ts';
import { Rng } from '../core/rng.ts';
import { DeliveryLedger } from '../net/delivery-ledger.ts';
import type { Plan } from '../scenario/plan.ts';
import type { RunMode, RunOptions } from './run-options.ts';

/**
 * What every part of one run shares: the plan and the figures the options settled (seed, duration,
 * mode), the simulated clock, the event log, the root random stream and the delivery ledger. The Run
 * facade makes it once and hands the same object to each part (fleet, controls, timeline, result
 * assembly), so no part is given a copy of another's figure.
 */
export interface RunCore {
  readonly plan: Plan;
  /** The plan's seed, or RunOptions.seed, as text (what every report prints). */
  readonly seed: string;
  readonly durationMs: number;
  readonly mode: RunMode;
  readonly clock: SimClock;
  readonly log: EventLog;
  /** The run's root stream: each part forks its own (fleet-builder.ts, timeline, network, sessions). */
  readonly rng: Rng;
  readonly ledger: DeliveryLedger;
}

/** The core of a run of `plan` as `options` ask; an InputError for options no run can keep. */
export function createRunCore(plan: Plan, options: RunOptions = {}): RunCore {
  if (options.syncMs !== undefined && !(options.syncMs >= 1)) {
    // A window of 0 ms would never move the clock past its due timers: the run would spin forever.
    throw new InputError('E_SYNC_WINDOW', `syncMs: the settle window must be at least 1 ms, received ${options.syncMs}`);
  }
  const seed = String(options.seed ?? plan.seed);
  return {
    plan,
    seed,
    durationMs: options.durationMs ?? plan.durationMs,
    mode: options.mode ?? 'fast',
    clock: new SimClock(),
    log: new EventLog(),
    rng: new Rng(seed),
    ledger: new DeliveryLedger(),
  };
}
