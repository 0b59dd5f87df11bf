import { z } from 'zod';
import { signalFault, signalParam } from './signal-fault.ts';

/** A constant offset on every reading: a zero-point error (a transducer that reads 20 mmHg high). */
export const bias = signalFault({
  name: 'sensor.bias',
  summary: 'Adds a constant offset to a measured signal',
  params: z.strictObject({
    signal: signalParam,
    offset: z.number().default(20).describe("Added to every reading, in the signal's unit (mg/dL, bpm, %, mmHg...); negative reads low"),
  }),
  transform:
    ({ offset }) =>
    (value) =>
      value === null ? null : value + offset,
});
