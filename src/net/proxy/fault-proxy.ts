import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { IPublishPacket } from 'mqtt-packet';
import type { Clock } from '../../core/clock.ts';
import { InputError, describeValue, nearestName } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { addDirection, emptyDirection, type ConnectionAccount, type ProxyAccount, type ProxyEvent } from './accounting.ts';
import { ProxyConnection, type ConnectionHost, type PublishFateInput } from './connection.ts';
import type { Segment } from './framer.ts';
import { decodePacket } from './packet-codec.ts';
import type { Stage } from './pipe.ts';
import { dialUpstream, noteTcpUnder, resetSocket, resetTcp, socketGone, type ProxyTls, type Upstream } from './tls-termination.ts';
import type { PathState } from '../session-book.ts';
import { isPaced, type Direction, type DirectionChoice, type Timing, type ToxicKind } from './toxic.ts';
import { TOXIC_TYPES, TOXICS, type ToxicType } from './toxics/index.ts';

export interface FaultProxyOptions {
  /** What the proxy stands for in logs and in its Rng streams: `zone:ward-a`, `device:pump-03`. */
  name: string;
  /** The broker the proxy forwards to (or the next proxy): over TCP, or in-process to an embedded broker that offers it. */
  upstream: Upstream;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Byte-level timing: the run's SimClock in fast mode, a WallClock in realtime (docs/network.md). */
  clock: Clock;
  /** Seeded stream of this proxy; each toxic on each connection forks its own from it. */
  rng: Rng;
  /**
   * How time-based toxics (latency, bandwidth, slicer, MQTT delay) delay a packet: `hold` it on
   * `clock` (the default), or `tag` it — report the delay in the account and pass it on at once, for a
   * fast-mode ledger that stamps delivery at the publish's simulated time plus the delay
   * (docs/network.md#fast-mode).
   */
  timing?: Timing;
  /**
   * Keep the broker's keep-alive on `clock` while a blackhole swallows a client's bytes. Fast mode
   * needs it (the broker's own runs in wall time); realtime leaves it to the broker.
   */
  brokerKeepalive?: boolean;
  /**
   * Where the cuts toxics decide on the clock go (a reset after a timeout, a close at a byte quota,
   * the broker's keep-alive): run at once by default; fast mode queues them until the transport has
   * settled at that instant (RunNetwork's pending changes), so no byte sent before a cut is lost in
   * a socket the cut destroyed.
   */
  defer?: (cut: () => void) => void;
  /** Called when bytes were read from a client under a toxic that acts on when bytes pass (the settle barrier counts again). */
  onPacedRead?: () => void;
  /**
   * Terminate TLS (tls-termination.ts): the listener serves TLS only and each upstream connection is
   * TLS, so the toxics and the packet accounting still read MQTT. Without it both sides are plain TCP.
   */
  tls?: ProxyTls;
}

/** A toxic as the runtime adds it: Toxiproxy's shape (type, direction, toxicity) with typed params. */
export interface ToxicSpec {
  type: ToxicType;
  /** Unique within the proxy; defaults to `<type>_<direction>`. */
  name?: string;
  direction?: DirectionChoice;
  /** Fraction of connections the toxic affects (drawn per connection, seeded). Default 1. */
  toxicity?: number;
  params?: Record<string, unknown>;
}

interface ActiveToxic {
  name: string;
  type: ToxicType;
  directions: Direction[];
  toxicity: number;
  params: unknown;
}

/**
 * A TCP fault proxy in front of the broker, Toxiproxy's model inside medtwin: one listener (a zone's,
 * or a device's), and for each client it accepts, its own connection to the broker, with the active
 * toxics applied to the bytes either way. It can be taken down (connections reset, new ones refused)
 * and brought up again. When a fault starts and ends is decided outside, in simulated time (the
 * runtime calls addToxic/removeToxic, setDown); what a toxic does between those calls runs on the
 * clock it was given. docs/network.md describes each fault and how fast mode stays deterministic.
 */
export class FaultProxy implements ConnectionHost {
  readonly name: string;
  readonly clock: Clock;
  readonly brokerKeepalive: boolean;
  readonly timing: Timing;
  readonly #defer: ((cut: () => void) => void) | undefined;
  readonly #onPacedRead: (() => void) | undefined;
  #rng: Rng;
  #server: Server;
  #upstream: Upstream;
  #tls: ProxyTls | undefined;
  /** Under TLS: each accepted TCP socket by its peer's address, until its TLS socket is secured (or it closes). */
  #handshaking = new Map<string, Socket>();
  #host: string;
  #port = 0;
  #toxics: ActiveToxic[] = [];
  #connections = new Set<ProxyConnection>();
  /**
   * The newest connection from each client port: the session book asks pathByPort for every client at
   * each recount (a PINGREQ, a connection's news), which a scan of every connection made quadratic in
   * the fleet's size.
   */
  #byPeerPort = new Map<number, ProxyConnection>();
  #closedTotals = { upstream: emptyDirection(), downstream: emptyDirection() };
  #counts = { accepted: 0, refused: 0, reset: 0 };
  /** Under TLS: connections refused at the handshake (no valid client certificate, no identity to present upstream). */
  #tlsRefused = 0;
  #attempts = new Map<string, number>();
  #listeners = new Set<(event: ProxyEvent) => void>();
  #down = false;
  #nextId = 1;

  private constructor(options: FaultProxyOptions, server: Server) {
    this.name = options.name;
    this.clock = options.clock;
    this.brokerKeepalive = options.brokerKeepalive ?? false;
    this.timing = options.timing ?? 'hold';
    this.#defer = options.defer;
    this.#onPacedRead = options.onPacedRead;
    this.#rng = options.rng;
    this.#upstream = options.upstream;
    this.#host = options.host ?? '127.0.0.1';
    this.#server = server;
    this.#tls = options.tls;
  }

  /** Starts listening; resolves once the proxy accepts connections. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const tls = options.tls;
    // Under TLS the handshake needs the socket read at once; the proxy pauses its client later, until
    // the upstream connection is ready (ProxyConnection).
    const server = tls
      ? createTlsServer({ ...tls.listener, allowHalfOpen: true })
      : createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const proxy = new FaultProxy(options, server);
    if (tls) {
      server.on('connection', (socket: Socket) => proxy.#acceptTcp(socket));
      server.on('secureConnection', (socket: TLSSocket) => proxy.#acceptSecure(socket));
      // A failed handshake is counted when its TCP socket closes unsecured (#acceptTcp).
      server.on('tlsClientError', () => {});
    } else server.on('connection', (socket: Socket) => proxy.#accept(socket));
    // A listener error after start (EMFILE under a connect flood) must not crash the run.
    server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, proxy.#host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    proxy.#port = typeof address === 'object' && address !== null ? address.port : 0;
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** `mqtt://host:port` (`mqtts://` under TLS): what a device connects to instead of the broker. */
  get url(): string {
    return `${this.#tls ? 'mqtts' : 'mqtt'}://${this.#host}:${this.#port}`;
  }

  get down(): boolean {
    return this.#down;
  }

  /**
   * Down: every connection is reset and new ones are refused (accepted, then reset at once — the
   * listener stays bound so the port is still ours when the link comes back). Toxiproxy's disabled
   * proxy; a firewall rejecting the zone. Up: connections are accepted again.
   */
  setDown(down: boolean): void {
    this.#down = down;
    if (down) for (const connection of this.#connections) connection.reset('reset');
  }

  /** Adds a toxic to every current and future connection; returns its name. Bad params throw an InputError naming each. */
  addToxic(spec: ToxicSpec): string {
    const toxic = this.#check(spec);
    if (this.#toxics.some((t) => t.name === toxic.name))
      throw new InputError('E_TOXIC_EXISTS', `a toxic named "${toxic.name}" is already active on proxy ${this.name}; give it another name`);
    this.#toxics.push(toxic);
    for (const connection of this.#connections) this.#install(connection, [toxic]);
    return toxic.name;
  }

  /** Checks a toxic as addToxic would (an InputError naming each bad param), without adding it. */
  validateToxic(spec: ToxicSpec): void {
    this.#check(spec);
  }

  #check(spec: ToxicSpec): ActiveToxic {
    const kind = TOXICS[spec.type];
    if (kind === undefined) {
      const near = nearestName(String(spec.type), TOXIC_TYPES);
      throw new InputError(
        'E_TOXIC_TYPE',
        `unknown toxic ${describeValue(spec.type)}${near ? ` — did you mean "${near}"?` : ''}; known: ${TOXIC_TYPES.join(', ')}`,
      );
    }
    const direction = spec.direction ?? 'both';
    if (!['upstream', 'downstream', 'both'].includes(direction))
      throw new InputError('E_TOXIC_PARAMS', `direction: expected upstream, downstream or both, received ${describeValue(direction)}`);
    const toxicity = spec.toxicity ?? 1;
    if (!(toxicity >= 0 && toxicity <= 1))
      throw new InputError('E_TOXIC_PARAMS', `toxicity: expected a fraction from 0 to 1, received ${describeValue(spec.toxicity)}`);
    const parsed = kind.params.safeParse(spec.params ?? {});
    if (!parsed.success) {
      const lines = parsed.error.issues.map((issue) => {
        const received = issue.path.reduce<unknown>(
          (v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
          spec.params,
        );
        const where = issue.path.length > 0 ? `params.${issue.path.join('.')}` : 'params';
        return `${where}: ${issue.message.replace(/^Invalid input: /, '')}, received ${describeValue(received)} (${spec.type})`;
      });
      throw new InputError('E_TOXIC_PARAMS', lines.join('\n'));
    }
    return {
      name: spec.name ?? `${spec.type}_${direction}`,
      type: spec.type,
      directions: direction === 'both' ? ['upstream', 'downstream'] : [direction],
      toxicity,
      params: parsed.data,
    };
  }

  /** Removes a toxic: what it holds is delivered (held bytes go on, in order); what it swallowed stays lost. */
  removeToxic(name: string): void {
    const index = this.#toxics.findIndex((t) => t.name === name);
    if (index === -1) return;
    this.#toxics.splice(index, 1);
    for (const connection of this.#connections) connection.removeStage(name);
  }

  /** The toxics active now, in the order they apply. */
  toxics(): { name: string; type: ToxicType; direction: DirectionChoice; toxicity: number; params: unknown }[] {
    return this.#toxics.map((t) => ({
      name: t.name,
      type: t.type,
      direction: t.directions.length === 2 ? 'both' : t.directions[0]!,
      toxicity: t.toxicity,
      params: t.params,
    }));
  }

  /** Listens to what the proxy does (connections, and each PUBLISH a fault acted on). Returns the unsubscribe. */
  onEvent(listener: (event: ProxyEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Totals over every connection, open and closed. */
  account(): ProxyAccount {
    const upstream = emptyDirection();
    const downstream = emptyDirection();
    addDirection(upstream, this.#closedTotals.upstream);
    addDirection(downstream, this.#closedTotals.downstream);
    for (const connection of this.#connections) {
      addDirection(upstream, connection.up.account);
      addDirection(downstream, connection.down.account);
    }
    upstream.bytes.held = [...this.#connections].reduce((sum, c) => sum + c.up.held, 0);
    downstream.bytes.held = [...this.#connections].reduce((sum, c) => sum + c.down.held, 0);
    return { ...this.#counts, ...(this.#tls ? { tlsRefused: this.#tlsRefused } : {}), upstream, downstream };
  }

  /** The open connections' accounts. */
  connections(): ConnectionAccount[] {
    return [...this.#connections].map((c) => {
      const account = c.account();
      return {
        ...account,
        upstream: { ...account.upstream, bytes: { ...account.upstream.bytes, held: c.up.held } },
        downstream: { ...account.downstream, bytes: { ...account.downstream.bytes, held: c.down.held } },
      };
    });
  }

  /** Stops listening and resets every connection. Idempotent. */
  async close(): Promise<void> {
    for (const connection of this.#connections) connection.reset('proxy-closed');
    // Under TLS, clients still in their handshake (one that gave up on our certificate may leave its
    // socket half-open until the handshake timeout): the server would wait for them.
    for (const raw of this.#handshaking.values()) resetTcp(raw);
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // ConnectionHost

  stagesFor(connection: ProxyConnection, direction: Direction, toxics: readonly ActiveToxic[] = this.#toxics): Stage[] {
    const key = `${connection.clientId ?? `anonymous-${connection.id}`}#${connection.attempt}`;
    const stages: Stage[] = [];
    for (const toxic of toxics) {
      if (!toxic.directions.includes(direction)) continue;
      const rng = this.#rng.fork(`${toxic.name}/${direction}/${key}`);
      // Toxicity is drawn once per connection and toxic (both directions agree), as Toxiproxy does.
      if (toxic.toxicity < 1 && !this.#rng.fork(`${toxic.name}/toxicity/${key}`).bernoulli(toxic.toxicity)) continue;
      const kind = TOXICS[toxic.type];
      const instance = kind.create(toxic.params as never, connection.link(direction, toxic.name, rng, kind.swallows === true));
      stages.push({
        id: toxic.name,
        swallows: kind.swallows === true,
        paced: isPaced(kind as unknown as ToxicKind, toxic.params),
        ...(kind.reads ? { reads: kind.reads } : {}),
        instance,
      });
    }
    return stages;
  }

  onIdentified(connection: ProxyConnection): void {
    const clientId = connection.clientId ?? '';
    connection.attempt = (this.#attempts.get(clientId) ?? 0) + 1;
    this.#attempts.set(clientId, connection.attempt);
    this.#install(connection, this.#toxics);
    this.#emit({ type: 'connection.opened', at: this.clock.now(), connection: connection.id, clientId: connection.clientId });
  }

  onPublish(connection: ProxyConnection, direction: Direction, segment: Segment, fate: PublishFateInput): void {
    if (this.#listeners.size === 0) return;
    const packet = decodePacket(segment.bytes, connection.protocolVersion);
    if (packet instanceof Error || packet.cmd !== 'publish') return;
    const publish = packet as IPublishPacket;
    this.#emit({
      type: 'publish',
      at: this.clock.now(),
      connection: connection.id,
      clientId: connection.clientId,
      direction,
      ...fate,
      topic: publish.topic,
      qos: publish.qos,
      messageId: publish.messageId,
      payload: Buffer.isBuffer(publish.payload) ? publish.payload : Buffer.from(publish.payload),
    });
  }

  onPacedRead(): void {
    this.#onPacedRead?.();
  }

  defer(cut: () => void): void {
    if (this.#defer) this.#defer(cut);
    else cut();
  }

  onCut(connection: ProxyConnection, established: boolean): void {
    this.#emit({ type: 'session.cut', at: this.clock.now(), connection: connection.id, clientId: connection.clientId, established });
  }

  onDropped(connection: ProxyConnection): void {
    this.#emit({ type: 'session.dropped', at: this.clock.now(), connection: connection.id, clientId: connection.clientId });
  }

  onAccepted(connection: ProxyConnection): void {
    this.#emit({ type: 'session.accepted', at: this.clock.now(), connection: connection.id, clientId: connection.clientId });
  }

  onClientClosed(connection: ProxyConnection): void {
    this.#emit({ type: 'client.closed', at: this.clock.now(), connection: connection.id, clientId: connection.clientId });
  }

  /**
   * How far the close of the connection `clientId` opened from `peerPort` has got through this proxy
   * (ProxyConnection.clientClose), and the port it goes on from towards the broker. A connection this
   * proxy no longer has (or another client's on a reused port) has nothing more to come.
   */
  closeByPort(peerPort: number, clientId: string): { state: 'unread' | 'held' | 'passed'; upstreamPort?: number } {
    const found = this.#byPeerPort.get(peerPort);
    if (found === undefined || (found.clientId !== undefined && found.clientId !== clientId)) return { state: 'passed' };
    const state = found.clientClose;
    return found.upstreamPort === undefined ? { state } : { state, upstreamPort: found.upstreamPort };
  }

  /**
   * What this proxy knows of `clientId`'s connection (session-book.ts): a fault swallows its bytes,
   * it is open both ways, or there is none (or it is closing).
   */
  pathOf(clientId: string): PathState {
    // The client's newest connection: an older one a blackhole keeps half-open is not what it waits on.
    let newest: ProxyConnection | undefined;
    for (const connection of this.#connections) {
      if (connection.clientId === clientId && connection.open && (newest === undefined || connection.id > newest.id)) newest = connection;
    }
    // Cut on the client's side (a reset it is about to read): none, whatever a fault swallowed before.
    if (newest === undefined || socketGone(newest.client)) return 'none';
    return newest.swallowed ? 'swallowed' : newest.live ? 'open' : 'none';
  }

  /**
   * The connection a client opened from `peerPort` (its socket's local port): what this proxy knows of
   * that very connection — `pending` while the proxy has not read its CONNECT (or has not accepted it
   * yet), then swallowed, open or none as pathOf says — and the port it goes on from towards the
   * broker (where a second listener, a zone's behind a device's own, sees it).
   */
  pathByPort(peerPort: number, written?: number): { state: PathState | 'pending'; upstreamPort?: number } {
    const found = this.#byPeerPort.get(peerPort);
    if (found === undefined || !found.identified) return { state: 'pending' };
    if (socketGone(found.client) || !found.open) return { state: 'none' };
    // Its CONNECT still to be answered by the broker, though the answer will be swallowed (a
    // downstream blackhole): waited for as a connection the proxy has not read, so whether the broker
    // held a session for it when the client gives up is decided at a simulated instant.
    if (found.swallowed && found.awaitingConnack) return { state: 'pending' };
    let state: PathState = found.swallowed ? 'swallowed' : found.live ? 'open' : 'none';
    // A toxic that acts on when bytes pass (a quota): what the client wrote must be read at its instant.
    if (state === 'open' && written !== undefined && found.up.paced && found.client.bytesRead < written) state = 'behind';
    return found.upstreamPort === undefined ? { state } : { state, upstreamPort: found.upstreamPort };
  }

  onClosed(connection: ProxyConnection, reason: Parameters<ConnectionHost['onClosed']>[1]): void {
    this.#connections.delete(connection);
    if (connection.peerPort !== undefined && this.#byPeerPort.get(connection.peerPort) === connection) {
      // An older connection from the same port may still be closing: it is the newest now.
      this.#byPeerPort.delete(connection.peerPort);
      for (const other of this.#connections)
        if (other.peerPort === connection.peerPort && (this.#byPeerPort.get(other.peerPort)?.id ?? 0) < other.id)
          this.#byPeerPort.set(other.peerPort, other);
    }
    if (reason === 'reset' || reason === 'proxy-closed') this.#counts.reset++;
    addDirection(this.#closedTotals.upstream, connection.up.account);
    addDirection(this.#closedTotals.downstream, connection.down.account);
    this.#emit({ type: 'connection.closed', at: this.clock.now(), connection: connection.id, clientId: connection.clientId, reason });
  }

  #install(connection: ProxyConnection, toxics: readonly ActiveToxic[]): void {
    // Before CONNECT the connection has no identity, so no seeded stream: its toxics wait for it.
    if (!connection.identified) return;
    for (const direction of ['upstream', 'downstream'] as const)
      connection.addStages(direction, this.stagesFor(connection, direction, toxics));
  }

  #accept(socket: Socket): void {
    socket.on('error', () => {});
    if (this.#down) return this.#refuse(socket);
    this.#counts.accepted++;
    this.#add(new ProxyConnection(this.#nextId++, socket, dialUpstream(this.#upstream), this));
  }

  /** Down: the connection is reset at once, before any byte (or TLS handshake) crosses. */
  #refuse(socket: Socket): void {
    this.#counts.refused++;
    this.#emit({ type: 'connection.refused', at: this.clock.now() });
    resetSocket(socket);
  }

  /** Under TLS, a TCP connection the TLS server has just wrapped: refused while down; its handshake failing is counted. */
  #acceptTcp(raw: Socket): void {
    raw.on('error', () => {});
    if (this.#down) return this.#refuse(raw);
    const key = `${raw.remoteAddress}|${raw.remotePort}`;
    this.#handshaking.set(key, raw);
    raw.once('close', () => {
      // Still here: the TLS handshake never completed (or the client was refused after it).
      if (this.#handshaking.get(key) !== raw) return;
      this.#handshaking.delete(key);
      this.#tlsRefused++;
    });
  }

  /**
   * Under TLS, a client whose handshake succeeded (under mutual TLS, with a certificate the CA signed,
   * checked by the TLS server): it gets an upstream connection presenting the same identity, or is
   * refused when the proxy has none to present.
   */
  #acceptSecure(socket: TLSSocket): void {
    socket.on('error', () => {});
    const key = `${socket.remoteAddress}|${socket.remotePort}`;
    const raw = this.#handshaking.get(key);
    if (raw !== undefined) noteTcpUnder(socket, raw);
    const tls = this.#tls!;
    const commonName = tls.listener.requestCert ? peerCommonName(socket) : undefined;
    const context = tls.upstream(commonName);
    if (context === undefined) return resetSocket(socket);
    this.#handshaking.delete(key);
    if (this.#down) return this.#refuse(socket);
    this.#counts.accepted++;
    this.#add(new ProxyConnection(this.#nextId++, socket, dialUpstream(this.#upstream, context), this));
  }

  #add(connection: ProxyConnection): void {
    this.#connections.add(connection);
    // Ids grow, so the connection just accepted is the newest from its port.
    if (connection.peerPort !== undefined) this.#byPeerPort.set(connection.peerPort, connection);
  }

  #emit(event: ProxyEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

/** The CN of the certificate a TLS client presented (verified by the server before `secureConnection`). */
function peerCommonName(socket: TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const cn: unknown = socket.getPeerCertificate().subject?.CN;
  // A certificate with several CNs names no one identity.
  return typeof cn === 'string' ? cn : undefined;
}
