import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import { TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/** A firewall or NAT box forgetting the flow: both ends get a TCP RST. */
export const resetPeer = toxicFault({
  name: 'network.reset-peer',
  summary: 'After timeout, both sides of each connection get a TCP reset (ECONNRESET)',
  toxic: 'reset_peer',
  params: z
    .object({
      timeout: durationSchema.default(0).describe('reset after this long; 0 resets at once'),
      ...TOXIC_COMMON,
    })
    .strict(),
});
