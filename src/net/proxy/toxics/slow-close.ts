import { z } from 'zod';
import { durationSchema } from '../../../core/duration-schema.ts';
import { isEnd, ReleaseQueue, type ToxicKind } from '../toxic.ts';

const params = z
  .object({
    delay: durationSchema.describe('how long the close waits'),
  })
  .strict();

/** Toxiproxy's `slow_close`: bytes pass at once, but the sender's FIN reaches the other end `delay` later. */
export const slowClose: ToxicKind<typeof params> = {
  type: 'slow_close',
  summary: 'Delays the close (FIN) by delay',
  params,
  create({ delay }, link) {
    const queue = new ReleaseQueue(link.clock);
    return {
      push(piece, next) {
        if (isEnd(piece)) queue.add(piece, link.clock.now() + delay, next);
        else if (queue.size > 0) queue.add(piece, queue.tail, next);
        else next(piece);
      },
      flush: (next) => queue.flush(next),
      dispose: () => queue.dispose(),
    };
  },
};
