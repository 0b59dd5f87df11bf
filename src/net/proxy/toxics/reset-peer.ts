import { z } from 'zod';
import { durationSchema } from '../../../core/duration-schema.ts';
import type { ToxicKind } from '../toxic.ts';

const params = z
  .object({
    timeout: durationSchema.default(0).describe('reset after this long; 0 resets at once'),
  })
  .strict();

/**
 * Toxiproxy's `reset_peer`: the connection is torn down with a TCP RST after `timeout` — both ends
 * get ECONNRESET, as when a firewall or a NAT box forgets the flow. Bytes pass until then.
 */
export const resetPeer: ToxicKind<typeof params> = {
  type: 'reset_peer',
  summary: 'Resets the connection (TCP RST) after timeout',
  params,
  create({ timeout }, link) {
    // A zero timeout resets as soon as the connection has its toxics: "now", in either clock.
    let timer: number | undefined;
    if (timeout > 0) timer = link.clock.setTimeout(() => link.reset(), timeout);
    else queueMicrotask(() => link.reset());
    return {
      push: (piece, next) => next(piece),
      flush() {},
      dispose() {
        if (timer !== undefined) link.clock.clearTimeout(timer);
        return [];
      },
    };
  },
};
