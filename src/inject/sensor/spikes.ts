import { z } from 'zod';
import { signalFault, signalParam } from './signal-fault.ts';

/** Isolated outliers (motion artefact, electrocautery): a sample now and then jumps by `magnitude`. */
export const spikes = signalFault({
  name: 'sensor.spikes',
  summary: 'Adds occasional large spikes to a measured signal',
  params: z.strictObject({
    signal: signalParam,
    probability: z.number().min(0).max(1).default(0.05).describe('Chance that a sample carries a spike'),
    magnitude: z.number().positive().default(50).describe("Size of a spike, in the signal's unit"),
    direction: z.enum(['up', 'down', 'both']).default('both').describe('Spikes go up, down, or either way with equal chance'),
  }),
  transform:
    ({ probability, magnitude, direction }) =>
    (value, { rng }) => {
      if (value === null || !rng.bernoulli(probability)) return value;
      const up = direction === 'up' || (direction === 'both' && rng.bernoulli(0.5));
      return value + (up ? magnitude : -magnitude);
    },
});
