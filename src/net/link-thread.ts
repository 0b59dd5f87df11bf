/**
 * The link thread: hosts the mqtt.js clients of a fleet's devices for a LinkPool (link-pool.ts) on the
 * simulation's thread. It only moves messages: publishes what the pool sends, in order, and sends back
 * what the clients receive. Started through link-thread-entry.mjs, which installs the TypeScript loader.
 */
import { parentPort } from 'node:worker_threads';
import { MqttDeviceLink, type DeviceLink } from './device-link.ts';
import { PUBLISH_FIELDS, PUBLISH_QOS_MASK, PUBLISH_RETAIN, type FromLinkThread, type ToLinkThread } from './link-protocol.ts';

const port = parentPort;
if (!port) throw new Error('link-thread.ts runs as a worker thread started by LinkPool');

const links = new Map<number, DeviceLink>();
/** Topics by the number the pool gave them (link-protocol.ts). */
const topics: string[] = [];
let inbox: (number | string | Uint8Array)[] = [];

function post(message: FromLinkThread): void {
  port!.postMessage(message);
}

// Messages a client receives while a socket's data is parsed go back together, once that work is done.
function receive(id: number, topic: string, payload: Buffer): void {
  if (inbox.length === 0) queueMicrotask(flushInbox);
  // A copy of just these bytes: the parser's Buffer is a view into a larger one, and posting a view
  // clones the whole ArrayBuffer behind it.
  inbox.push(id, topic, new Uint8Array(payload));
}

function flushInbox(): void {
  const batch = inbox;
  inbox = [];
  post({ type: 'messages', batch });
}

port.on('message', (message: ToLinkThread) => {
  switch (message.type) {
    case 'open':
      MqttDeviceLink.open(message.options, (topic, payload) => receive(message.id, topic, payload)).then(
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
        links.get(meta[i]!)?.publish(topics[meta[i + 1]!]!, payloads.slice(offset, end), (flags & PUBLISH_QOS_MASK) as 0 | 1, (flags & PUBLISH_RETAIN) !== 0);
        offset = end;
      }
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
