import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { IConnectPacket, IPublishPacket } from 'mqtt-packet';
import type { Clock } from '../../core/clock.ts';
import type { ConnectionAccount, CloseReason } from './accounting.ts';
import { PacketType, type Segment } from './framer.ts';
import { decodePacket } from './packet-codec.ts';
import { Pipe, type Stage } from './pipe.ts';
import { resetSocket, socketGone, type Dialled } from './tls-termination.ts';
import type { Direction, Timing, ToxicLink } from './toxic.ts';

/** What a connection needs from its proxy. */
export interface ConnectionHost {
  readonly clock: Clock;
  readonly timing: Timing;
  /** Simulate the broker's keep-alive on the proxy's clock (fast mode; docs/network.md#keep-alive). */
  readonly brokerKeepalive: boolean;
  onPublish(connection: ProxyConnection, direction: Direction, segment: Segment, fate: PublishFateInput): void;
  onIdentified(connection: ProxyConnection): void;
  onClosed(connection: ProxyConnection, reason: CloseReason): void;
  /**
   * A fault cut the connection (a reset, a close, the broker-side keep-alive), reported at once, once
   * per connection: its client will hear of it (or not, through a blackhole). `established`: the broker
   * had accepted the session, so it publishes the client's last will.
   */
  onCut(connection: ProxyConnection, established: boolean): void;
  /** The client's close without a DISCONNECT went on to the broker, which held its session: it publishes the will (ProxyEvent `session.dropped`). */
  onDropped(connection: ProxyConnection): void;
  /** The broker answered the client's CONNECT: the proxy read its CONNACK, whatever a toxic then does to it (ProxyEvent `session.accepted`). */
  onAccepted(connection: ProxyConnection): void;
  /** The proxy read the client's FIN or reset (ProxyEvent `client.closed`). */
  onClientClosed(connection: ProxyConnection): void;
  /**
   * Runs a cut a toxic or the keep-alive decided (a reset, a close): now, or in fast mode once the
   * transport has settled at this instant, so bytes sent before it are not lost in the sockets.
   */
  defer(cut: () => void): void;
  /** Bytes were read from a client whose upstream has a toxic that acts on when bytes pass (a quota). */
  onPacedRead(): void;
}

export type PublishFateInput =
  | { fate: 'dropped' | 'duplicated' | 'downgraded' | 'released'; toxic: string }
  | { fate: 'delayed'; toxic: string; delayMs: number };

/**
 * One client's connection through the proxy, with its own connection to the broker (as Toxiproxy
 * opens one upstream connection per accepted client). Two pipes carry the bytes: upstream (client →
 * broker) and downstream (broker → client). A close or a reset on one side travels to the other
 * through the toxics like data, so a blackhole swallows it as a dead access point would.
 */
export class ProxyConnection {
  readonly id: number;
  readonly client: Socket;
  readonly broker: Socket;
  readonly up: Pipe;
  readonly down: Pipe;
  clientId: string | undefined;
  protocolVersion = 4;
  /** Keep-alive the client asked for in CONNECT, seconds (0: none). */
  keepaliveS = 0;
  /** How many connections this client id had made through the proxy, this one included (its Rng streams' key). */
  attempt = 0;
  #host: ConnectionHost;
  #open = true;
  #reason: CloseReason | undefined;
  #watchdog: number | undefined;
  #identified = false;
  /** The broker accepted the session (a CONNACK came down): it holds the client's will. */
  #established = false;
  #cut = false;
  /** A swallowing fault dropped bytes of this connection: what the client sent then is never answered. */
  #lost = false;
  /** The client's CONNECT went out to the broker (no fault swallowed it): an answer will come. */
  #connectSent = false;
  /** A fault swallowed the client's CONNECT: no answer will come. */
  #connectDropped = false;
  /** The client sent a DISCONNECT: the broker discards its will [MQTT-3.1.2-10]. */
  #disconnected = false;
  /** The proxy has read the client's FIN or reset. */
  #clientEnded = false;
  /** ...and it came out of the upstream toxics, on to the broker. */
  #clientEndPassed = false;
  /** The client's port as the proxy sees it, and the proxy's own port towards the broker (kept past close). */
  readonly peerPort: number | undefined;
  upstreamPort: number | undefined;

  /** `broker`: the proxy's connection to the broker (dialUpstream), plain or TLS like `client`. */
  constructor(id: number, client: Socket, broker: Dialled, host: ConnectionHost) {
    this.id = id;
    this.client = client;
    this.#host = host;
    this.broker = broker.socket;
    client.setNoDelay(true);
    this.peerPort = client.remotePort;
    broker.tcp.once('connect', () => {
      this.upstreamPort = broker.tcp.localPort;
    });
    this.up = new Pipe('upstream', client, this.broker, {
      onFirst: (segment) => this.#identify(segment),
      onWritten: (segment, held) => {
        if (segment.type === PacketType.CONNECT) this.#connectSent = true;
        this.#report('upstream', segment, held);
      },
      onPacket: (type) => {
        if (type === PacketType.DISCONNECT) this.#disconnected = true;
      },
      onEnd: (reset) => {
        this.#clientEndPassed = true;
        this.#maybeDropped();
        this.#endSide(this.broker, reset);
      },
      onUndeliverable: (segment) => this.#undeliverable(this.up, segment),
    });
    this.down = new Pipe('downstream', this.broker, client, {
      onPacket: (type) => {
        if (type !== PacketType.CONNACK || this.#established) return;
        this.#established = true;
        this.#host.onAccepted(this);
      },
      onWritten: (segment, held) => this.#report('downstream', segment, held),
      onEnd: (reset) => this.#endSide(client, reset),
      onUndeliverable: (segment) => this.#undeliverable(this.down, segment),
    });

    // Nothing is read from the client until the broker has answered the proxy's connection (under TLS,
    // until that connection's handshake is done and the broker's certificate verified).
    client.pause();
    this.broker.once(broker.ready, () => client.resume());
    client.on('data', (chunk: Buffer) => {
      this.up.read(chunk, !this.#identified);
      if (this.up.paced) this.#host.onPacedRead();
    });
    this.broker.on('data', (chunk: Buffer) => this.down.read(chunk));
    client.on('end', () => {
      this.#reason ??= 'client-closed';
      this.#clientEnded = true;
      this.up.end(false);
      this.#host.onClientClosed(this);
    });
    this.broker.on('end', () => {
      this.#reason ??= 'broker-closed';
      this.down.end(false);
    });
    client.on('error', () => {
      this.#reason ??= 'client-error';
      this.#clientEnded = true;
      this.up.end(true);
      this.#host.onClientClosed(this);
    });
    this.broker.on('error', () => {
      this.#reason ??= 'broker-error';
      this.down.end(true);
    });
    client.on('close', () => this.#maybeClosed());
    this.broker.on('close', () => this.#maybeClosed());
  }

  /** The first packet (the CONNECT) has been read: the connection has its identity and its toxics. */
  get identified(): boolean {
    return this.#identified;
  }

  get open(): boolean {
    return this.#open;
  }

  /**
   * A fault swallows this connection's bytes now, or swallowed some for good: what the client sent
   * then may never be answered, however the connection looks now (a CONNECT lost in a blackhole). Bytes
   * a holding blackhole kept and delivered when it ended do not count: their answers come.
   */
  get swallowed(): boolean {
    return this.#lost || this.up.swallowing || this.down.swallowing;
  }

  /**
   * How far the client's own close has got through this connection: `unread` — the proxy has not read
   * it (the client is still up, or its FIN is on its way); `held` — a toxic holds or swallowed it (its
   * release, if any, is an instant on the proxy's clock); `passed` — it went on towards the broker, or
   * there is nothing more to come (the connection is gone).
   */
  get clientClose(): 'unread' | 'held' | 'passed' {
    if (this.#clientEndPassed || !this.#open) return 'passed';
    if (this.#clientEnded) return 'held';
    return socketGone(this.client) ? 'passed' : 'unread';
  }

  /**
   * A CONNECT that went out to the broker and has no answer yet: the session the broker opens — and
   * the will it then holds — is decided by its reply, which reaches the proxy even when a fault
   * swallows it on its way down (a downstream blackhole) and the client never sees it.
   */
  get awaitingConnack(): boolean {
    if (this.#established || socketGone(this.broker) || this.broker.readableEnded) return false;
    // Out to the broker, or on its way there now: read, and no fault in front of it swallows it.
    return this.#connectSent || (this.#identified && !this.#connectDropped && !this.up.swallowing);
  }

  /** Both sides still up and not closing. */
  get live(): boolean {
    const alive = (s: Socket) => !socketGone(s) && !s.readableEnded && !s.writableEnded;
    return this.#open && alive(this.client) && alive(this.broker);
  }

  /** Closes both sides with a TCP RST. */
  reset(reason: CloseReason = 'reset'): void {
    this.#reason ??= reason;
    if (reason === 'reset') this.#cutSession();
    resetSocket(this.client);
    resetSocket(this.broker);
  }

  /** Closes both sides with a FIN. */
  close(reason: CloseReason): void {
    this.#reason ??= reason;
    if (reason === 'closed-by-fault') this.#cutSession();
    this.client.end();
    this.broker.end();
  }

  /** A fault ends the connection now (see ConnectionHost.onCut). */
  #cutSession(): void {
    if (this.#cut) return;
    this.#cut = true;
    this.#host.onCut(this, this.#established && !socketGone(this.broker));
  }

  /** Adds a toxic in both pipes that it applies to (the proxy decides which). */
  addStages(direction: Direction, stages: Stage[]): void {
    for (const stage of stages) (direction === 'upstream' ? this.up : this.down).add(stage);
    this.#armWatchdog();
  }

  removeStage(id: string): void {
    this.up.remove(id);
    this.down.remove(id);
    this.#armWatchdog();
    // The broker side went while a blackhole hid it (its keep-alive expired): once the fault ends the
    // client's next bytes would meet a closed socket, so it gets the reset real TCP would give it.
    if (socketGone(this.broker) && !socketGone(this.client) && !this.up.swallowing && !this.down.swallowing) resetSocket(this.client);
  }

  account(): ConnectionAccount {
    return { id: this.id, clientId: this.clientId, open: this.#open, upstream: this.up.account, downstream: this.down.account };
  }

  /** The link a toxic in `direction` acts through. */
  link(direction: Direction, toxic: string, rng: ToxicLink['rng'], swallows = false): ToxicLink {
    const pipe = direction === 'upstream' ? this.up : this.down;
    const back = direction === 'upstream' ? this.client : this.broker;
    return {
      clock: this.#host.clock,
      timing: this.#host.timing,
      rng,
      direction,
      toxic,
      dropped: (segment, bytes) => {
        if (swallows) this.#lost = true;
        if (direction === 'upstream' && (segment.origin ?? segment).type === PacketType.CONNECT) this.#connectDropped = true;
        pipe.dropped(segment, bytes);
        if (segment.type === PacketType.PUBLISH && segment.whole) {
          pipe.account.publishes.dropped++;
          this.#host.onPublish(this, direction, segment, { fate: 'dropped', toxic });
        }
      },
      duplicated: (segment) => {
        pipe.added(segment.bytes.length);
        pipe.account.publishes.duplicated++;
        this.#host.onPublish(this, direction, segment, { fate: 'duplicated', toxic });
      },
      delayed: (segment, delayMs) => {
        pipe.delayed(segment);
        if (segment.type === PacketType.PUBLISH && segment.whole) {
          pipe.account.publishes.delayed++;
          this.#host.onPublish(this, direction, segment, { fate: 'delayed', toxic, delayMs });
        }
      },
      rewrote: (before, after) => {
        pipe.added(after.bytes.length - before.bytes.length);
        pipe.account.publishes.downgraded++;
        this.#host.onPublish(this, direction, before, { fate: 'downgraded', toxic });
      },
      reply: (bytes) => {
        pipe.account.publishes.acked++;
        if (!socketGone(back) && !back.writableEnded) back.write(bytes);
      },
      reset: () => this.#host.defer(() => this.reset('reset')),
      close: () => this.#host.defer(() => this.close('closed-by-fault')),
      protocolVersion: () => this.protocolVersion,
      rngFor: (piece) => {
        // Tag timing (fast mode): a PUBLISH's draw is keyed by what it carries, not by its place in the
        // stream, so a connection that carries many senders' messages (the twin's) in an order that
        // depends on socket timing still gives each message the same draw.
        if (this.#host.timing !== 'tag' || 'end' in piece || piece.type !== PacketType.PUBLISH || !piece.whole) return rng;
        const packet = decodePacket(piece.bytes, this.protocolVersion);
        if (packet instanceof Error || packet.cmd !== 'publish') return rng;
        const { topic, payload } = packet as IPublishPacket;
        return rng.fork(`${topic}#${createHash('sha1').update(payload).digest('base64')}`);
      },
    };
  }

  #identify(segment: Segment): void {
    this.#identified = true;
    if (segment.whole && segment.type === PacketType.CONNECT) {
      const packet = decodePacket(segment.bytes, 4);
      if (!(packet instanceof Error) && packet.cmd === 'connect') {
        const connect = packet as IConnectPacket;
        this.clientId = connect.clientId;
        this.protocolVersion = connect.protocolVersion ?? 4;
        this.keepaliveS = connect.keepalive ?? 0;
      }
    }
    this.#host.onIdentified(this);
  }

  #report(direction: Direction, segment: Segment, held: boolean): void {
    if (held && segment.whole && segment.type === PacketType.PUBLISH) {
      this.#host.onPublish(this, direction, segment, { fate: 'released', toxic: '' });
    }
  }

  /** A PUBLISH that came out of the toxics after its receiver's socket had gone is lost (the ledger books it). */
  #undeliverable(pipe: Pipe, segment: Segment): void {
    if (segment.type !== PacketType.PUBLISH || !segment.whole) return;
    pipe.account.publishes.dropped++;
    this.#host.onPublish(this, pipe.direction, segment, { fate: 'dropped', toxic: '' });
  }

  /**
   * The client's close is on its way to the broker. When the client left first, without a DISCONNECT
   * (its keep-alive or CONNACK timeout gave up: a downstream blackhole leaves its uplink working), and
   * the broker still holds its session, the broker publishes its will on reading this close
   * [MQTT-3.1.2-8]: reported now, at this instant on the proxy's clock, as a fault's cut is.
   */
  #maybeDropped(): void {
    if (this.#cut || !this.#established || this.#disconnected) return;
    if (this.#reason !== 'client-closed' && this.#reason !== 'client-error') return;
    if (socketGone(this.broker) || this.broker.readableEnded) return;
    this.#cut = true;
    this.#host.onDropped(this);
  }

  #endSide(socket: Socket, reset: boolean): void {
    if (reset) resetSocket(socket);
    else if (!socketGone(socket)) socket.end();
  }

  /**
   * Fast mode's broker keep-alive ([MQTT-3.1.2-24]: the server drops a client it has heard nothing
   * from for 1.5 × its keep-alive). The broker's own timer runs in wall time, so in fast mode a
   * 10-minute blackhole would pass unnoticed; while a toxic swallows the client's bytes the proxy
   * keeps that timer on its clock and, when it expires, resets the broker side — the broker then
   * publishes the client's last will, as it would have. The client hears nothing (the blackhole).
   */
  #armWatchdog(): void {
    const armed = this.#host.brokerKeepalive && this.keepaliveS > 0 && this.#open && this.up.swallowing;
    if (!armed) {
      if (this.#watchdog !== undefined) this.#host.clock.clearTimeout(this.#watchdog);
      this.#watchdog = undefined;
      return;
    }
    if (this.#watchdog !== undefined) return;
    const clock = this.#host.clock;
    // Counted from when the fault began swallowing, a simulated instant: the last packet's own write
    // time is when the proxy happened to read it (a settle window's end in fast mode), and a client
    // that reports every few seconds is heard from until then anyway.
    this.#watchdog = clock.setTimeout(() => {
      this.#watchdog = undefined;
      this.#host.defer(() => {
        if (!this.up.swallowing || !this.#open) return;
        this.#reason ??= 'reset';
        this.#cutSession();
        resetSocket(this.broker);
      });
    }, 1500 * this.keepaliveS);
  }

  /** Closed once both sides are: a side whose peer's close a blackhole swallowed stays open until the fault ends. */
  #maybeClosed(): void {
    if (!this.#open || !this.client.destroyed || !this.broker.destroyed) return;
    this.#open = false;
    if (this.#watchdog !== undefined) this.#host.clock.clearTimeout(this.#watchdog);
    // What a toxic still held is lost with the connection: each PUBLISH is reported dropped, so the
    // ledger books it lost rather than waiting for it.
    for (const pipe of [this.up, this.down])
      for (const { stage, segment } of pipe.dispose()) {
        if (segment.type !== PacketType.PUBLISH || !segment.whole) continue;
        pipe.account.publishes.dropped++;
        this.#host.onPublish(this, pipe.direction, segment, { fate: 'dropped', toxic: stage });
      }
    this.#host.onClosed(this, this.#reason ?? 'client-closed');
  }
}
