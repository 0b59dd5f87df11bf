import type { MqttClient } from 'mqtt';
import { pingFence } from './fence.ts';
import { closeClient, connectClient, whenConnected, type ClientIdentity } from './client.ts';

/**
 * An MQTT connection as the simulation sees it: a device's, or the digital twin's. Each has its own
 * mqtt.js client either way; where that client runs — on the simulation's thread (MqttDeviceLink) or
 * on a link thread that hosts a large fleet's clients (LinkPool, link-pool.ts) — is the runtime's
 * choice, not the device's.
 */
export interface DeviceLink {
  /** Hands one message to the device's client. */
  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean): void;
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
}

/** A device's mqtt.js client on the current thread. */
export class MqttDeviceLink implements DeviceLink {
  readonly client: MqttClient;
  readonly #subscribe: string;
  #frozen = false;

  private constructor(client: MqttClient, subscribe: string) {
    this.client = client;
    this.#subscribe = subscribe;
  }

  static async open(options: LinkOptions, onMessage: MessageHandler): Promise<MqttDeviceLink> {
    const { will, online } = options;
    const client = connectClient({
      url: options.url,
      identity: options.identity,
      ...(options.tls ? { extra: { ...options.tls, rejectUnauthorized: true } } : {}),
      ...(will ? { will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true } } : {}),
    });
    const subscribed = new Promise<void>((resolve, reject) => {
      client.on('connect', () => {
        client.subscribe(options.subscribe, { qos: 1 }, (error) => (error ? reject(error) : resolve()));
        if (online) client.publish(online.topic, online.payload, { qos: 1, retain: true });
      });
    });
    let link: MqttDeviceLink | undefined;
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
      client.end(true);
      throw error;
    }
    link = new MqttDeviceLink(client, options.subscribe);
    return link;
  }

  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean): void {
    this.client.publish(topic, payload, { qos, retain });
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
    if (farewell && this.client.connected) this.client.publish(farewell.topic, farewell.payload, { qos: 0, retain: true });
    await closeClient(this.client);
  }
}

/** Opens links on the current thread. */
export const IN_THREAD_LINKS: LinkOpener = { open: (options, onMessage) => MqttDeviceLink.open(options, onMessage) };
