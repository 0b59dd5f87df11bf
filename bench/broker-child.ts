/**
 * The benchmark's fallback broker process: the same EmbeddedBroker (aedes with medtwin's limits) that
 * `medtwin broker --ready-json` starts, for when the CLI cannot start one. Prints one JSON line
 * `{"url": ...}` when ready, and exits when its parent closes stdin (so it never outlives the bench).
 *
 *   node --import tsx bench/broker-child.ts
 */
import { applyHeapPolicy } from '../src/cli/heap-policy.ts';
import { EmbeddedBroker } from '../src/net/broker.ts';

applyHeapPolicy(); // as `medtwin broker` does

const broker = await EmbeddedBroker.start({ host: '127.0.0.1', port: 0 });
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
