import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/**
 * A dead access point: bytes vanish and neither end hears a FIN or a reset, so each side finds out
 * only from its keep-alive (Toxiproxy's `timeout` toxic).
 */
export const blackhole = toxicFault({
  name: 'network.blackhole',
  summary: 'Bytes are swallowed and the connection stays up; each end notices only by keep-alive (optionally reset after timeout)',
  toxic: 'timeout',
  params: z
    .object({
      timeout: durationSchema.default(0).describe('reset the connection after this long; 0 keeps it open'),
      hold: z.boolean().default(false).describe('keep the bytes and deliver them when the fault ends, instead of losing them'),
      ...TOXIC_COMMON,
    })
    .strict(),
});
