import { z } from 'zod';
import { DEVICE_LINK_TARGETS, TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/** A link throttled to a rate: a saturated access point, a metered cellular backhaul. */
export const bandwidth = toxicFault({
  name: 'network.bandwidth',
  summary: 'Limits the link to rate KiB/s: a burst queues behind itself',
  toxic: 'bandwidth',
  targets: DEVICE_LINK_TARGETS,
  params: z
    .object({
      rate: z.number().positive().default(64).describe('KiB per second'),
      ...TOXIC_COMMON,
    })
    .strict(),
});
