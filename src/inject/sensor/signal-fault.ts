import { z } from 'zod';
import type { FaultSurface, SignalTransform } from '../../fleet/fault-surface.ts';
import { SIGNALS, SIGNAL_UNITS, type SignalName } from '../../physiology/signals.ts';
import type { FaultDefinition, InjectionContext } from '../fault.ts';

/** The `signal` param every sensor fault takes. */
export const signalParam = z
  .enum(SIGNALS)
  .optional()
  .describe(
    `Measured signal to corrupt: ${SIGNALS.map((s) => `${s} (${SIGNAL_UNITS[s]})`).join(', ')}. Default: the device's first measured signal`,
  );

type SignalParams = { signal?: SignalName | undefined };

/** The signal a sensor fault acts on: the one named, or the device's first measured signal. */
export function resolveSignal(target: FaultSurface, signal: SignalName | undefined): SignalName | undefined {
  return signal ?? target.measures[0];
}

/** Why a sensor fault cannot act on `signal` of `target`, or undefined. */
export function signalIncompatibility(target: FaultSurface, signal: SignalName | undefined): string | undefined {
  if (target.measures.length === 0) return `${target.kind} measures no patient signal`;
  if (signal !== undefined && !target.measures.includes(signal)) {
    return `${target.kind} does not measure ${signal} (it measures ${target.measures.join(', ')})`;
  }
  return undefined;
}

/** When a transform starts, for faults that depend on the time since onset (drift). */
export interface TransformStart {
  /** Simulation time the fault was applied, ms. */
  onset: number;
  signal: SignalName;
}

/**
 * Builds a sensor fault from a transform of one measured value. The shared parts — the `signal`
 * param, its device-dependent default, the compatibility check, installing and removing the
 * transform — live here, so each fault file holds only what makes that fault what it is.
 */
export function signalFault<TParams extends z.ZodType<SignalParams>>(spec: {
  name: string;
  summary: string;
  params: TParams;
  transform(params: z.output<TParams>, start: TransformStart): SignalTransform;
}): FaultDefinition<TParams> {
  return {
    name: spec.name,
    category: 'sensor',
    summary: spec.summary,
    params: spec.params,
    resolveParams(target, params) {
      const signal = resolveSignal(target, params.signal);
      return signal === undefined ? params : { ...params, signal };
    },
    incompatibility(target, params) {
      return signalIncompatibility(target, params?.signal);
    },
    apply(target: FaultSurface, params: z.output<TParams>, context: InjectionContext) {
      const signal = resolveSignal(target, params.signal);
      if (signal === undefined) throw new Error(`${spec.name} applied to ${target.deviceId}, which measures no signal`);
      return target.transformSignal(signal, spec.transform(params, { onset: context.clock.now(), signal }));
    },
  };
}
