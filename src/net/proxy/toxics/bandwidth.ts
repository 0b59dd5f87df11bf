import { z } from 'zod';
import { isEnd, ReleaseQueue, type ToxicKind } from '../toxic.ts';

const params = z
  .object({
    rate: z.number().positive().describe('KiB per second'),
  })
  .strict();

/**
 * Toxiproxy's `bandwidth`: the link carries at most `rate` KiB/s. Each packet leaves once the ones
 * before it have been sent and its own bytes have had their time on the wire (bytes / rate), so a
 * burst queues behind itself as on a slow link.
 */
export const bandwidth: ToxicKind<typeof params> = {
  type: 'bandwidth',
  summary: 'Limits the link to rate KiB/s (packets queue)',
  // The queue a packet meets depends on when it came: fast mode reads each at the instant it was sent.
  paced: true,
  params,
  create({ rate }, link) {
    const queue = new ReleaseQueue(link.clock, link.timing);
    const bytesPerMs = (rate * 1024) / 1000;
    return {
      push(piece, next) {
        if (isEnd(piece)) return queue.add(piece, queue.tail, next);
        const at = Math.max(link.clock.now(), queue.tail) + piece.bytes.length / bytesPerMs;
        link.delayed(piece, at - link.clock.now());
        queue.add(piece, at, next);
      },
      flush: (next) => queue.flush(next),
      dispose: () => queue.dispose(),
    };
  },
};
