import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/** A slow or distant link: a WAN to a remote central station, a congested access point. */
export const latency = toxicFault({
  name: 'network.latency',
  summary: 'Every packet waits latency ± jitter (seeded) on its way; order is kept, as TCP keeps it',
  toxic: 'latency',
  params: z
    .object({
      latency: durationSchema.default(100).describe('added delay per packet'),
      jitter: durationSchema.default(0).describe('uniform spread either side of latency'),
      ...TOXIC_COMMON,
    })
    .strict(),
});
