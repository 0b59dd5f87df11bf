import { z } from 'zod';
import { signalFault, signalParam } from './signal-fault.ts';

/** Extra white Gaussian noise on every reading (a loose connector, electrical interference). */
export const noise = signalFault({
  name: 'sensor.noise',
  summary: 'Adds Gaussian noise to a measured signal',
  params: z.strictObject({
    signal: signalParam,
    sd: z.number().positive().default(10).describe("Standard deviation of the added noise, in the signal's unit"),
  }),
  // The device's fault stream: injected noise never shifts the device's own sensor noise.
  transform:
    ({ sd }) =>
    (value, { rng }) =>
      value === null ? null : value + rng.normal(0, sd),
});
