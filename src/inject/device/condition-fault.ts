import { z } from 'zod';
import type { FaultSurface } from '../../fleet/fault-surface.ts';
import type { FaultDefinition } from '../fault.ts';

/** Why `target` cannot take a fault that sets `condition`, or undefined. */
export function conditionIncompatibility(target: FaultSurface, condition: string): string | undefined {
  if (target.conditions.includes(condition)) return undefined;
  const known =
    target.conditions.length === 0 ? 'it reacts to no hardware condition' : `its conditions are ${target.conditions.join(', ')}`;
  return `${target.kind} has no "${condition}" condition (${known})`;
}

export const NO_PARAMS = z.strictObject({});

/**
 * Builds a device fault that holds one hardware condition (devices/descriptor.ts `conditions`) at a
 * value until reverted; the device model decides what the condition does (alarm, stop, misdeliver).
 */
export function conditionFault<TParams extends z.ZodType<Record<string, unknown>>>(spec: {
  name: string;
  summary: string;
  condition: string;
  params: TParams;
  /** The condition's value while the fault lasts (on/off conditions: 1). */
  value(params: z.output<TParams>): number;
}): FaultDefinition<TParams> {
  return {
    name: spec.name,
    category: 'device',
    summary: spec.summary,
    params: spec.params,
    incompatibility: (target) => conditionIncompatibility(target, spec.condition),
    apply: (target, params) => target.setCondition(spec.condition, spec.value(params)),
  };
}

/** A device fault that switches an on/off condition on. */
export function switchFault(name: string, condition: string, summary: string): FaultDefinition<typeof NO_PARAMS> {
  return conditionFault({ name, summary, condition, params: NO_PARAMS, value: () => 1 });
}
