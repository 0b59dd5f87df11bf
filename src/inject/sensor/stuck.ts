import { z } from 'zod';
import { signalFault, signalParam } from './signal-fault.ts';

/**
 * A frozen sensor: it keeps reporting one value whatever the patient does. Without `value` it freezes
 * at the first reading after onset (what the device was showing), and reports it even through
 * samples that would otherwise have no reading.
 */
export const stuck = signalFault({
  name: 'sensor.stuck',
  summary: 'Freezes a measured signal at one value',
  params: z.strictObject({
    signal: signalParam,
    value: z.number().optional().describe("The value to report, in the signal's unit. Default: the reading at onset"),
  }),
  transform: ({ value }) => {
    let frozen: number | undefined = value;
    return (reading) => {
      if (frozen === undefined && reading !== null) frozen = reading;
      return frozen ?? null;
    };
  },
});
