import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import type { FaultDefinition } from '../fault.ts';
import type { NetworkSurface, TwinSurface } from '../target.ts';
import { NETWORK_TARGETS } from './toxic-fault.ts';

/** The Flapper's params (src/net/proxy/flapping.ts), with defaults a scenario can leave out. */
const params = z
  .object({
    down: durationSchema.default(30_000).describe('mean time the link is down in each cycle'),
    up: durationSchema.default(120_000).describe('mean time the link is up between outages'),
    spread: z.number().min(0).max(1).default(0.5).describe('each phase lasts its mean × (1 ± spread), uniform'),
    startDown: z.boolean().default(true).describe('the first phase is an outage'),
  })
  .strict()
  .refine((p) => p.down > 0 && p.up > 0, { message: 'down and up must both be longer than 0', path: ['down'] });

/**
 * A flapping link (a failing cable, an access point rebooting in a loop): down and up in turn, each
 * phase mean × (1 ± spread) long, drawn from the target's seeded stream, until the fault ends with the
 * link up.
 */
export const flapping: FaultDefinition<typeof params, NetworkSurface | TwinSurface> = {
  name: 'network.flapping',
  category: 'network',
  summary: 'The link or zone goes down and up in turn (seeded phase lengths) until the fault ends, leaving it up',
  params,
  targets: NETWORK_TARGETS,
  incompatibility: () => undefined,
  apply: (target, p, context) => target.flap(p, target.rng.fork(`flapping@${context.clock.now()}`)),
};
