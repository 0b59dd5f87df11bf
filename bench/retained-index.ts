/**
 * The exact-topic retained-message index that started here as a candidate fix is now medtwin's own
 * (src/net/retained-index.ts; EmbeddedBroker uses it). Kept so `bench/broker-child.ts --retained-index`
 * and `npm run bench -- --broker indexed` still run: they now start the same broker as the default.
 */
export { indexedMemoryPersistence } from '../src/net/retained-index.ts';
