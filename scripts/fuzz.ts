// npm run fuzz [-- --packets 100000 --seed 1 --concurrency 16]
//
// Fuzzes the embedded broker: the known-bad corpus, then N random and mutated MQTT packets over TCP
// and TLS (test/fuzz/), while a well-behaved client publishes through it every 50 ms. The broker runs
// in a child process. Prints crashes, hangs, the probe's latency and the broker's memory growth, and
// exits 1 if the broker died, a probe message went unanswered, or the heap after GC grew by 20 MB or
// more. A campaign, not a test: npm test runs a small seeded slice (test/broker-fuzz.test.ts).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fuzzBroker, LatencyProbe, sendCorpus, type Target } from '../test/fuzz/campaign.ts';

const { values } = parseArgs({
  options: {
    packets: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '16' },
  },
});
const packets = Number(values.packets);
const MB = 1024 * 1024;
const LIMIT_MB = 20;

interface Memory {
  usage: NodeJS.MemoryUsage;
  stats: unknown;
}

const child = fork(fileURLToPath(new URL('../test/fuzz/target.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx', '--expose-gc'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
let crashed: string | undefined;
child.once('exit', (code, signal) => {
  crashed ??= `the broker process exited (code ${code}, signal ${signal})`;
});
const ready = await new Promise<{ tcpPort: number; tlsPort: number; ca: string; url: string }>((resolve) =>
  child.once('message', (m) => resolve(m as never)),
);
const memory = () =>
  new Promise<Memory>((resolve) => {
    child.once('message', (m) => resolve(m as Memory));
    child.send({ type: 'memory' });
  });
const target: Target = { tcpPort: ready.tcpPort, tls: { port: ready.tlsPort, ca: ready.ca } };

const started = performance.now();
const corpus = await sendCorpus(target);
const notClosed = corpus.filter((c) => !c.closed);
// Warm up (TLS contexts, aedes' pools, V8's code) before the baseline, so growth means retention.
await fuzzBroker({ target, packets: 2000, seed: `${values.seed}-warmup`, concurrency: Number(values.concurrency) });
const before = await memory();
const probe = await LatencyProbe.start(ready.url, 50);
const result = await fuzzBroker({
  target,
  packets,
  seed: values.seed,
  concurrency: Number(values.concurrency),
  onProgress: (sent) => process.stderr.write(`\r${sent.toLocaleString('en-US')} / ${packets.toLocaleString('en-US')} packets`),
});
process.stderr.write('\n');
await probe.stop();
const after = crashed ? undefined : await memory();
const wall = (performance.now() - started) / 1000;
child.send({ type: 'stop' });

const latency = probe.summary();
const growth = after ? (after.usage.heapUsed - before.usage.heapUsed) / MB : Number.NaN;
const rssGrowth = after ? (after.usage.rss - before.usage.rss) / MB : Number.NaN;
const hangs = probe.unanswered + probe.disconnects;
const lines = [
  `medtwin broker fuzz · seed ${values.seed} · ${wall.toFixed(0)} s`,
  `  corpus        ${corpus.length} known-bad inputs (TCP and TLS): ${corpus.length - notClosed.length} closed the connection${notClosed.length ? `, not closed: ${notClosed.map((c) => c.name).join('; ')}` : ''}`,
  `  packets       ${result.packetsSent.toLocaleString('en-US')} random and mutated (${result.connections.tcp.toLocaleString('en-US')} TCP + ${result.connections.tls.toLocaleString('en-US')} TLS connections, ${result.connections.closedByBroker.toLocaleString('en-US')} closed by the broker mid-stream)`,
  `  crashes       ${crashed ? `1: ${crashed}` : 0}`,
  `  hangs         ${hangs} (probe messages unanswered ${probe.unanswered}, probe disconnects ${probe.disconnects})`,
  `  probe         ${latency.n} round trips: p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
  `  memory        heap after GC ${(before.usage.heapUsed / MB).toFixed(1)} → ${after ? (after.usage.heapUsed / MB).toFixed(1) : '?'} MB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB; limit +${LIMIT_MB} MB), RSS ${(before.usage.rss / MB).toFixed(0)} → ${after ? (after.usage.rss / MB).toFixed(0) : '?'} MB (${rssGrowth >= 0 ? '+' : ''}${rssGrowth.toFixed(0)} MB)`,
  `  broker stats  ${JSON.stringify(after?.stats ?? before.stats)}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
const ok = !crashed && hangs === 0 && growth < LIMIT_MB && result.packetsSent >= packets * 0.99;
process.stdout.write(ok ? 'PASS: no crash, no hang, bounded memory\n' : 'FAIL\n');
process.exit(ok ? 0 : 1);
