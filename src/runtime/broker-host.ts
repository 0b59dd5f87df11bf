import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MedtwinError } from '../core/errors.ts';
import type { TlsOptions } from 'node:tls';
import type { Aedes } from 'aedes';
import { EmbeddedBroker, type BrokerHooks, type BrokerLimits, type BrokerLogEvent, type BrokerStats } from '../net/broker.ts';
import { clearPersistence, type PersistenceChoice } from '../net/broker-persistence.ts';
import { RestartableBroker } from '../net/restartable-broker.ts';
import { type ChildSecurityHost, serveChildSecurity, type ToChildMessage } from '../net/security/remote-security.ts';

export type BrokerPlacement = 'in-process' | 'child-process';

export interface BrokerHandle {
  url: string;
  /** True when medtwin started the broker (and so closes it). */
  embedded: boolean;
  placement: BrokerPlacement | 'external';
  /** In-process brokers only. */
  stats?: BrokerStats;
  /** In-process brokers only: the aedes instance, for sensors on the broker (the IDS's tap). */
  aedes?: Aedes;
  /** In-process brokers only: hears what the broker logs (failed handshakes, malformed and oversized packets). */
  onLog?(listener: (event: BrokerLogEvent) => void): void;
  /**
   * A restartable broker only (OpenBrokerOptions.restartable): stops it (clients dropped, port
   * closed) and starts it again on the same port, for the site's `network.broker-restart`.
   */
  site?: { stop(): Promise<void>; start(): Promise<void> };
  /** A restartable broker only: called with each aedes started after a restart (sensors attach again). */
  onRestart?(listener: (aedes: Aedes) => void): void;
  /** "memory", or the Redis URL the broker keeps its state in (password hidden). */
  persistence?: string;
  /**
   * In-process brokers without TLS only: a connection that never leaves the process, for the fault
   * proxy's last leg (EmbeddedBroker.connectInProcess); undefined where a real one is needed.
   */
  connectInProcess?(): Socket | undefined;
  close(): Promise<void>;
}

export interface OpenBrokerOptions {
  /** An existing broker (`mqtt://host:port`); medtwin then starts none. */
  url?: string;
  host?: string;
  port?: number;
  /**
   * Where an embedded broker runs. A process can hold ~20,000 descriptors here and each connection
   * costs one at each end, so large fleets put aedes in a child process (it also gets its own core).
   */
  placement?: BrokerPlacement;
  /**
   * A run's security controls on the broker (run-security.ts): aedes hooks, a TLS-only listener, and
   * what to install once aedes runs, for an in-process broker; `child`, what a child-process broker is
   * sent over IPC and how its parent answers it (net/security/remote-security.ts).
   */
  security?: { hooks?: BrokerHooks; tls?: TlsOptions; attach(aedes: Aedes): void; child?: ChildSecurityHost };
  /**
   * A subscriber that stops reading falls behind alone (src/net/slow-reader-guard.ts): a run whose
   * central station freezes needs it, or every other client waits behind it until aedes drops it.
   */
  isolateSlowReaders?: { maxBufferedBytes: number };
  /** Limits of an embedded broker in this process (the scenario's `broker:`); a child-process or external broker keeps its own. */
  limits?: Partial<BrokerLimits>;
  /**
   * The run restarts its broker (`network.broker-restart`): an in-process broker that can stop and
   * start again on its port. An external broker or a child-process one cannot (exit 2).
   */
  restartable?: boolean;
  /**
   * Where a restartable broker keeps sessions, QoS 1 queues and retained messages across a restart
   * (default memory: nothing survives). A Redis choice gets a key prefix of this broker's own under
   * the given one, deleted when the broker closes, so runs sharing a Redis never see each other's keys.
   */
  persistence?: PersistenceChoice;
}

/**
 * Fleets larger than this get the embedded broker in a child process: with the process's 20,000
 * descriptors split between both ends of every connection, one process cannot hold both sides of a
 * much larger fleet, and the broker gets a core of its own.
 */
export const CHILD_BROKER_THRESHOLD = 4000;

/** Where the embedded broker should run for a fleet of `devices` devices. */
export function placementFor(devices: number): BrokerPlacement {
  return devices > CHILD_BROKER_THRESHOLD ? 'child-process' : 'in-process';
}

/** The child's own entry point: the broker alone, not the CLI (which would load every command). */
const CHILD_ENTRY = fileURLToPath(new URL('./broker-child.ts', import.meta.url));

/** Opens the broker a run talks to: an external one, aedes in this process, or aedes in a child. */
export async function openBroker(options: OpenBrokerOptions = {}): Promise<BrokerHandle> {
  if (options.restartable || options.persistence !== undefined) return openRestartable(options);
  if (options.url) {
    // A URL of a broker this process embeds (the CLI's one broker for an invocation): still external to
    // the run, which neither started nor closes it, but its proxies can reach it in-process.
    const local = EmbeddedBroker.at(options.url);
    return {
      url: options.url,
      embedded: false,
      placement: 'external',
      ...(local ? { connectInProcess: () => local.connectInProcess() } : {}),
      close: async () => {},
    };
  }
  const { security } = options;
  if (options.placement === 'child-process') {
    if (security !== undefined && security.child === undefined) {
      throw new MedtwinError(
        'E_SECURITY_PLACEMENT',
        'these security controls were given for an in-process broker only (no child-process setup); run the broker in-process',
        { exitCode: 2 },
      );
    }
    return spawnBroker(options.host ?? '127.0.0.1', options.port ?? 0, security?.child, options.isolateSlowReaders?.maxBufferedBytes);
  }
  const broker = await EmbeddedBroker.start({
    host: options.host,
    port: options.port ?? 0,
    ...(security?.hooks ? { hooks: security.hooks } : {}),
    ...(security?.tls ? { tls: security.tls } : {}),
    ...(options.isolateSlowReaders ? { isolateSlowReaders: options.isolateSlowReaders } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  security?.attach(broker.aedes);
  return {
    url: broker.url,
    embedded: true,
    placement: 'in-process',
    stats: broker.stats,
    aedes: broker.aedes,
    onLog: (listener) => broker.onLog(listener),
    connectInProcess: () => broker.connectInProcess(),
    close: () => broker.close(),
  };
}

/** The in-process broker of a run that restarts it (or keeps its state in Redis). */
async function openRestartable(options: OpenBrokerOptions): Promise<BrokerHandle> {
  const { security } = options;
  const why = options.restartable ? 'this scenario restarts the broker (network.broker-restart)' : '--persistence';
  if (options.url !== undefined)
    throw new MedtwinError(
      'E_BROKER_RESTART',
      `${why} needs medtwin's own embedded broker, which it can stop and start: an external broker (--broker ${options.url}) cannot be restarted by the run; drop --broker`,
      { exitCode: 2 },
    );
  if (options.placement === 'child-process')
    throw new MedtwinError(
      'E_BROKER_RESTART',
      `${why} needs the embedded broker in medtwin's own process, and a fleet this large (over ${CHILD_BROKER_THRESHOLD} devices) puts it in a child process; run a smaller fleet`,
      { exitCode: 2 },
    );
  const chosen = options.persistence ?? { kind: 'memory' as const };
  const persistence: PersistenceChoice = chosen.kind === 'redis' ? { ...chosen, keyPrefix: `${chosen.keyPrefix}${randomUUID()}:` } : chosen;
  const broker = await RestartableBroker.start({
    host: options.host,
    port: options.port ?? 0,
    persistence,
    ...(security?.hooks ? { hooks: security.hooks } : {}),
    ...(security?.tls ? { tls: security.tls } : {}),
    ...(options.isolateSlowReaders ? { isolateSlowReaders: options.isolateSlowReaders } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const logListeners: ((event: BrokerLogEvent) => void)[] = [];
  const restartListeners: ((aedes: Aedes) => void)[] = [];
  const attach = (embedded: EmbeddedBroker) => {
    security?.attach(embedded.aedes);
    for (const listener of logListeners) embedded.onLog(listener);
  };
  attach(broker.current);
  // What the last start's aedes counted, while the broker is stopped.
  let stats: BrokerStats = broker.current.stats;
  broker.onStart((embedded) => {
    stats = embedded.stats;
    attach(embedded);
    for (const listener of restartListeners) listener(embedded.aedes);
  });
  return {
    url: broker.url,
    embedded: true,
    placement: 'in-process',
    get stats() {
      return stats;
    },
    get aedes() {
      return broker.running ? broker.current.aedes : undefined;
    },
    onLog: (listener) => {
      logListeners.push(listener);
      if (broker.running) broker.current.onLog(listener);
    },
    site: { stop: () => broker.stop(), start: () => broker.startAgain() },
    connectInProcess: () => broker.connectInProcess(),
    onRestart: (listener) => void restartListeners.push(listener),
    persistence: broker.persistenceDescription,
    close: async () => {
      await broker.close();
      await clearPersistence(persistence);
    },
  };
}

async function spawnBroker(host: string, port: number, security?: ChildSecurityHost, isolateSlowReaders?: number): Promise<BrokerHandle> {
  // Made before the child starts: hashing every identity's password takes a moment for a large fleet.
  const setup = security && (await security.setup());
  // stdin is a pipe only so the child sees it close when this process dies, however it dies. A secured
  // broker gets its controls over an IPC channel: secrets never go on a command line.
  const args = ['--import', 'tsx', CHILD_ENTRY, '--host', host, '--port', String(port), ...(setup ? ['--secured'] : [])];
  if (isolateSlowReaders !== undefined) args.push('--isolate-slow-readers', String(isolateSlowReaders));
  const child: ChildProcess = spawn(process.execPath, args, {
    stdio: setup ? ['pipe', 'pipe', 'inherit', 'ipc'] : ['pipe', 'pipe', 'inherit'],
  });
  if (setup && security) {
    serveChildSecurity(child as unknown as Parameters<typeof serveChildSecurity>[0], security);
    child.send({ type: 'security.setup', setup } satisfies ToChildMessage);
  }
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => reject(new MedtwinError('E_BROKER_SPAWN', 'the broker child process did not report ready within 15 s', { exitCode: 3 })),
      15_000,
    );
    lines.on('line', (line) => {
      try {
        const ready = JSON.parse(line) as { url?: string };
        if (ready.url) {
          clearTimeout(timer);
          resolve(ready.url);
        }
      } catch {
        // Not the ready line.
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new MedtwinError('E_BROKER_SPAWN', `the broker child process exited with code ${code} before it was ready`, { exitCode: 3 }));
    });
  });
  return {
    url,
    embedded: true,
    placement: 'child-process',
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
