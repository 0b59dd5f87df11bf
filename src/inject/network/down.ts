import { z } from 'zod';
import type { FaultDefinition } from '../fault.ts';
import type { NetworkSurface, TwinSurface } from '../target.ts';
import { NETWORK_TARGETS } from './toxic-fault.ts';

const params = z.strictObject({});

/**
 * A zone's access point or switch is gone, or a firewall rejects it: every connection is reset and
 * new ones are refused until the fault ends (Toxiproxy's disabled proxy). Devices notice at once and
 * retry with their back-off.
 */
export const down: FaultDefinition<typeof params, NetworkSurface | TwinSurface> = {
  name: 'network.down',
  category: 'network',
  summary: 'The link or zone is partitioned: connections reset, new ones refused, until the fault ends',
  params,
  targets: NETWORK_TARGETS,
  incompatibility: () => undefined,
  apply: (target) => target.setDown(),
};
