/**
 * The link thread: hosts the mqtt.js clients of a fleet's devices for a LinkPool (link-pool.ts) on the
 * simulation's thread. It only moves messages: publishes what the pool sends, in order, and sends back
 * what the clients receive. Started through link-thread-entry.mjs, which installs the TypeScript loader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MqttDeviceLink, type DeviceLink } from './device-link.ts';
import {
  MESSAGE_RETAIN,
  PUBLISH_FIELDS,
  PUBLISH_QOS_MASK,
  PUBLISH_RETAIN,
  type FromLinkThread,
  type ToLinkThread,
} from './link-protocol.ts';

const port = parentPort;
if (!port) throw new Error('link-thread.ts runs as a worker thread started by LinkPool');

const links = new Map<number, DeviceLink>();
/** Topics by the number the pool gave them (link-protocol.ts). */
const topics: string[] = [];

/**
 * Received topics numbered for the pool. A twin sees every topic of its site; past this many the
 * numbering starts again (`reset`), so topics nobody publishes twice cannot grow the tables forever.
 */
const MAX_RECEIVED_TOPICS: number = (workerData as { maxReceivedTopics?: number } | null)?.maxReceivedTopics ?? 200_000;
const receivedTopicIds = new Map<string, number>();

// The next received batch (link-protocol.ts).
let inMeta: number[] = [];
let inPayloads: Buffer[] = [];
let inBytes = 0;
let inTopics: string[] = [];
let inReset = false;

function post(message: FromLinkThread, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

// Messages a client receives while a socket's data is parsed go back together, once that work is done.
function receive(id: number, topic: string, payload: Buffer, retain: boolean): void {
  let topicId = receivedTopicIds.get(topic);
  if (topicId === undefined) {
    if (receivedTopicIds.size >= MAX_RECEIVED_TOPICS) {
      // The numbering starts again: what is batched so far goes now, with the numbers it was given.
      flushInbox();
      receivedTopicIds.clear();
      inReset = true;
    }
    topicId = receivedTopicIds.size;
    receivedTopicIds.set(topic, topicId);
    inTopics.push(topic);
  }
  if (inPayloads.length === 0) queueMicrotask(flushInbox);
  inMeta.push(id, topicId, retain ? MESSAGE_RETAIN : 0, payload.length);
  inPayloads.push(payload);
  inBytes += payload.length;
}

function flushInbox(): void {
  if (inPayloads.length === 0) return;
  // One ArrayBuffer for the batch's payloads, handed over whole (transferred, not copied).
  const bytes = new Uint8Array(inBytes);
  let offset = 0;
  for (const payload of inPayloads) {
    bytes.set(payload, offset);
    offset += payload.length;
  }
  const message: FromLinkThread = {
    type: 'messages',
    reset: inReset,
    topics: inTopics,
    meta: Int32Array.from(inMeta),
    payloads: bytes.buffer,
  };
  inMeta = [];
  inPayloads = [];
  inBytes = 0;
  inTopics = [];
  inReset = false;
  post(message, [bytes.buffer]);
}

port.on('message', (message: ToLinkThread) => {
  switch (message.type) {
    case 'open':
      MqttDeviceLink.open(message.options, (topic, payload, retain) => receive(message.id, topic, payload, retain)).then(
        (link) => {
          links.set(message.id, link);
          post({ type: 'opened', id: message.id });
        },
        (error: unknown) => post({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) }),
      );
      return;
    case 'publish': {
      const { meta, payloads } = message;
      for (const topic of message.topics) topics.push(topic);
      let offset = 0;
      for (let i = 0; i < meta.length; i += PUBLISH_FIELDS) {
        const end = offset + meta[i + 3]!;
        const flags = meta[i + 2]!;
        links
          .get(meta[i]!)
          ?.publish(
            topics[meta[i + 1]!]!,
            payloads.slice(offset, end),
            (flags & PUBLISH_QOS_MASK) as 0 | 1,
            (flags & PUBLISH_RETAIN) !== 0,
          );
        offset = end;
      }
      return;
    }
    case 'fence': {
      const { fence } = message;
      // What arrived before the fence goes back first (postMessage keeps order).
      void (links.get(message.id)?.fence() ?? Promise.resolve()).finally(() => {
        flushInbox();
        post({ type: 'fenced', fence });
      });
      return;
    }
    case 'close': {
      const link = links.get(message.id);
      links.delete(message.id);
      void (link?.close(message.farewell) ?? Promise.resolve()).finally(() => post({ type: 'closed', id: message.id }));
      return;
    }
  }
});
