import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { EmbeddedBroker, type BrokerOptions } from './broker.ts';
import { refusedSocket } from './in-process-socket.ts';
import { openPersistence, type OpenedPersistence, type PersistenceChoice } from './broker-persistence.ts';

export interface RestartableBrokerOptions extends Omit<BrokerOptions, 'persistence' | 'id'> {
  /** Default: memory (sessions, queues and retained messages die with each stop). */
  persistence?: PersistenceChoice;
}

/**
 * The embedded broker as a site fault sees it: it can stop (every client dropped, the port closed so
 * reconnects are refused) and start again on the same port and with the same broker id — as when the
 * broker restarts during an update. What survives is the persistence's business: with Redis,
 * sessions, QoS 1 queues and retained messages come back; in memory, they are gone. Each start opens
 * a fresh aedes with a freshly opened persistence, as a restarted process would.
 */
export class RestartableBroker {
  readonly #options: RestartableBrokerOptions;
  readonly #id = `medtwin-${randomUUID()}`;
  /** aedes' packet counter when the broker last stopped (see startAgain). */
  #counter = 0;
  #broker: EmbeddedBroker | undefined;
  #persistence: OpenedPersistence | undefined;
  #port: number;
  #host: string;
  #listeners = new Set<(broker: EmbeddedBroker) => void>();
  /** Completed stops, for the report. */
  restarts = 0;

  private constructor(options: RestartableBrokerOptions) {
    this.#options = options;
    this.#port = options.port ?? 0;
    this.#host = options.host ?? '127.0.0.1';
  }

  static async start(options: RestartableBrokerOptions = {}): Promise<RestartableBroker> {
    const broker = new RestartableBroker(options);
    await broker.startAgain();
    return broker;
  }

  /** The broker running now; throws while it is stopped. */
  get current(): EmbeddedBroker {
    if (this.#broker === undefined) throw new Error('the broker is stopped; call startAgain() first');
    return this.#broker;
  }

  get running(): boolean {
    return this.#broker !== undefined;
  }

  get port(): number {
    return this.#port;
  }

  get host(): string {
    return this.#host;
  }

  /** The broker's URL (`mqtts://` with TLS); the same while it is stopped, as clients keep using it. */
  get url(): string {
    const scheme = this.#options.tls ? 'mqtts' : 'mqtt';
    return `${scheme}://${this.#host.includes(':') ? `[${this.#host}]` : this.#host}:${this.#port}`;
  }

  /**
   * An in-process connection to the broker running now (EmbeddedBroker.connectInProcess); refused
   * while it is stopped, as its closed port refuses a TCP connection. Undefined under TLS.
   */
  connectInProcess(): Socket | undefined {
    if (this.#options.tls) return undefined;
    return this.#broker?.connectInProcess() ?? (refusedSocket({ allowHalfOpen: true, listenerPort: this.#port }) as unknown as Socket);
  }

  /** "memory", or the Redis URL (password hidden). */
  get persistenceDescription(): string {
    return this.#persistence?.description ?? (this.#options.persistence?.kind === 'redis' ? this.#options.persistence.url : 'memory');
  }

  /** Called with each new aedes instance after a start, so hooks and listeners can be attached again. */
  onStart(listener: (broker: EmbeddedBroker) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Stops the broker: clients are disconnected without a DISCONNECT of theirs (aedes publishes their
   * last wills on the way down), the port stops listening, and the persistence is let go.
   */
  async stop(): Promise<void> {
    const broker = this.#broker;
    if (broker === undefined) return;
    this.#broker = undefined;
    await broker.close();
    await this.#persistence?.close();
    this.#persistence = undefined;
    // Read once nothing more is published: closing publishes the dropped clients' wills, packets of
    // aedes' own that may sit queued in Redis for offline sessions under these counter values.
    this.#counter = Math.max(this.#counter, counterOf(broker));
    this.restarts++;
  }

  /** Starts the broker (again) on the same port, with the same id, on a freshly opened persistence. */
  async startAgain(): Promise<void> {
    if (this.#broker !== undefined) return;
    const persistence = await openPersistence(this.#options.persistence ?? { kind: 'memory' });
    try {
      this.#broker = await EmbeddedBroker.start({
        ...this.#options,
        host: this.#host,
        port: this.#port,
        id: this.#id,
        persistence: persistence.persistence,
      });
    } catch (error) {
      await persistence.close();
      throw error;
    }
    this.#persistence = persistence;
    this.#port = this.#broker.port;
    // Persisted packets are keyed by broker id and aedes' packet counter, which a new aedes starts at 0:
    // with the id kept, a fresh counter overwrote packets still queued for offline sessions in Redis
    // (a twin lost its queued QoS 1 alarm across a restart, intermittently). Carry the counter on.
    const aedes = this.#broker.aedes as unknown as { counter: number };
    aedes.counter = Math.max(aedes.counter, this.#counter);
    for (const listener of this.#listeners) listener(this.#broker);
  }

  /** Stops and starts again; `downMs` of wall time between (0: at once). */
  async restart(downMs = 0): Promise<void> {
    await this.stop();
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.startAgain();
  }

  async close(): Promise<void> {
    await this.stop();
  }
}

function counterOf(broker: EmbeddedBroker): number {
  return (broker.aedes as unknown as { counter: number }).counter;
}
