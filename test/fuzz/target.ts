// The fuzz campaign's target: the embedded broker with a TCP and a TLS listener, in a process of its
// own so a crash is seen as this process exiting, and its memory is measured apart from the fuzzer's.
// Started by scripts/fuzz.ts with --expose-gc; answers { type: 'memory' } with its usage after a full GC.
import { EmbeddedBroker } from '../../src/net/broker.ts';
import { throwawayCert } from '../helpers/tls-cert.ts';

const cert = await throwawayCert();
const tcp = await EmbeddedBroker.start();
const tls = await EmbeddedBroker.start({ tls: { key: cert.key, cert: cert.cert } });
process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send!({ type: 'memory', usage: process.memoryUsage(), stats: { tcp: tcp.stats, tls: tls.stats } });
  }
  if (message.type === 'stop') void Promise.all([tcp.close(), tls.close()]).then(() => process.exit(0));
});
process.send!({ type: 'ready', tcpPort: tcp.port, tlsPort: tls.port, ca: cert.ca, url: tcp.url });
