import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { signalFault, signalParam } from './signal-fault.ts';

const HOUR = 3_600_000;

/**
 * Offset after `hours` of drift. Linear: rate·t. Exponential: rate·τ·(e^(t/τ) − 1), which starts at the
 * same slope `rate` and then accelerates (doubling roughly every 0.69·τ) — an electrochemical sensor
 * whose membrane degrades, rather than a steady zero-point creep.
 */
export function driftOffset(hours: number, rate: number, shape: 'linear' | 'exponential', tauHours: number): number {
  return shape === 'linear' ? rate * hours : rate * tauHours * Math.expm1(hours / tauHours);
}

/** A reading that wanders away from truth over time, measured from the moment the fault starts. */
export const drift = signalFault({
  name: 'sensor.drift',
  summary: 'Adds an offset that grows with time since onset (linear or exponential)',
  params: z.strictObject({
    signal: signalParam,
    rate: z.number().default(10).describe("Initial drift rate, in the signal's unit per hour (negative drifts low)"),
    shape: z
      .enum(['linear', 'exponential'])
      .default('linear')
      .describe('linear: offset = rate·t; exponential: offset = rate·tau·(e^(t/tau) − 1)'),
    tau: durationSchema.prefault('2h').describe('Time constant of the exponential shape (ignored for linear)'),
  }),
  transform: ({ rate, shape, tau }, { onset }) => {
    if (tau <= 0) throw new RangeError('sensor.drift: tau must be longer than 0 ms');
    return (value, { t }) => (value === null ? null : value + driftOffset((t - onset) / HOUR, rate, shape, tau / HOUR));
  },
});
