import type { LinkOptions, RetainedMessage } from './device-link.ts';

/**
 * Messages between a LinkPool and its link thread. Publishes and received messages travel in flat
 * batches (one array per flush, fields in a fixed order) so a slice's thousands of messages cost one
 * postMessage, not thousands of small objects.
 */
/** Fields per message in a publish batch: id, topic, payload, qos, retain. */
export const PUBLISH_FIELDS = 5;

/** Fields per message in a received batch: id, topic, payload. */
export const MESSAGE_FIELDS = 3;

export type ToLinkThread =
  | { type: 'open'; id: number; options: LinkOptions }
  /** [id, topic, payload, qos, retain] repeated. */
  | { type: 'publish'; batch: (number | string | boolean)[] }
  | { type: 'close'; id: number; farewell?: RetainedMessage };

export type FromLinkThread =
  | { type: 'opened'; id: number }
  | { type: 'failed'; id: number; message: string }
  /** [id, topic, payload] repeated. */
  | { type: 'messages'; batch: (number | string | Uint8Array)[] }
  | { type: 'closed'; id: number };
