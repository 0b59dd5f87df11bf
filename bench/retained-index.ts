/**
 * A candidate fix measured by the benchmark, not used by medtwin itself: aedes' in-memory persistence
 * (aedes-persistence 11) answers every SUBSCRIBE by testing the filter against *every* retained message
 * (retainedMessagesByPattern scans the whole Map). Each device keeps a retained `status` and `state`,
 * so the k-th device's subscription costs O(k) and connecting a fleet costs O(n²): at 10,000 devices
 * connecting slows to a few clients a second and mqtt.js gives up with "connack timeout".
 *
 * This wraps the same persistence and keeps an exact-topic index of retained messages, so a filter
 * without wildcards (a device's own `…/cmd`) is one Map lookup; wildcard filters still scan, as before.
 * `--broker indexed` runs the benchmark's broker child with it, to show what the fix buys.
 */
import { Readable } from 'node:stream';
import memoryPersistenceModule, { type AedesMemoryPersistence, type CallbackError } from 'aedes-persistence';

// A CommonJS module whose typings declare an ES default export; at run time the default is the factory.
const memoryPersistence = memoryPersistenceModule as unknown as () => AedesMemoryPersistence;
const WILDCARD = /[+#]/;

/** The fields of aedes' packet this index reads. */
interface RetainedPacket {
  topic: string;
  payload: Buffer;
}

/** aedes' default memory persistence with an exact-topic index for retained-message lookups. */
export function indexedMemoryPersistence(): AedesMemoryPersistence {
  const persistence = memoryPersistence();
  const retained = new Map<string, RetainedPacket>();
  const storeRetained = persistence.storeRetained.bind(persistence);
  const combi = persistence.createRetainedStreamCombi.bind(persistence);
  const single = persistence.createRetainedStream.bind(persistence);
  const exact = (patterns: string[]) => Readable.from(patterns.flatMap((p) => (retained.has(p) ? [retained.get(p)!] : [])));
  persistence.storeRetained = (packet, cb: (error: CallbackError) => void) => {
    const p = packet as unknown as RetainedPacket;
    // An empty retained payload deletes the topic's retained message ([MQTT-3.3.1-10]).
    if (p.payload.length === 0) retained.delete(p.topic);
    else retained.set(p.topic, { ...p });
    return storeRetained(packet, cb);
  };
  persistence.createRetainedStreamCombi = (patterns: string[]) => (patterns.some((p) => WILDCARD.test(p)) ? combi(patterns) : exact(patterns));
  persistence.createRetainedStream = (pattern: string) => (WILDCARD.test(pattern) ? single(pattern) : exact([pattern]));
  return persistence;
}
