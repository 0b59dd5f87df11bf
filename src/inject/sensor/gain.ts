import { z } from 'zod';
import { signalFault, signalParam } from './signal-fault.ts';

/** A span error: readings scaled by a factor, so the error grows with the value. */
export const gain = signalFault({
  name: 'sensor.gain',
  summary: 'Multiplies a measured signal by a factor',
  params: z.strictObject({
    signal: signalParam,
    factor: z.number().nonnegative().default(1.2).describe('Reading = true reading × factor (1.2 = 20 % high, 0.8 = 20 % low)'),
  }),
  transform:
    ({ factor }) =>
    (value) =>
      value === null ? null : value * factor,
});
