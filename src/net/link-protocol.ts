import type { LinkOptions, RetainedMessage } from './device-link.ts';

/**
 * Messages between a LinkPool and its link thread. Publishes and received messages travel in flat
 * batches (fields in a fixed order) so a slice's thousands of messages cost one postMessage, not
 * thousands of small objects.
 *
 * A publish batch is built to be cheap to copy between threads: numbers in one Int32Array, every
 * payload in one string (cut apart by length on the other side), and each topic sent once, the first
 * time it is used, then named by number. Copying is then a few memcpys instead of two strings and
 * three values per message (that copy was 4 % of the simulation thread at 10,000 devices; docs/benchmarks.md).
 */
/** Int32 fields per message in a publish batch: link id, topic number, flags (PUBLISH_QOS_MASK, PUBLISH_RETAIN), payload length. */
export const PUBLISH_FIELDS = 4;
export const PUBLISH_QOS_MASK = 3;
export const PUBLISH_RETAIN = 4;

/**
 * Int32 fields per message in a received batch: link id, topic number, flags (MESSAGE_RETAIN),
 * payload length. Received batches are built the same way as publish batches, with the link thread's
 * own topic numbering and every payload's bytes in one transferred ArrayBuffer: the twin receives a
 * whole fleet's telemetry this way.
 */
export const MESSAGE_FIELDS = 4;
export const MESSAGE_RETAIN = 1;

export type ToLinkThread =
  | { type: 'open'; id: number; options: LinkOptions }
  /**
   * `topics`: topics used for the first time, numbered on from the last batch's (0, 1, 2... over the
   * pool's life). `meta`: PUBLISH_FIELDS per message. `payloads`: the messages' payloads end to end,
   * each `meta[i + 3]` UTF-16 code units long.
   */
  | { type: 'publish'; topics: string[]; meta: Int32Array; payloads: string }
  | { type: 'close'; id: number; farewell?: RetainedMessage }
  /** Answered by `fenced` once what the link's client received before it has been sent back (DeviceLink.fence). */
  | { type: 'fence'; id: number; fence: number };

export type FromLinkThread =
  | { type: 'opened'; id: number }
  | { type: 'failed'; id: number; message: string }
  /**
   * As a publish batch, with `payloads` as bytes (transferred, not copied). `topics` are numbered by
   * the link thread; `reset`: its numbering started again from 0 with this batch.
   */
  | { type: 'messages'; reset: boolean; topics: string[]; meta: Int32Array; payloads: ArrayBuffer }
  | { type: 'closed'; id: number }
  | { type: 'fenced'; fence: number };
