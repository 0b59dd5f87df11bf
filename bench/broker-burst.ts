/**
 * The embedded broker under a fleet's boot and shutdown bursts, without the simulation: real aedes in a
 * child process (one process cannot hold both ends of 10,000 connections), real mqtt.js clients here,
 * doing what a fleet run does to the broker (src/runtime/run.ts, src/fleet/agent.ts):
 *
 *   connect   the twin subscribes to the whole site (QoS 1); then every device connects, 200 at a time,
 *             with a retained QoS 1 last will on its `status`, subscribes to its own `…/cmd` (QoS 1)
 *             and publishes a retained QoS 1 `status`
 *   boot      every device publishes a retained QoS 1 `state` and a QoS 0 telemetry in one
 *             synchronous block (the fleet boots at t = 0)
 *   shutdown  every device publishes a retained QoS 0 offline `status` and disconnects, all at once;
 *             with --abrupt the sockets are destroyed instead, so the broker publishes 10,000 wills
 *
 * `--broker stock` runs the same EmbeddedBroker with aedes' own message emitter (mqemitter) and memory
 * persistence, as medtwin shipped it before docs/broker.md#bursts, to show the crash and the O(n²)
 * connect; `stock-emitter` and `stock-persistence` put back only one of the two.
 *
 *   node --import tsx bench/broker-burst.ts [--clients 10000] [--broker medtwin|stock|stock-emitter|stock-persistence] [--abrupt]
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import memoryPersistenceModule, { type AedesMemoryPersistence } from 'aedes-persistence';
import mqemitter from 'mqemitter';
import type { MqttClient } from 'mqtt';
import { EmbeddedBroker, type BrokerHooks } from '../src/net/broker.ts';
import { connectClient, whenConnected } from '../src/net/client.ts';
import { procCpuSeconds } from './proc-stats.ts';

// A CommonJS module whose typings declare an ES default export; at run time the default is the factory.
const memoryPersistence = memoryPersistenceModule as unknown as () => AedesMemoryPersistence;

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '10000' },
    broker: { type: 'string', default: 'medtwin' },
    batch: { type: 'string', default: '200' },
    abrupt: { type: 'boolean', default: false },
    child: { type: 'string' },
  },
});

/** medtwin: EmbeddedBroker as it is; stock: with aedes' own emitter and persistence; stock-*: only that one. */
const KINDS = ['medtwin', 'stock', 'stock-emitter', 'stock-persistence'];

if (args.child !== undefined) {
  await runBrokerChild(args.child);
} else {
  await runClients();
}

/** The broker side: prints `{"url"}` when ready, exits when the parent closes stdin. */
async function runBrokerChild(kind: string): Promise<void> {
  // aedes as shipped: mqemitter with its default concurrency of 100, and the scanning memory persistence.
  const stock = {
    ...(kind === 'stock' || kind === 'stock-emitter' ? { mq: mqemitter({ concurrency: 100, matchEmptyLevels: true }) } : {}),
    ...(kind === 'stock' || kind === 'stock-persistence' ? { persistence: memoryPersistence() } : {}),
  };
  const broker = await EmbeddedBroker.start({ hooks: stock as unknown as BrokerHooks });
  process.stdout.write(`${JSON.stringify({ url: broker.url })}\n`);
  process.stdin.on('end', () => void broker.close().then(() => process.exit(0)));
  process.stdin.resume();
}

async function runClients(): Promise<void> {
  const n = Number(args.clients);
  const batch = Number(args.batch);
  const kind = args.broker!;
  if (!KINDS.includes(kind)) throw new Error(`--broker: expected one of ${KINDS.join(', ')}, received ${JSON.stringify(kind)}`);
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', kind], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let brokerStderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (brokerStderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`broker child exited with ${code} before it was ready: ${brokerStderr}`)));
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const cpu = () => procCpuSeconds(child.pid!) ?? Number.NaN;
  const report = (phase: string, startedMs: number, extra = '') =>
    console.log(
      `${phase.padEnd(9)} ${((performance.now() - startedMs) / 1000).toFixed(1).padStart(6)} s  broker ${alive() ? 'alive' : 'DEAD '}  broker CPU ${cpu().toFixed(1)} s  ${extra}`,
    );

  console.log(`${n} clients, broker: ${kind}${args.abrupt ? ', abrupt shutdown (wills)' : ''}, load ${loadAverage()}`);
  const site = 'bench';
  const topic = (i: number, channel: string) => `medtwin/${site}/ward/monitor/dev-${String(i).padStart(5, '0')}/${channel}`;

  let twinMessages = 0;
  let statesSeen = 0;
  const twin = connectClient({ url, identity: { clientId: 'bench-twin' } });
  await whenConnected(twin);
  await twin.subscribeAsync(`medtwin/${site}/#`, { qos: 1 });
  twin.on('message', (t, _p, packet) => {
    twinMessages++;
    if (!packet.retain && t.endsWith('/state')) statesSeen++;
  });

  // connect: as Run.open's connectAll and DeviceAgent.connect.
  const clients: MqttClient[] = [];
  let started = performance.now();
  let failed = 0;
  for (let i = 0; i < n && alive(); i += batch) {
    const connected = [];
    for (let j = i; j < Math.min(n, i + batch); j++) {
      const client = connectClient({
        url,
        identity: { clientId: `dev-${j}` },
        will: { topic: topic(j, 'status'), payload: Buffer.from('{"online":false,"reason":"connection lost"}'), qos: 1, retain: true },
        extra: { reconnectPeriod: 0 },
      });
      client.on('error', () => {});
      clients.push(client);
      connected.push(
        new Promise<void>((resolve) => {
          client.once('connect', () => {
            client.subscribe(topic(j, 'cmd'), { qos: 1 }, (error) => {
              if (error) failed++;
              resolve();
            });
            client.publish(topic(j, 'status'), '{"online":true}', { qos: 1, retain: true });
          });
          client.once('close', () => {
            failed++;
            resolve();
          });
        }),
      );
    }
    await Promise.all(connected);
  }
  report(
    'connect',
    started,
    `${clients.length - failed} of ${n} subscribed (${((clients.length - failed) / ((performance.now() - started) / 1000)).toFixed(0)} clients/s)`,
  );

  // boot: every device at t = 0, one synchronous block.
  started = performance.now();
  if (alive()) {
    clients.forEach((client, i) => {
      client.publish(topic(i, 'state'), '{"state":"running"}', { qos: 1, retain: true });
      client.publish(topic(i, 'telemetry'), '{"hr":72}', { qos: 0 });
    });
    const deadline = performance.now() + 60_000;
    while (statesSeen < clients.length && alive() && performance.now() < deadline) await sleep(50);
  }
  report('boot', started, `twin got ${statesSeen} of ${clients.length} states`);

  // shutdown: as Run.close (every DeviceAgent.stop at once, then the twin).
  started = performance.now();
  await Promise.all(
    clients.map(async (client, i) => {
      if (args.abrupt) return void client.stream.destroy();
      if (client.connected) client.publish(topic(i, 'status'), '{"online":false,"reason":"shutdown"}', { qos: 0, retain: true });
      await Promise.race([client.endAsync(false), sleep(5000)]);
      if (!client.disconnected) await client.endAsync(true);
    }),
  );
  await sleep(2000); // let the broker finish its wills and $SYS notices
  report('shutdown', started, `twin got ${twinMessages} messages in all`);
  await twin.endAsync(true);
  const survived = alive();
  child.stdin!.end();
  await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  const crash = brokerStderr
    .slice(Math.max(0, brokerStderr.indexOf('RangeError')))
    .split('\n')
    .slice(0, 12)
    .join('\n');
  console.log(survived ? 'broker survived' : `broker crashed:\n${crash}`);
  console.log(`load ${loadAverage()}`);
  process.exit(survived ? 0 : 1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
}
