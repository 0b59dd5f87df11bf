import { flappingParams } from '../../net/proxy/flapping.ts';
import type { FaultDefinition } from '../fault.ts';
import type { NetworkSurface } from '../target.ts';
import { NETWORK_TARGETS } from './toxic-fault.ts';

/**
 * A flapping link (a failing cable, an access point rebooting in a loop): down and up in turn, each
 * phase mean × (1 ± spread) long, drawn from the target's seeded stream, until the fault ends with the
 * link up.
 */
export const flapping: FaultDefinition<typeof flappingParams, NetworkSurface> = {
  name: 'network.flapping',
  category: 'network',
  summary: 'The link or zone goes down and up in turn (seeded phase lengths) until the fault ends, leaving it up',
  params: flappingParams,
  targets: NETWORK_TARGETS,
  incompatibility: () => undefined,
  apply: (target, params, context) => target.flap(params, target.rng.fork(`flapping@${context.clock.now()}`)),
};
