import { z } from 'zod';
import { TOXIC_COMMON, toxicFault } from './toxic-fault.ts';

/** A connection cut after a quota of bytes (a captive portal, a metered link running out). */
export const limitData = toxicFault({
  name: 'network.limit-data',
  summary: 'Each connection passes its first bytes, then is closed; the rest is lost',
  toxic: 'limit_data',
  params: z
    .object({
      bytes: z
        .number()
        .int()
        .min(0)
        .default(65_536)
        .describe('bytes passed (per connection and direction) before the connection is closed'),
      ...TOXIC_COMMON,
    })
    .strict(),
});
