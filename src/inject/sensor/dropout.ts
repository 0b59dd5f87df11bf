import { z } from 'zod';
import { signalFault, signalParam } from './signal-fault.ts';

/** Missing readings: each sample independently has no value with the given probability. */
export const dropout = signalFault({
  name: 'sensor.dropout',
  summary: 'Drops readings of a measured signal (no value) at random, or all of them',
  params: z.strictObject({
    signal: signalParam,
    probability: z.number().min(0).max(1).default(1).describe('Chance that a sample is missing (1 = every sample, 0.2 = one in five)'),
  }),
  transform:
    ({ probability }) =>
    (value, { rng }) => {
      if (probability >= 1) return null;
      return rng.bernoulli(probability) ? null : value;
    },
});
