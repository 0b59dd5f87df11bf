import './quiet-debug.ts'; // first: before mqtt-packet and aedes create their loggers
import './lean-buffer-list.ts'; // mqtt-packet's parser reads its fields in place
import './single-write-publish.ts'; // a PUBLISH goes to its socket in one write
import type { Server, Socket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import { EXIT, MedtwinError } from '../core/errors.ts';
import { autoCork } from './auto-cork.ts';
import { ConnectionGate, type RefusalReason } from './connection-gate.ts';
import { connackFirst } from './connack-first.ts';
import { refusedSocket, socketPair } from './in-process-socket.ts';
import { connectRules } from './connect-rules.ts';
import { guardPacketSize, PacketTooLargeError } from './packet-size-guard.ts';
import { guardSlowReader } from './slow-reader-guard.ts';
import { DEFAULT_BROKER_LIMITS, type BrokerLimits } from './broker-limits.ts';
import { MessageEmitter } from './message-emitter.ts';
import { indexedMemoryPersistence } from './retained-index.ts';
import { createListener } from './security/tls-listener.ts';

export { DEFAULT_BROKER_LIMITS, type BrokerLimits } from './broker-limits.ts';

export type BrokerLogEvent =
  | { type: 'client.connected'; clientId: string }
  | { type: 'client.disconnected'; clientId: string }
  | {
      type: 'client.error';
      clientId: string | undefined;
      error: string;
      /**
       * What failed before MQTT could name a client: a TLS handshake, a packet over the size limit, bytes
       * that are not MQTT (the packet guard, or aedes before CONNECT). Absent for errors of a session.
       */
      cause?: 'tls' | 'oversized' | 'malformed';
      /** The connection's source port (labels the attacker's packets; never logged). */
      port?: number;
    }
  | {
      type: 'connection.refused';
      reason: RefusalReason;
      address: string;
      error: string;
      /** The connection's source port (labels the attacker's packets; never logged). */
      port?: number;
    };

/** Hooks later layers (auth, ACL, IDS) plug into; aedes' own signatures. */
export type BrokerHooks = Pick<
  AedesOptions,
  'preConnect' | 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward' | 'published'
>;

/** Never remembers a counter: aedes' dedupe then passes every packet (`(undefined || 0) < counter`). */
const NO_DUPLICATES = new Proxy({} as Record<string, number>, { get: () => undefined, set: () => true });

/**
 * aedes 1.2 drops a message for a client when it has already delivered one with a higher broker
 * counter (lib/client.js dedupe, meant for copies arriving by two paths of a cluster). Counters are
 * given when a PUBLISH comes in, but a message goes out only after its persistence calls: a retained
 * message (storeRetained, then the offline queue) is overtaken by a plain one published after it, and
 * the subscriber never gets it. With Redis a pump's first retained state was lost in every run while
 * its broker had acknowledged it; in memory a device's retained last will, published as its
 * connection closed, was lost to the central station whenever telemetry overtook it in the same turn
 * of the event loop (a downstream blackhole, with the proxies' leg to the broker in-process: 8 settle
 * stalls in dead-connections seed 7). One broker with one local bus sends each message once per
 * matching subscription, so without the dedupe nothing is lost; a client whose filters overlap may get
 * a message twice, as QoS 1 allows ([MQTT-3.3.5-1] lets the server send one copy per matching
 * subscription).
 */
function keepOvertaken(client: Client): void {
  (client as unknown as { duplicates: Record<string, number> }).duplicates = NO_DUPLICATES;
}

export interface BrokerOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  limits?: Partial<BrokerLimits>;
  hooks?: BrokerHooks;
  /** Listen with TLS only (mqtts), with these options (src/net/security/tls-options.ts). */
  tls?: TlsOptions;
  onLog?: (event: BrokerLogEvent) => void;
  /**
   * Where sessions, QoS 1 queues and retained messages live (default: in memory, lost with the
   * broker). broker-persistence.ts opens a Redis one, which survives a restart (restartable-broker.ts).
   */
  persistence?: AedesOptions['persistence'];
  /** The broker's id (aedes': its wills are filed under it); kept across a restart. Default: random. */
  id?: string;
  /**
   * Let a subscriber that stops reading fall behind alone instead of stalling every client for the
   * drain timeout (slow-reader-guard.ts); at most this many bytes are buffered for it. Default: off
   * (aedes' own behaviour).
   */
  isolateSlowReaders?: { maxBufferedBytes: number };
}

export interface BrokerStats {
  connections: number;
  totalConnections: number;
  clientErrors: number;
  oversizePackets: number;
  /**
   * Packets refused as MQTT forbids them and aedes' parser would not: ill-formed UTF-8 or U+0000 in a
   * string ([MQTT-1.5.3-1/2]), SUBSCRIBE or UNSUBSCRIBE without a filter, PINGREQ or DISCONNECT with a body.
   */
  malformedPackets: number;
  /** Connections turned away before a byte was read, by reason (each one also logged). */
  refused: Record<RefusalReason, number>;
}

/**
 * aedes over TCP, started on 127.0.0.1 by default. A bad packet or a hostile client is logged and
 * that client dropped; nothing a client sends can take the broker down.
 */
/**
 * The embedded brokers listening in this process, by URL: a run handed one by URL (the CLI's one
 * broker for a whole invocation) can still reach it in-process (connectInProcess, EmbeddedBroker.at).
 */
const listening = new Map<string, EmbeddedBroker>();

export class EmbeddedBroker {
  readonly aedes: Aedes;
  readonly limits: BrokerLimits;
  readonly host: string;
  readonly stats: BrokerStats = {
    connections: 0,
    totalConnections: 0,
    clientErrors: 0,
    oversizePackets: 0,
    malformedPackets: 0,
    refused: { 'max-connections': 0, rate: 0, descriptors: 0 },
  };
  #server: Server;
  #sockets = new Set<Socket>();
  #port = 0;
  #closed = false;
  #scheme: 'mqtt' | 'mqtts';
  #isolate: BrokerOptions['isolateSlowReaders'];
  #gate: ConnectionGate;
  #log: (event: BrokerLogEvent) => void = () => {};
  #listeners: ((event: BrokerLogEvent) => void)[] = [];
  #connackFirst: (client: Client) => void;

  private constructor(aedes: Aedes, server: Server, host: string, limits: BrokerLimits, scheme: 'mqtt' | 'mqtts') {
    this.aedes = aedes;
    this.#server = server;
    this.#scheme = scheme;
    this.host = host;
    this.limits = limits;
    this.#gate = new ConnectionGate(limits);
    this.#connackFirst = connackFirst(aedes);
  }

  /** Starts a broker and resolves once it accepts connections. */
  static async start(options: BrokerOptions = {}): Promise<EmbeddedBroker> {
    const limits = { ...DEFAULT_BROKER_LIMITS, ...options.limits };
    const host = options.host ?? '127.0.0.1';
    const rules = connectRules(limits, options.hooks);
    const aedes = await Aedes.createBroker({
      // aedes' own bus overflows the stack under a burst of clients, and its memory persistence makes
      // connecting a fleet O(n²); see message-emitter.ts, retained-index.ts and docs/broker.md#bursts.
      mq: new MessageEmitter({ concurrency: limits.deliveryConcurrency }),
      concurrency: limits.deliveryConcurrency,
      persistence: options.persistence ?? indexedMemoryPersistence(),
      ...(options.id ? { id: options.id } : {}),
      ...options.hooks,
      // connect-rules.ts: keep-alive 0 accepted and capped, [MQTT-3.1.3-8], client-id length for 3.1.1
      // too; the caller's own preConnect and authenticate run after them.
      preConnect: rules.preConnect,
      authenticate: rules.authenticate,
      connectTimeout: limits.connectTimeoutMs,
      drainTimeout: limits.drainTimeoutMs,
      // 0: aedes refuses no keep-alive itself; connect-rules.ts holds it to keepaliveLimitS instead.
      keepaliveLimit: 0,
      maxClientsIdLength: limits.maxClientIdLength,
      queueLimit: limits.queueLimit,
      maxInflightInbound: limits.maxInflightInbound,
    });
    const listeners: ((event: BrokerLogEvent) => void)[] = options.onLog ? [options.onLog] : [];
    const log = (event: BrokerLogEvent) => {
      for (const listener of listeners) listener(event);
    };
    // A TLS client that never finishes its handshake holds a descriptor like one that never sends CONNECT.
    const { server, event, scheme } = createListener(options.tls && { handshakeTimeout: limits.connectTimeoutMs, ...options.tls });
    const broker = new EmbeddedBroker(aedes, server, host, limits, scheme);
    broker.#isolate = options.isolateSlowReaders;
    broker.#log = log;
    broker.#listeners = listeners;

    // Every connection passes the gate as TCP, before a TLS handshake or a byte of MQTT costs anything.
    server.on('connection', (socket: Socket) => broker.#admit(socket));
    server.on(event, (socket: Socket) => broker.#accept(socket, log));
    // A failed TLS handshake (a plaintext client, no client certificate under mutual TLS) never reaches aedes.
    server.on('tlsClientError', (error: Error, socket: Socket) => {
      broker.stats.clientErrors++;
      const port = socket?.remotePort;
      // OpenSSL's message starts with a thread id and a source path: its reason alone reads (and repeats) better.
      const reason = (error as { reason?: unknown }).reason;
      log({
        type: 'client.error',
        clientId: undefined,
        error: `TLS: ${typeof reason === 'string' ? reason : error.message}`,
        cause: 'tls',
        ...(port === undefined ? {} : { port }),
      });
    });
    aedes.on('client', (client: Client) => {
      broker.stats.connections++;
      broker.stats.totalConnections++;
      log({ type: 'client.connected', clientId: client.id });
    });
    aedes.on('clientDisconnect', (client: Client) => {
      broker.stats.connections = Math.max(0, broker.stats.connections - 1);
      log({ type: 'client.disconnected', clientId: client.id });
    });
    const onClientError = (client: Client | undefined, error: Error) => {
      broker.stats.clientErrors++;
      log({ type: 'client.error', clientId: client?.id, error: error.message });
    };
    aedes.on('clientError', onClientError);
    // Before CONNECT completed: bytes aedes could not take as MQTT (a bad protocol name, reserved flags).
    // A reset socket is the network's doing, not the client's packets.
    aedes.on('connectionError', (client: Client | undefined, error: Error) => {
      broker.stats.clientErrors++;
      const port = (client?.conn as { remotePort?: number } | undefined)?.remotePort;
      const socketError = typeof (error as { code?: unknown }).code === 'string';
      log({
        type: 'client.error',
        clientId: client?.id,
        error: error.message,
        ...(socketError ? {} : { cause: 'malformed' as const }),
        ...(port === undefined ? {} : { port }),
      });
    });

    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        aedes.close();
        reject(
          error.code === 'EADDRINUSE'
            ? new MedtwinError(
                'E_PORT_IN_USE',
                `port ${options.port} on ${host} is already in use; choose another with --port, or --port 0 for a free one`,
                { exitCode: EXIT.environment, cause: error },
              )
            : new MedtwinError('E_BROKER_LISTEN', `the broker could not listen on ${host}:${options.port ?? 0}: ${error.message}`, {
                exitCode: EXIT.environment,
                cause: error,
              }),
        );
      };
      server.once('error', onError);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    const address = server.address();
    broker.#port = typeof address === 'object' && address !== null ? address.port : 0;
    listening.set(broker.url, broker);
    // After start, a server-level error must not crash the process. Out of descriptors, accept fails
    // (EMFILE): that is a refused connection, counted and logged as one.
    server.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EMFILE' || error.code === 'ENFILE') broker.#refuse('descriptors', '', error.message);
      else log({ type: 'client.error', clientId: undefined, error: error.message });
    });
    return broker;
  }

  /** The embedded broker listening in this process at `url` (exactly as its `url` reads), if any. */
  static at(url: string): EmbeddedBroker | undefined {
    return listening.get(url);
  }

  /** Adds a listener to what the broker logs (a sensor on it, such as the IDS's tap), besides `onLog`. */
  onLog(listener: (event: BrokerLogEvent) => void): void {
    this.#listeners.push(listener);
  }

  /** TCP connections open now (admitted by the connection limits; a TLS one before its handshake too). */
  get openConnections(): number {
    return this.#gate.open;
  }

  get port(): number {
    return this.#port;
  }

  /** `mqtt://host:port` (`mqtts://` with TLS), for `--broker` and for tools such as MQTT Explorer or mosquitto_sub. */
  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${this.#scheme}://${host}:${this.#port}`;
  }

  /**
   * A connection to this broker that never leaves the process (in-process-socket.ts): the fault
   * proxy's last leg when this broker is in its own process. It passes the connection gate, the packet
   * guard and the slow-reader guard as a TCP connection does, and aedes reads the same bytes. Undefined
   * under TLS, whose handshake (and under mutual TLS the device's certificate) needs a real one. A
   * closed broker refuses it (ECONNREFUSED), as its closed port would.
   */
  connectInProcess(): Socket | undefined {
    if (this.#scheme === 'mqtts') return undefined;
    // The stand-in is shaped like the socket it replaces (in-process-socket.ts), not typed as one.
    if (this.#closed) return refusedSocket({ allowHalfOpen: true, listenerPort: this.#port }) as unknown as Socket;
    const { dialler, acceptor } = socketPair({
      dialler: { allowHalfOpen: true },
      // As the broker's TCP server: a client's FIN ends its connection.
      acceptor: { allowHalfOpen: false },
      listenerPort: this.#port,
    });
    const socket = acceptor as unknown as Socket;
    this.#admit(socket);
    this.#accept(socket, this.#log);
    return dialler as unknown as Socket;
  }

  /** A new TCP connection: refused at once past the connection cap or its address's rate. */
  #admit(socket: Socket): void {
    const address = socket.remoteAddress ?? '';
    const refusal = this.#gate.admit(address, performance.now());
    if (refusal !== undefined) {
      socket.destroy();
      const limit =
        refusal === 'rate'
          ? `${this.limits.connectionsPerAddressPerSecond} new connections per address per second`
          : `${this.limits.maxConnections} open connections`;
      this.#refuse(
        refusal,
        address,
        `connection from ${address || 'an unknown address'} refused: over the limit of ${limit}`,
        socket.remotePort,
      );
      return;
    }
    this.#sockets.add(socket);
    socket.on('close', () => {
      this.#sockets.delete(socket);
      this.#gate.release();
    });
    socket.on('error', () => socket.destroy());
  }

  #refuse(reason: RefusalReason, address: string, error: string, port?: number): void {
    this.stats.refused[reason]++;
    this.#log({ type: 'connection.refused', reason, address, error, ...(port === undefined ? {} : { port }) });
  }

  /** Hands a connection (TCP, or TLS once its handshake is done) to aedes behind the packet guard. */
  #accept(socket: Socket, log: (event: BrokerLogEvent) => void): void {
    // A refused connection was destroyed in #admit; a TLS socket's own closing is its TCP socket's.
    if (socket.destroyed) return;
    socket.setNoDelay(true);
    autoCork(socket);
    if (this.#isolate) {
      const limits = { drainTimeoutMs: this.limits.drainTimeoutMs, maxBufferedBytes: this.#isolate.maxBufferedBytes };
      guardSlowReader(socket, limits, (reason) =>
        log({ type: 'client.error', clientId: undefined, error: `slow reader dropped (${reason})` }),
      );
    }
    socket.on('error', () => socket.destroy());
    guardPacketSize(socket, this.limits.maxPacketSize, (error) => {
      const oversized = error instanceof PacketTooLargeError;
      if (oversized) this.stats.oversizePackets++;
      else this.stats.malformedPackets++;
      const port = socket.remotePort;
      log({
        type: 'client.error',
        clientId: undefined,
        error: error.message,
        cause: oversized ? 'oversized' : 'malformed',
        ...(port === undefined ? {} : { port }),
      });
      socket.destroy();
    });
    const client = this.aedes.handle(socket);
    keepOvertaken(client);
    // Nothing reaches a client before its CONNACK (connack-first.ts).
    this.#connackFirst(client);
  }

  /** Disconnects every client and stops listening. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (listening.get(this.url) === this) listening.delete(this.url);
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
