import { z } from 'zod';
import { durationSchema } from '../../../core/duration-schema.ts';
import type { Segment } from '../framer.ts';
import { isEnd, type Piece, type ToxicKind } from '../toxic.ts';

/** Bytes a holding blackhole keeps per connection and direction before it drops the rest (counted). */
export const MAX_HELD_BYTES = 1024 * 1024;

const params = z
  .object({
    timeout: durationSchema.default(0).describe('close the connection after this long; 0 keeps it open'),
    hold: z
      .boolean()
      .default(false)
      .describe('keep the bytes and deliver them when the fault ends (TCP retransmitting through a short outage) instead of losing them'),
  })
  .strict();

/**
 * Toxiproxy's `timeout`, the blackhole: nothing gets through, and the connection stays up — neither
 * end hears a FIN or a reset, as when a Wi-Fi access point dies mid-conversation. Each end finds out
 * only from its own keep-alive. With `timeout` > 0 the proxy closes the connection after that long
 * (with a reset). Bytes are swallowed, or with `hold` kept (up to MAX_HELD_BYTES) and delivered in
 * order when the toxic is removed: TCP's retransmission carrying a connection through a short outage.
 * The sender's FIN is swallowed too; the proxy resets such a connection when the fault ends.
 */
export const timeout: ToxicKind<typeof params> = {
  type: 'timeout',
  summary: 'Blackhole: swallows (or holds) every byte; the connection stays up unless timeout > 0',
  swallows: true,
  params,
  create({ timeout, hold }, link) {
    let held: Piece[] = [];
    let heldBytes = 0;
    const timer = timeout > 0 ? link.clock.setTimeout(() => link.reset(), timeout) : undefined;
    return {
      push(piece) {
        if (isEnd(piece)) {
          held.push(piece);
          return;
        }
        if (hold && heldBytes + piece.bytes.length <= MAX_HELD_BYTES) {
          held.push(piece);
          heldBytes += piece.bytes.length;
          link.delayed(piece, Number.POSITIVE_INFINITY);
        } else link.dropped(piece);
      },
      flush(next) {
        const pieces = held;
        held = [];
        heldBytes = 0;
        for (const piece of pieces) next(piece);
      },
      dispose() {
        if (timer !== undefined) link.clock.clearTimeout(timer);
        const pieces = held;
        held = [];
        return pieces.filter((p): p is Segment => !isEnd(p));
      },
    };
  },
};
