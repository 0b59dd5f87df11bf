import type { Aedes, Client, ConnackPacket, PublishPacket } from 'aedes';
import { onBrokerPublish } from './broker-publish-hook.ts';
import type { DeliveryLedger } from './delivery-ledger.ts';
import { decodeEnvelope } from './envelope.ts';
import { CHANNELS, parseTopic } from './topics.ts';

/** The reason a message the broker restart cost is booked lost under. */
export const BROKER_RESTART = 'broker:restart';

export interface RestartAccountOptions {
  ledger: DeliveryLedger;
  /** The central station's (the twin's) client id, as it connected: its session is the one the account follows. */
  stationId: () => string;
  /** The run's clock: a queued message reaches the station when it returns, in simulated time. */
  now: () => number;
  /** A message was just excused from the settle barrier's wait, or booked: wake the barrier. */
  onChange: () => void;
}

interface Held {
  device: string;
  channel: string;
  seq: number;
}

/**
 * What a broker restart does to the messages meant for the central station, booked in the delivery
 * ledger as the broker decides it, so fast mode's settle barrier never waits for what cannot come and
 * never books a loss the broker did not make.
 *
 * After the first stop, each message a device publishes is looked at once the broker is done with it
 * (routed, and for QoS 1 stored for offline persistent sessions): if the broker did not hand it to a
 * connection of the station's (not connected to this broker, or not subscribed yet),
 *  - a QoS 0 message went to nobody: lost, reason `broker:restart` (aedes keeps only QoS 1 and 2
 *    messages for an absent session, as [MQTT-3.1.2-5] allows);
 *  - a QoS 1 message is held for the station's session, if the broker still has one: excused from the
 *    barrier until the station returns. Its CONNACK says which it is ([MQTT-3.2.2-2]): with
 *    `sessionPresent` (a persistence that survived the restart, Redis) the held messages come from
 *    the session's queue, and arrive at that instant; without it (memory) the session and its queue
 *    died with the broker, and they are lost, reason `broker:restart`.
 * Attach it to each new aedes the restartable broker starts.
 */
export class RestartAccount {
  readonly #options: RestartAccountOptions;
  readonly #attached = new WeakSet<Aedes>();
  readonly #held = new Map<string, Held>();
  /** Held messages the station's surviving session hands over, not taken in yet (takeQueued). */
  readonly #queued = new Set<string>();
  /**
   * Messages the broker handed to a connection of the station's since the first stop, until their
   * publish is done (#routed): how many times each, as a copy (a duplicating fault) is another publish.
   */
  readonly #handed = new Map<string, number>();
  #stopped = false;
  /** QoS 1 messages the station's surviving session delivered after a restart. */
  queued = 0;
  /** Messages the restart cost (lost, `broker:restart`). */
  lost = 0;

  constructor(options: RestartAccountOptions) {
    this.#options = options;
  }

  /** Messages held for the station's session now: in flight in the ledger, but not waited for. */
  get held(): number {
    return this.#held.size;
  }

  /**
   * Whether this message comes out of the station's surviving session (once: it is then taken). The
   * broker hands such a message over with the retain flag it was published with, and the twin must
   * take it as the delivery it is, not as history.
   */
  takeQueued(device: string, channel: string, seq: number): boolean {
    return this.#queued.delete(keyOf(device, channel, seq));
  }

  /** The broker stopped: from now on the station may be away. */
  stopped(): void {
    this.#stopped = true;
  }

  /** Follows `aedes` (once per instance): what it routes, and the station's CONNACK. */
  attach(aedes: Aedes): void {
    if (this.#attached.has(aedes)) return;
    this.#attached.add(aedes);
    // Whether the station read a message is known when the broker is done with it: routed to the
    // subscribers it has (the station's among them, or not), and (QoS 1) stored for the sessions that
    // are away.
    onBrokerPublish(aedes, (packet, client) => () => {
      if (this.#stopped && client !== null && client.id !== this.#options.stationId()) this.#routed(packet);
    });
    // What the station's connection is handed, from its CONNECT on. A returning persistent session
    // gets its subscriptions back, and with them every message routed from then on, before its CONNACK
    // goes out; aedes calls it `connected` only once it has also written out its queue (from Redis, in
    // wall time). Asking aedes whether the station was connected and subscribed booked such a message
    // lost, then took it in late, at whatever instant the run had reached (the Redis half of
    // broker-restart.e2e, about 1 run in 6 under load).
    const preConnect = aedes.preConnect;
    aedes.preConnect = (client, packet, callback) => {
      if (packet.clientId === this.#options.stationId()) this.#follow(client);
      preConnect.call(aedes, client, packet, callback);
    };
    aedes.on('connackSent', (packet: ConnackPacket, client: Client) => {
      if (client.id === this.#options.stationId() && this.#stopped) this.#returned(packet.sessionPresent === true);
    });
  }

  /** Notes each message the broker hands to the station's connection `client` (its subscriptions deliver through these two). */
  #follow(client: Client): void {
    type Deliver = (packet: PublishPacket, callback: () => void) => void;
    const delivering = client as unknown as {
      deliver0: Deliver;
      deliverQoS: Deliver;
      connackSent?: boolean;
      conn: { destroyed: boolean; prependOnceListener(event: 'close', listener: () => void): unknown };
    };
    // A delivery before the CONNACK is held for it (connack-first.ts, which wrapped these two when the
    // socket was accepted, so it runs inside this wrap) and let go if the connection closes first: that
    // message never reaches the station, and its publish finishes on the close. Its note is taken back
    // ahead of that (prepended), so #routed decides it as one the station was not handed.
    const early: string[] = [];
    delivering.conn.prependOnceListener('close', () => {
      if (delivering.connackSent !== true) for (const key of early) this.#unhand(key);
      early.length = 0;
    });
    for (const name of ['deliver0', 'deliverQoS'] as const) {
      const deliver = delivering[name];
      delivering[name] = (packet, callback) => {
        // deliverQoS passes a QoS 0 message on to deliver0, which notes it. A connection already
        // destroyed (aedes drops its subscriptions only once it hears the close) is handed nothing.
        if (this.#stopped && !delivering.conn.destroyed && (name === 'deliver0' || packet.qos > 0)) {
          const message = identify(packet);
          if (message !== undefined) {
            const key = keyOf(message.device, message.channel, message.seq);
            this.#handed.set(key, (this.#handed.get(key) ?? 0) + 1);
            if (delivering.connackSent !== true) early.push(key);
          }
        }
        deliver(packet, callback);
      };
    }
  }

  /** One note of `key` as handed to the station taken back (the message was taken, or let go). */
  #unhand(key: string): void {
    const handed = this.#handed.get(key);
    if (handed === undefined) return;
    if (handed > 1) this.#handed.set(key, handed - 1);
    else this.#handed.delete(key);
  }

  #routed(packet: PublishPacket): void {
    const message = identify(packet);
    if (message === undefined) return;
    // The station's connection was handed it: it reaches the station (the network decides when).
    const key = keyOf(message.device, message.channel, message.seq);
    if (this.#handed.has(key)) {
      this.#unhand(key);
      return;
    }
    const { ledger } = this.#options;
    // Only messages the ledger still has on their way (not a copy of one delivered already).
    if (ledger.account(message.device)?.channels.get(message.channel)?.fate(message.seq)?.state !== 'in-flight') return;
    if (packet.qos === 0) {
      ledger.lost(message.device, message.channel, message.seq, BROKER_RESTART);
      this.lost++;
    } else this.#held.set(keyOf(message.device, message.channel, message.seq), message);
    this.#options.onChange();
  }

  #returned(sessionPresent: boolean): void {
    const { ledger } = this.#options;
    const now = this.#options.now();
    // Out of the excused set before the ledger moves: the barrier re-counts on every booking, and must
    // never see a message neither excused nor in flight count as settled twice.
    const held = [...this.#held.values()];
    this.#held.clear();
    for (const { device, channel, seq } of held) {
      const channelAccount = ledger.account(device)?.channels.get(channel);
      const sentAt = channelAccount?.sentAt(seq);
      if (sentAt === undefined) continue;
      if (sessionPresent) {
        // Out of the session's queue, at the station's return: the twin takes it to arrive now.
        ledger.delayed(device, channel, seq, now - sentAt, BROKER_RESTART);
        this.#queued.add(keyOf(device, channel, seq));
        this.queued++;
      } else {
        ledger.lost(device, channel, seq, BROKER_RESTART);
        this.lost++;
      }
    }
    this.#options.onChange();
  }
}

function keyOf(device: string, channel: string, seq: number): string {
  return `${device}\u0000${channel}\u0000${seq}`;
}

/** The ledger's key of a device's message: its topic's device and channel, and the seq its payload carries. */
function identify(packet: PublishPacket): Held | undefined {
  const topic = parseTopic(packet.topic);
  if (topic === undefined || topic.channel === CHANNELS.cmd || topic.channel.startsWith('twin/')) return undefined;
  const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
  if (topic.channel === CHANNELS.status) {
    // A device's announcement is plain JSON with its own seq (a will has none).
    try {
      const status = JSON.parse(payload.toString()) as { seq?: unknown };
      return typeof status.seq === 'number' ? { device: topic.deviceId, channel: topic.channel, seq: status.seq } : undefined;
    } catch {
      return undefined;
    }
  }
  const decoded = decodeEnvelope(payload);
  return decoded.ok ? { device: decoded.envelope.device, channel: topic.channel, seq: decoded.envelope.seq } : undefined;
}
