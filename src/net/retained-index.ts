import './quiet-debug.ts'; // first: before mqtt-packet and aedes create their loggers
import { Readable } from 'node:stream';
import memoryPersistenceModule, { type AedesMemoryPersistence } from 'aedes-persistence';

// A CommonJS module whose typings declare an ES default export; at run time the default is the factory.
const memoryPersistence = memoryPersistenceModule as unknown as () => AedesMemoryPersistence;
const WILDCARD = /[+#]/;

/** The fields of aedes' packet this index reads. */
interface RetainedPacket {
  topic: string;
  payload: Buffer;
}

type StoreRetained = (packet: RetainedPacket, cb?: (error?: Error | null) => void) => Promise<void> | void;

/**
 * aedes' memory persistence with an exact-topic index of retained messages.
 *
 * aedes-persistence answers every SUBSCRIBE by testing the filter against *every* retained message
 * (retainedMessagesByPattern walks the whole Map). Each device keeps a retained `status` and `state`,
 * so the k-th device's subscription to its own `…/cmd` costs O(k) and connecting a fleet O(n²), 100 s
 * for 10,000 devices (docs/benchmarks.md#before-and-after-the-scale-work). A filter
 * without wildcards matches exactly one topic, so here it is one Map lookup; wildcard filters (the
 * twin's `medtwin/<site>/#`) still walk every message, as before. Everything else is aedes' own.
 */
export function indexedMemoryPersistence(): AedesMemoryPersistence {
  const persistence = memoryPersistence();
  const retained = new Map<string, RetainedPacket>();
  const storeRetained = (persistence.storeRetained as unknown as StoreRetained).bind(persistence);
  const combi = persistence.createRetainedStreamCombi.bind(persistence);
  const single = persistence.createRetainedStream.bind(persistence);
  const exact = (patterns: string[]) => Readable.from(patterns.flatMap((p) => (retained.has(p) ? [retained.get(p)!] : [])));

  // aedes 1.x calls this without a callback and awaits the promise; older callers pass one.
  const indexed: StoreRetained = (packet, cb) => {
    // An empty retained payload deletes the topic's retained message ([MQTT-3.3.1-10], [MQTT-3.3.1-11]).
    if (packet.payload.length === 0) retained.delete(packet.topic);
    else retained.set(packet.topic, { ...packet });
    return storeRetained(packet, cb);
  };
  persistence.storeRetained = indexed as unknown as AedesMemoryPersistence['storeRetained'];
  persistence.createRetainedStreamCombi = (patterns: string[]) =>
    patterns.some((p) => WILDCARD.test(p)) ? combi(patterns) : exact(patterns);
  persistence.createRetainedStream = (pattern: string) => (WILDCARD.test(pattern) ? single(pattern) : exact([pattern]));
  return persistence;
}
