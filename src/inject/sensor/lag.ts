import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { signalFault, signalParam } from './signal-fault.ts';

/**
 * A delayed reading: the device reports the value it would have read `delay` ago (a slow sensor, a
 * stalled averaging buffer). Until a full `delay` has passed since onset it repeats the onset reading.
 */
export const lag = signalFault({
  name: 'sensor.lag',
  summary: 'Delays a measured signal: reports the value from `delay` ago',
  params: z.strictObject({
    signal: signalParam,
    delay: durationSchema.prefault('10m').describe('How far behind the reading runs'),
  }),
  transform: ({ delay }) => {
    const buffer: { t: number; value: number | null }[] = [];
    return (value, { t }) => {
      buffer.push({ t, value });
      // Keep the newest sample at or before t − delay and everything after it.
      while (buffer.length > 1 && buffer[1]!.t <= t - delay) buffer.shift();
      return buffer[0]!.value;
    };
  },
});
