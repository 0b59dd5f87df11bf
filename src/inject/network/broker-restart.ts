import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import type { FaultDefinition } from '../fault.ts';
import type { SiteSurface } from '../target.ts';

const params = z
  .object({
    downtime: durationSchema.default(10_000).describe('how long the broker is down before it starts again on the same port'),
  })
  .strict();

/**
 * The site's broker restarts (an update, a crash and its supervisor): every client is dropped, the
 * port refuses connections for `downtime`, then the broker starts again. What survives is the
 * persistence's business (`--persistence`, docs/network.md).
 */
export const brokerRestart: FaultDefinition<typeof params, SiteSurface> = {
  name: 'network.broker-restart',
  category: 'network',
  summary: 'The broker stops (clients dropped, port closed) and starts again on the same port after downtime',
  params,
  targets: ['site'],
  instant: true,
  incompatibility: () => undefined,
  apply(target, { downtime }) {
    target.restartBroker(downtime);
    // Nothing to undo: the broker comes back by itself after its downtime.
    return () => {};
  },
};
