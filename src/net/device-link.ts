import type { MqttClient } from 'mqtt';
import type { Clock } from '../core/clock.ts';
import type { Rng } from '../core/rng.ts';
import { pingFence } from './fence.ts';
import { closeClient, connectClient, whenConnected, type ClientIdentity } from './client.ts';
import type { SessionBook } from './session-book.ts';
import { SessionDriver, drivenClientOptions, type BackoffPolicy, type SessionDriverOptions } from './session-driver.ts';

/**
 * An MQTT connection as the simulation sees it: a device's, or the digital twin's. Each has its own
 * mqtt.js client either way; where that client runs — on the simulation's thread (MqttDeviceLink) or
 * on a link thread that hosts a large fleet's clients (LinkPool, link-pool.ts) — is the runtime's
 * choice, not the device's.
 */
export interface DeviceLink {
  /**
   * Hands one message to the device's client. A link that says when it is offline (`connected`)
   * returns false when its session is gone and the message was not taken.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a link that cannot tell (a link thread's) returns nothing
  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean): boolean | void;
  /** Disconnects cleanly (no last will), first publishing `farewell` (QoS 0, retained) if still connected. */
  close(farewell?: RetainedMessage): Promise<void>;
  /**
   * Resolves once every message the broker sent this connection before now has been handed to the
   * link's handler (a PINGREQ round trip, fence.ts): what a third party's acknowledged publish set off.
   */
  fence(): Promise<void>;
  /**
   * Stops reading the socket (a hung process): the broker's bytes pile up in it, messages are not
   * handed on. The returned function restarts the client — a fresh connection, subscribed again —
   * and resolves once it is. Links that cannot freeze leave it out.
   */
  freeze?(): () => Promise<void>;
  /**
   * Links whose session is driven on the simulation's clock (sessionLinks) say when they are
   * connected, and call `listener` on every change (after a reconnect, once the subscription is made);
   * a link without these is taken to be connected throughout (mqtt.js reconnects on its own).
   */
  readonly connected?: boolean;
  onConnection?(listener: (connected: boolean) => void): void;
}

export interface RetainedMessage {
  topic: string;
  payload: string;
}

/**
 * Where and as whom a client connects: what the run's fleet builder decides for each device and for
 * the twin (its `connectOptionsFor` hook is where credentials, TLS material and per-zone fault proxies
 * plug in). Plain data, so it can cross to a link thread.
 */
export interface LinkEndpoint {
  url: string;
  identity: ClientIdentity;
  /** TLS material for an `mqtts://` broker: the CA to verify it by, and the client's own certificate under mutual TLS (PEM). */
  tls?: LinkTls;
  /**
   * Connect with `clean: false`, so the broker keeps the session (its subscription and the QoS 1
   * messages queued for it) while the client is away — the central station across a broker restart.
   * In-thread links only: a link thread's clients always connect clean.
   */
  persistentSession?: boolean;
}

/** Everything a link needs to open; plain data, so it can cross to a link thread. */
export interface LinkOptions extends LinkEndpoint {
  /** Last will: published (QoS 1, retained) by the broker if the client vanishes without DISCONNECT. */
  will?: RetainedMessage;
  /** Topic or filter subscribed at QoS 1 on every (re)connect (a clean session forgets it): a device's command topic, the twin's whole site. */
  subscribe: string;
  /** Published at QoS 1, retained, on every (re)connect. */
  online?: RetainedMessage;
}

/** PEM strings (plain data, so they cross to a link thread). */
export interface LinkTls {
  ca: string;
  cert?: string;
  key?: string;
}

/**
 * Called for every message the client receives. `payload` is valid only during the call (a link
 * thread's batch shares one buffer): decode it, do not keep it. `retain`: the broker sent it as a
 * retained message (history, when the subscription was made), not as it was published.
 */
export type MessageHandler = (topic: string, payload: Buffer, retain: boolean) => void;

/** Opens links; resolves once the subscription is made, so no message can be missed. */
export interface LinkOpener {
  open(options: LinkOptions, onMessage: MessageHandler): Promise<DeviceLink>;
  /** Its links' sessions run on the simulation's clock and say when they are offline (sessionLinks). */
  readonly sessions?: boolean;
}

/**
 * How a link's session is driven on the simulation's clock (session-driver.ts): keep-alive (fast mode
 * only), CONNACK timeout and reconnect with seeded back-off. Each client forks `reconnect:<client id>`
 * from `rng`; `book` counts its exchanges for the settle barrier.
 */
export interface LinkSession {
  clock: Clock;
  rng: Rng;
  simulatedKeepalive: boolean;
  book: SessionBook;
  backoff?: Partial<BackoffPolicy>;
  /** Which clients to drive (default: all); the others open as IN_THREAD_LINKS does. */
  drive?: (clientId: string) => boolean;
  /** A client whose reconnect attempts the run holds until the transport has settled at their instant (SessionDriverOptions.gate). */
  gate?: (clientId: string) => SessionDriverOptions['gate'];
}

// mqtt.js copies a publish's options before it uses them (MqttClient.publish), so the four a device
// uses are shared rather than built for every message.
const PUBLISH_OPTIONS = [
  [Object.freeze({ qos: 0, retain: false }), Object.freeze({ qos: 0, retain: true })],
  [Object.freeze({ qos: 1, retain: false }), Object.freeze({ qos: 1, retain: true })],
] as const;

/** A device's mqtt.js client on the current thread. */
export class MqttDeviceLink implements DeviceLink {
  readonly client: MqttClient;
  readonly #subscribe: string;
  #frozen = false;
  readonly #driver: SessionDriver | undefined;
  #connected: boolean;
  #listeners: ((connected: boolean) => void)[] = [];

  private constructor(client: MqttClient, subscribe: string, driver: SessionDriver | undefined) {
    this.client = client;
    this.#subscribe = subscribe;
    this.#driver = driver;
    this.#connected = client.connected;
  }

  static async open(options: LinkOptions, onMessage: MessageHandler, driven?: LinkSession): Promise<MqttDeviceLink> {
    const { will, online } = options;
    const session = driven?.drive?.(options.identity.clientId) === false ? undefined : driven;
    const client = connectClient({
      url: options.url,
      identity: options.identity,
      extra: {
        ...(options.tls ? { ...options.tls, rejectUnauthorized: true } : {}),
        ...(options.persistentSession ? { clean: false } : {}),
        // A gated session (the station across a broker restart) counts its own SUBSCRIBE (track):
        // mqtt.js' resubscribe would send it instead, behind the flush of its outgoing store, and the
        // link's would be dropped as a repeat — answered at once, before the broker has it.
        ...(session?.gate?.(options.identity.clientId) ? { resubscribe: false } : {}),
        ...(session ? drivenClientOptions(session.clock, session.simulatedKeepalive) : {}),
      },
      ...(will ? { will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true } } : {}),
    });
    const clientId = options.identity.clientId;
    const gate = session?.gate?.(clientId);
    const driver = session
      ? new SessionDriver(client, {
          clock: session.clock,
          rng: session.rng.fork(`reconnect:${clientId}`),
          simulatedKeepalive: session.simulatedKeepalive,
          ...(session.backoff ? { backoff: session.backoff } : {}),
          ...(gate ? { gate } : {}),
        })
      : undefined;
    const removeFromBook = driver && session ? session.book.add(clientId, driver) : undefined;
    let link: MqttDeviceLink | undefined;
    const subscribed = new Promise<void>((resolve, reject) => {
      // A gated session's listener runs before the driver's own: the subscription is in flight before
      // the driver says the session is connected (SessionDriver.track).
      client[gate ? 'prependListener' : 'on']('connect', () => {
        const answered = gate ? driver?.track() : undefined;
        client.subscribe(options.subscribe, { qos: 1 }, (error) => {
          answered?.();
          if (error) return reject(error);
          resolve();
          if (link !== undefined) link.#setConnected(true);
        });
        if (online) client.publish(online.topic, online.payload, { qos: 1, retain: true });
      });
    });
    client.on('close', () => {
      if (link !== undefined) link.#setConnected(false);
    });
    // A frozen link hands nothing on, not even what mqtt.js had parsed before the socket stopped.
    client.on('message', (topic, payload, packet) => {
      if (link === undefined || !link.#frozen) onMessage(topic, payload, packet.retain);
    });
    // Connection problems are the network's business; the device keeps simulating and mqtt.js retries.
    client.on('error', () => {});
    try {
      await Promise.race([whenConnected(client, 30_000), subscribed]);
      await subscribed;
    } catch (error) {
      // mqtt.js would keep retrying in the background; a link that failed to open must not linger.
      driver?.stop();
      removeFromBook?.();
      client.end(true);
      throw error;
    }
    link = new MqttDeviceLink(client, options.subscribe, driver);
    link.#connected = client.connected;
    return link;
  }

  get connected(): boolean {
    return this.#connected;
  }

  onConnection(listener: (connected: boolean) => void): void {
    this.#listeners.push(listener);
  }

  /** The session, when it is driven on the simulation's clock. */
  get driver(): SessionDriver | undefined {
    return this.#driver;
  }

  #setConnected(connected: boolean): void {
    // Connected means subscribed: a command sent now reaches the device.
    const now = connected && this.client.connected;
    if (now === this.#connected) return;
    this.#connected = now;
    for (const listener of this.#listeners) listener(now);
  }

  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean): boolean {
    // A driven session that just died (its keep-alive expired this instant) takes nothing more: the
    // device keeps the message, as it will once it hears of the loss.
    if (this.#driver !== undefined && (!this.client.connected || this.#driver.closing)) return false;
    this.client.publish(topic, payload, PUBLISH_OPTIONS[qos][retain ? 1 : 0]);
    return true;
  }

  fence(): Promise<void> {
    return pingFence(this.client);
  }

  freeze(): () => Promise<void> {
    const client = this.client;
    this.#frozen = true;
    const stopReading = () => {
      // Unpiped, or the parser's demand would resume the paused stream.
      client.stream.unpipe();
      client.stream.pause();
    };
    stopReading();
    // The broker may drop it (drain timeout) and mqtt.js reconnect: the hung process reads nothing there either.
    const onConnect = () => {
      if (this.#frozen) stopReading();
    };
    client.on('connect', onConnect);
    return async () => {
      client.off('connect', onConnect);
      this.#frozen = false;
      // The station restarts: a fresh connection (what the old socket held is gone with it), subscribed again.
      const connected = new Promise<void>((resolve) => client.once('connect', () => resolve()));
      client.stream.destroy();
      await connected;
      await client.subscribeAsync(this.#subscribe, { qos: 1 });
    };
  }

  async close(farewell?: RetainedMessage): Promise<void> {
    this.#driver?.stop();
    if (farewell && this.client.connected) this.client.publish(farewell.topic, farewell.payload, { qos: 0, retain: true });
    await closeClient(this.client);
  }
}

/** Opens links on the current thread. */
export const IN_THREAD_LINKS: LinkOpener = { open: (options, onMessage) => MqttDeviceLink.open(options, onMessage) };

/** Opens links on the current thread with their sessions driven on the simulation's clock (LinkSession). */
export function sessionLinks(session: LinkSession): LinkOpener {
  return { open: (options, onMessage) => MqttDeviceLink.open(options, onMessage, session), sessions: true };
}
