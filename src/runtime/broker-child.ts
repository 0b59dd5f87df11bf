/**
 * The entry point of the embedded broker's child process (`placement: 'child-process'`, fleets of more
 * than CHILD_BROKER_THRESHOLD devices): aedes with medtwin's limits and nothing else — not the CLI, its
 * commands or the UI (test/layers.test.ts checks what this file loads). Prints one JSON line
 * `{"url": ..., "port": ...}` on stdout when it listens.
 *
 * It never outlives its parent: it exits when its stdin closes (the parent holds the other end of the
 * pipe, and the kernel closes it however the parent dies, kill -9 included), when the IPC channel
 * disconnects if it was spawned with one, or when it is re-parented (ppid polling, the last resort).
 *
 * With `--secured` it first waits for a run's security controls on its IPC channel (credential hashes,
 * TLS certificate and key: never on the command line, never printed) and applies them as an
 * in-process broker would, asking its parent for the run's time (net/security/remote-security.ts).
 *
 *   node --import tsx src/runtime/broker-child.ts [--host 127.0.0.1] [--port 0] [--secured] [--isolate-slow-readers BYTES]
 */
import { parseArgs } from 'node:util';
import { EmbeddedBroker } from '../net/broker.ts';
import { childBrokerSecurity, type ChildSecuritySetup, type IpcChannel, type ToChildMessage } from '../net/security/remote-security.ts';
import { applyHeapPolicy } from './heap-policy.ts';

/** How often the child checks that its parent is still the process that started it. */
const PARENT_POLL_MS = 1000;
/** A broker that cannot close its connections in this long is left to the kernel: the port must come free. */
const CLOSE_GRACE_MS = 5000;

applyHeapPolicy(); // as the CLI does: the broker holds every connection's state

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    secured: { type: 'boolean', default: false },
    'isolate-slow-readers': { type: 'string' },
  },
});
const isolate = values['isolate-slow-readers'] === undefined ? undefined : Number(values['isolate-slow-readers']);
if (isolate !== undefined && !(isolate > 0)) {
  process.stderr.write(`medtwin broker child: --isolate-slow-readers expects a byte count, received "${values['isolate-slow-readers']}"\n`);
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`medtwin broker child: --port expects a TCP port from 0 to 65535, received "${values.port}"\n`);
  process.exit(2);
}

const parent = process.ppid;
const security = values.secured ? await receiveSecurity() : undefined;
const broker = await EmbeddedBroker.start({
  host: values.host,
  port,
  ...(security ? { hooks: security.broker.hooks } : {}),
  ...(security?.tls ? { tls: security.tls } : {}),
  ...(isolate === undefined ? {} : { isolateSlowReaders: { maxBufferedBytes: isolate } }),
}).catch((error: unknown) => {
  // A busy port is the usual cause; the message says so and names the fix. The parent reports the exit.
  process.stderr.write(`medtwin broker child: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit((error as { exitCode?: number }).exitCode ?? 3);
});
security?.broker.attach(broker.aedes);
process.stdout.write(`${JSON.stringify({ url: broker.url, port: broker.port })}\n`);

let closing = false;
function shutdown(): void {
  if (closing) return;
  closing = true;
  setTimeout(() => process.exit(0), CLOSE_GRACE_MS).unref();
  void broker.close().finally(() => process.exit(0));
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);
process.stdin.resume();
process.once('disconnect', shutdown);
setInterval(() => {
  if (process.ppid !== parent) shutdown();
}, PARENT_POLL_MS).unref();

/** The run's controls, sent by the parent over IPC before anything listens. */
async function receiveSecurity(): Promise<{ broker: ReturnType<typeof childBrokerSecurity>; tls: ChildSecuritySetup['tls'] }> {
  if (process.send === undefined) {
    process.stderr.write('medtwin broker child: --secured needs an IPC channel to receive the controls from its parent\n');
    process.exit(2);
  }
  const channel = process as unknown as IpcChannel;
  const setup = await new Promise<ChildSecuritySetup>((resolve) => {
    const onMessage = (message: unknown) => {
      if ((message as ToChildMessage)?.type !== 'security.setup') return;
      process.off('message', onMessage);
      resolve((message as Extract<ToChildMessage, { type: 'security.setup' }>).setup);
    };
    process.on('message', onMessage);
  });
  return { broker: childBrokerSecurity(setup, channel), tls: setup.tls };
}
