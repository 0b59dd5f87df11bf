import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { EventLog } from '../core/event-log.ts';
import type { Revert, FaultSurface } from '../fleet/fault-surface.ts';
import type { InjectionTarget, TargetKind } from './target.ts';

export type FaultCategory = 'sensor' | 'device' | 'network' | 'attack';

/** What an injection may use besides its target device. Network faults and attacks add to this later. */
export interface InjectionContext {
  clock: Clock;
  log: EventLog;
  /** The injection's id (the timeline entry's, or `manual-N`): what an attack labels its ground truth with. */
  injectionId?: string;
}

/**
 * One fault or attack medtwin can inject: a name a scenario uses, typed params (validated, with
 * defaults), the kinds of target it acts on, and `apply`, which starts it on one target now and
 * returns how to undo it. `TTarget` is the surface its target kinds give (src/inject/target.ts).
 */
export interface FaultDefinition<TParams extends z.ZodType = z.ZodType, TTarget extends InjectionTarget = FaultSurface> {
  name: string;
  category: FaultCategory;
  summary: string;
  params: TParams;
  /**
   * The target kinds it accepts, preferred first: a scenario that gives no `target.scope` gets the
   * first. Default `['device']`.
   */
  targets?: readonly TargetKind[];
  /**
   * A one-off action (a reboot) rather than a condition that lasts: it has no duration, its revert does
   * nothing, and its injection window closes the moment it is applied.
   */
  instant?: boolean;
  /**
   * Fills in params whose default depends on the device (a sensor fault's `signal` defaults to the
   * device's first measured signal), so the injection records exactly what was applied.
   */
  resolveParams?(target: TTarget, params: z.output<TParams>): z.output<TParams>;
  /**
   * Why this fault cannot apply to the target (e.g. "cgm.compression-low needs a device that measures
   * glucose"), or undefined when it can. With `params`, also checks what they name (the `signal`).
   */
  incompatibility(target: TTarget, params?: z.output<TParams>): string | undefined;
  apply(target: TTarget, params: z.output<TParams>, context: InjectionContext): Revert;
}

export type AnyFaultDefinition = FaultDefinition<z.ZodType, InjectionTarget>;
