import { z } from 'zod';
import { isEnd, type ToxicKind } from '../toxic.ts';

const params = z
  .object({
    bytes: z.number().int().min(0).describe('bytes passed before the connection is closed'),
  })
  .strict();

/**
 * Toxiproxy's `limit_data`: passes the first `bytes` bytes of the direction, then closes the
 * connection (FIN both ways); the bytes past the limit are dropped and counted.
 */
export const limitData: ToxicKind<typeof params> = {
  type: 'limit_data',
  summary: 'Closes the connection once bytes have passed',
  paced: true,
  params,
  create({ bytes }, link) {
    let passed = 0;
    let closed = false;
    return {
      push(piece, next) {
        if (isEnd(piece) || closed) {
          if (!isEnd(piece)) link.dropped(piece);
          else next(piece);
          return;
        }
        const room = bytes - passed;
        if (piece.bytes.length <= room) {
          passed += piece.bytes.length;
          next(piece);
          if (passed < bytes) return;
        } else {
          if (room > 0) next({ bytes: piece.bytes.subarray(0, room), whole: false, type: 0 });
          // The packet never arrives whole: lost (a PUBLISH is reported, for the ledger), its head counted as passed.
          link.dropped(piece, piece.bytes.length - room);
          passed = bytes;
        }
        closed = true;
        link.close();
      },
      flush() {},
      dispose: () => [],
    };
  },
};
