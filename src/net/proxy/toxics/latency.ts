import { z } from 'zod';
import { durationSchema } from '../../../core/duration-schema.ts';
import { isEnd, ReleaseQueue, type ToxicKind } from '../toxic.ts';

const params = z
  .object({
    latency: durationSchema.describe('added delay'),
    jitter: durationSchema.default(0).describe('uniform spread either side of latency'),
  })
  .strict();

/**
 * Toxiproxy's `latency`: every packet waits `latency` ± `jitter` (uniform) before it goes on. Bytes
 * keep their order, as TCP keeps it: a packet never overtakes the one before it, so jitter stretches
 * gaps rather than shuffling packets. The wait is on the proxy's clock: real time in realtime mode,
 * simulated time in fast mode (docs/network.md#fast-mode).
 */
export const latency: ToxicKind<typeof params> = {
  type: 'latency',
  summary: 'Delays every packet by latency ± jitter (order kept)',
  params,
  create({ latency, jitter }, link) {
    const queue = new ReleaseQueue(link.clock, link.timing);
    return {
      push(piece, next) {
        // Whole milliseconds: simulated time (and the event log) counts in ms.
        const delay = Math.max(0, Math.round(latency + (jitter > 0 ? link.rngFor(piece).uniform(-jitter, jitter) : 0)));
        // Tag timing reports each packet's own delay: "now" is the end of a settle window for every
        // packet read in it, so queueing behind the one before would make the delay depend on the window.
        const at = link.timing === 'tag' ? link.clock.now() + delay : Math.max(link.clock.now() + delay, queue.tail);
        if (!isEnd(piece) && at > link.clock.now()) link.delayed(piece, at - link.clock.now());
        queue.add(piece, at, next);
      },
      flush: (next) => queue.flush(next),
      dispose: () => queue.dispose(),
    };
  },
};
