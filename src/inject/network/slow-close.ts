import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/** A close that lingers: the sender's FIN reaches the other side late (a stateful middlebox). */
export const slowClose = toxicFault({
  name: 'network.slow-close',
  summary: 'Bytes pass; a close (FIN) reaches the other side only after delay',
  toxic: 'slow_close',
  params: z
    .object({
      delay: durationSchema.default(1000).describe('how long the close waits'),
      ...TOXIC_COMMON,
    })
    .strict(),
});
