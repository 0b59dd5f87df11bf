/**
 * The benchmark's fallback broker process: the same EmbeddedBroker (aedes with medtwin's limits) that
 * `medtwin broker --ready-json` starts, for when the CLI cannot start one. Prints one JSON line
 * `{"url": ...}` when ready, and exits when its parent closes stdin (so it never outlives the bench).
 *
 * With `--retained-index` it runs the candidate fix in bench/retained-index.ts instead of aedes' plain
 * memory persistence (EmbeddedBroker has no persistence option, so it rides in through the options
 * object its hooks are spread into — a bench-only shortcut).
 *
 *   node --import tsx bench/broker-child.ts [--retained-index]
 */
import { EmbeddedBroker, type BrokerHooks } from '../src/net/broker.ts';
import { indexedMemoryPersistence } from './retained-index.ts';

const indexed = process.argv.includes('--retained-index');
const broker = await EmbeddedBroker.start({
  host: '127.0.0.1',
  port: 0,
  ...(indexed ? { hooks: { persistence: indexedMemoryPersistence() } as BrokerHooks } : {}),
});
process.stdout.write(`${JSON.stringify({ url: broker.url, port: broker.port })}\n`);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await broker.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
process.stdin.on('end', () => void shutdown());
process.stdin.on('close', () => void shutdown());
process.stdin.resume();
