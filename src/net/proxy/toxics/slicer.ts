import { z } from 'zod';
import { durationSchema } from '../../../core/duration-schema.ts';
import type { Segment } from '../framer.ts';
import { isEnd, ReleaseQueue, type ToxicKind } from '../toxic.ts';

const params = z
  .object({
    averageSize: z.number().int().min(1).describe('mean slice size, bytes'),
    sizeVariation: z.number().int().min(0).default(0).describe('slices are averageSize ± this, bytes'),
    delay: durationSchema.default(0).describe('pause between slices'),
  })
  .strict()
  .refine((p) => p.sizeVariation < p.averageSize, { message: 'sizeVariation must be smaller than averageSize', path: ['sizeVariation'] });

/**
 * Toxiproxy's `slicer`: cuts the stream into small pieces (averageSize ± sizeVariation bytes, seeded)
 * with `delay` between them, so the receiver reads packets in fragments — headers split from bodies —
 * as over a lossy radio link with a small MTU. The bytes and their order are unchanged.
 */
export const slicer: ToxicKind<typeof params> = {
  type: 'slicer',
  summary: 'Cuts the stream into averageSize ± sizeVariation byte pieces, delay apart',
  // Slices queue behind the ones before: fast mode reads each packet at the instant it was sent.
  paced: true,
  reads: 'cuts',
  params,
  create({ averageSize, sizeVariation, delay }, link) {
    const queue = new ReleaseQueue(link.clock, link.timing);
    return {
      push(piece, next) {
        if (isEnd(piece)) return queue.add(piece, queue.tail, next);
        const now = link.clock.now();
        let at = Math.max(now, queue.tail);
        let last = at;
        for (let i = 0; i < piece.bytes.length; ) {
          const size = Math.max(1, averageSize + (sizeVariation > 0 ? link.rng.int(-sizeVariation, sizeVariation) : 0));
          const bytes = piece.bytes.subarray(i, i + size);
          i += size;
          // The last slice completes the packet: a toxic before this one may have held it (a reorder),
          // and its release is reported when that slice is written.
          const slice: Segment =
            i >= piece.bytes.length ? { bytes, whole: false, type: 0, origin: piece.origin ?? piece } : { bytes, whole: false, type: 0 };
          if (delay === 0 && queue.size === 0) next(slice);
          else queue.add(slice, at, next);
          last = at;
          at += delay;
        }
        // The packet is whole at its receiver when its last slice is: with tag timing that is its delay.
        if (link.timing === 'tag' && last > now) link.delayed(piece, last - now);
      },
      flush: (next) => queue.flush(next),
      dispose: () => queue.dispose(),
    };
  },
};
