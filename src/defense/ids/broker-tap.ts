import type { Aedes, Client, PublishPacket, Subscription } from 'aedes';
import { onBrokerPublish } from '../../net/broker-publish-hook.ts';
import type { BrokerSecurity } from '../../net/security/broker-security.ts';
import type { SecurityEvent } from '../../net/security/events.ts';
import { isDefaultPassword } from './default-passwords.ts';
import { MAX_PAYLOAD_TEXT, NO_CLIENT_ID, type ConnectObservation, type Observation } from './observation.ts';

export interface BrokerTapOptions {
  /** The run's clock: every observation is stamped with simulated time. */
  now: () => number;
  /** The broker's security hooks, when controls are on: who a client authenticated as, and which publishes were dropped. */
  security?: BrokerSecurity;
}

/** The fields of a CONNECT packet the tap reads. */
interface ConnectPacketSeen {
  username?: string;
  password?: Buffer;
  keepalive?: number;
}

/**
 * The IDS's sensor on the embedded broker: turns what aedes does (sessions, subscriptions, publishes,
 * takeovers) and what the security hooks decide (refused logins, lockouts, dropped publishes) into
 * observations, stamped with the run's clock. It only listens; it never changes what the broker does.
 *
 * Attach it after `BrokerSecurity.attach`, so it sees every client publish, the dropped ones included.
 * Forward the security layer's events to `securityEvent`. `drain(t)` hands the detector everything up
 * to an instant, in any order (the detector sorts).
 */
export class BrokerTap {
  readonly #options: BrokerTapOptions;
  #pending: Observation[] = [];
  readonly #takeovers = new WeakSet<Client>();
  /** What each client's CONNECT asked for, read before the broker's own rules rewrite it (keep-alive held to the limit). */
  readonly #asked = new WeakMap<Client, Pick<ConnectObservation, 'username' | 'defaultPassword' | 'keepalive'>>();
  readonly #attached = new WeakSet<Aedes>();

  constructor(options: BrokerTapOptions) {
    this.#options = options;
  }

  /** Listens to `aedes`; once per instance (a restarted broker is a new aedes, attached again). */
  attach(aedes: Aedes): void {
    if (this.#attached.has(aedes)) return;
    this.#attached.add(aedes);
    const { now } = this.#options;
    // [MQTT-3.1.4-2]: a CONNECT with the id of an open session closes that session. aedes decides it
    // here, before the new client is announced.
    const broker = aedes as unknown as { clients: Record<string, Client>; registerClient(client: Client): void };
    const register = broker.registerClient.bind(aedes);
    broker.registerClient = (client) => {
      const existing = broker.clients[client.id];
      if (existing !== undefined && existing !== client) this.#takeovers.add(client);
      register(client);
    };
    // The CONNECT as the client sent it: aedes calls preConnect first, before authentication and the
    // broker's own rules (connect-rules.ts caps the keep-alive in place).
    const hooks = aedes as unknown as {
      preConnect: (client: Client, packet: ConnectPacketSeen, done: (...args: unknown[]) => void) => void;
    };
    const preConnect = hooks.preConnect.bind(aedes);
    hooks.preConnect = (client, packet, done) => {
      this.#asked.set(client, {
        ...(typeof packet.username === 'string' && packet.username !== '' ? { username: packet.username } : {}),
        ...(isDefaultPassword(packet.password) ? { defaultPassword: true as const } : {}),
        ...(typeof packet.keepalive === 'number' ? { keepalive: packet.keepalive } : {}),
      });
      preConnect(client, packet, done);
    };
    aedes.on('client', (client: Client) => {
      this.#push({
        kind: 'connect',
        t: now(),
        clientId: client.id,
        ...this.#identity(client),
        takeover: this.#takeovers.has(client),
        ...this.#asked.get(client),
      });
    });
    aedes.on('clientDisconnect', (client: Client) => {
      const { port } = this.#identity(client);
      this.#push({ kind: 'disconnect', t: now(), clientId: client.id, ...(port === undefined ? {} : { port }) });
    });
    aedes.on('subscribe', (subscriptions: Subscription[], client: Client) => {
      for (const sub of subscriptions) {
        this.#push({
          kind: 'subscribe',
          t: now(),
          clientId: client.id,
          ...this.#identity(client),
          filter: sub.topic,
          qos: sub.qos,
          granted: (sub.qos as number) !== 128,
        });
      }
    });
    onBrokerPublish(aedes, (packet, client) => {
      // The broker's own $SYS heartbeats have no client; they are not traffic anyone sent.
      if (client !== null && client !== undefined) this.#observePublish(packet, client);
      return undefined;
    });
  }

  /** Takes one decision of the security layer (BrokerSecurity's onEvent). */
  securityEvent(event: SecurityEvent): void {
    if (event.type === 'auth.refused') {
      this.#push({
        kind: 'connect.refused',
        t: event.t,
        clientId: event.clientId,
        ...(event.username === undefined ? {} : { username: event.username }),
        reason: event.reason,
      });
    } else if (event.type === 'auth.lockout') {
      this.#push({ kind: 'lockout', t: event.t, username: event.username, failures: event.failures });
    }
  }

  /** Takes one of the broker's connection errors (EmbeddedBroker.onLog): a failed handshake, a malformed or oversized packet. */
  brokerError(event: { cause: 'tls' | 'oversized' | 'malformed'; error: string; port?: number }): void {
    this.#push({
      kind: 'protocol.error',
      t: this.#options.now(),
      clientId: NO_CLIENT_ID,
      reason: event.cause,
      detail: event.error,
      ...(event.port === undefined ? {} : { port: event.port }),
    });
  }

  /** Observations up to and including `t` (all of them by default), handed over once. */
  drain(t = Number.POSITIVE_INFINITY): Observation[] {
    const ready = this.#pending.filter((o) => o.t <= t);
    this.#pending = this.#pending.filter((o) => o.t > t);
    return ready;
  }

  #observePublish(packet: PublishPacket, client: Client): void {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    this.#push({
      kind: 'publish',
      t: this.#options.now(),
      clientId: client.id,
      ...this.#identity(client),
      topic: packet.topic,
      qos: packet.qos,
      retain: packet.retain,
      size: payload.length,
      payload: payload.subarray(0, MAX_PAYLOAD_TEXT).toString('utf8'),
      delivered: !(this.#options.security?.wasDropped(packet) ?? false),
    });
  }

  /** Who the client authenticated as, and its connection's source port (for labelling only). */
  #identity(client: Client): { authenticatedAs?: string; port?: number } {
    const identity = this.#options.security?.identityOf(client);
    const port = (client.conn as { remotePort?: number } | undefined)?.remotePort;
    return { ...(identity === undefined ? {} : { authenticatedAs: identity.username }), ...(port === undefined ? {} : { port }) };
  }

  #push(o: Observation): void {
    this.#pending.push(o);
  }
}
