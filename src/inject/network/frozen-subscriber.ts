import { z } from 'zod';
import type { FaultDefinition } from '../fault.ts';
import type { TwinSurface } from '../target.ts';

const params = z.strictObject({});

/**
 * A hung central station: its client stays connected but stops reading its socket. The broker must
 * drop it within its drain timeout, and no other subscriber may slow down meanwhile.
 */
export const frozenSubscriber: FaultDefinition<typeof params, TwinSurface> = {
  name: 'network.frozen-subscriber',
  category: 'network',
  summary: 'The central station’s subscriber stops reading its socket until the fault ends',
  params,
  targets: ['twin'],
  incompatibility: () => undefined,
  apply: (target) => target.freeze(),
};
