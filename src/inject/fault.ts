import type { z } from 'zod';
import type { Clock } from '../core/clock.ts';
import type { EventLog } from '../core/event-log.ts';
import type { Revert, FaultSurface } from '../fleet/fault-surface.ts';

export type FaultCategory = 'sensor' | 'device' | 'network' | 'attack';

/** What an injection may use besides its target device. Network faults and attacks add to this later. */
export interface InjectionContext {
  clock: Clock;
  log: EventLog;
}

/**
 * One fault or attack medtwin can inject: a name a scenario uses, typed params (validated, with
 * defaults), and `apply`, which starts it on one device now and returns how to undo it.
 */
export interface FaultDefinition<TParams extends z.ZodType = z.ZodType> {
  name: string;
  category: FaultCategory;
  summary: string;
  params: TParams;
  /**
   * A one-off action (a reboot) rather than a condition that lasts: it has no duration, its revert does
   * nothing, and its injection window closes the moment it is applied.
   */
  instant?: boolean;
  /**
   * Fills in params whose default depends on the device (a sensor fault's `signal` defaults to the
   * device's first measured signal), so the injection records exactly what was applied.
   */
  resolveParams?(target: FaultSurface, params: z.output<TParams>): z.output<TParams>;
  /**
   * Why this fault cannot apply to the target (e.g. "cgm.compression-low needs a device that measures
   * glucose"), or undefined when it can. With `params`, also checks what they name (the `signal`).
   */
  incompatibility(target: FaultSurface, params?: z.output<TParams>): string | undefined;
  apply(target: FaultSurface, params: z.output<TParams>, context: InjectionContext): Revert;
}

export type AnyFaultDefinition = FaultDefinition<z.ZodType>;
