import type { MqttClient } from 'mqtt';
import { connectClient, whenConnected } from '../../net/client.ts';
import type { LinkEndpoint } from '../../net/device-link.ts';
import { decodeEnvelope, type Envelope } from '../../net/envelope.ts';
import { parseTopic } from '../../net/topics.ts';
import { RingBuffer } from '../state/ring-buffer.ts';

/** One message seen on the broker, decoded with the envelope codec when it is one of medtwin's. */
export interface TrafficMessage {
  /** Arrival order in this view. */
  n: number;
  topic: string;
  /** The channel (`telemetry`, `cmd`, `twin/delta`...), or the whole topic outside medtwin's scheme. */
  channel: string;
  device: string | undefined;
  bytes: number;
  retained: boolean;
  envelope: Envelope | undefined;
  /** Why the payload is not an envelope (a hostile client, a status string). */
  error: string | undefined;
  /** The start of a payload that is not an envelope, as text. */
  raw: string | undefined;
  /** Wall time of arrival, ms (rates only: the simulation's time is the envelope's `t`). */
  wall: number;
}

export interface ChannelRate {
  channel: string;
  total: number;
  /** Messages per wall second over the last RATE_WINDOW_MS. */
  perSecond: number;
  /** Messages per simulated second, from the envelopes' times of the messages kept. */
  perSimSecond: number | undefined;
}

const RATE_WINDOW_MS = 5_000;

/** The traffic view's client id on an open run. */
export function defaultTrafficClientId(): string {
  return `medtwin-tui-traffic-${process.pid}`;
}

/**
 * The traffic view's own MQTT client on the run's broker: an observer with a client id of its own,
 * subscribed to one device's topics or a filter the user types, keeping the newest messages decoded
 * and counting them per channel. It publishes nothing, so the run never knows it is there. On a
 * secured run its endpoint (`Run.observerEndpoint`) carries an identity of the run and its TLS
 * settings; the password is handed to mqtt.js and kept nowhere else.
 */
export class TrafficMonitor {
  readonly url: string;
  /** The client id it connects as (shown in the view; the identity's password is not kept). */
  readonly clientId: string;
  #endpoint: LinkEndpoint | undefined;
  #client: MqttClient | undefined;
  #filter: string;
  #messages: RingBuffer<TrafficMessage>;
  #byChannel = new Map<string, { total: number; recent: number[]; times: number[] }>();
  #n = 0;
  #version = 0;
  #error: string | undefined;
  readonly #now: () => number;

  /** `endpoint`: the broker URL (an anonymous client), or where and as whom to connect. */
  constructor(endpoint: string | LinkEndpoint, filter: string, options: { capacity?: number; clientId?: string; now?: () => number } = {}) {
    this.#endpoint =
      typeof endpoint === 'string' ? { url: endpoint, identity: { clientId: options.clientId ?? defaultTrafficClientId() } } : endpoint;
    this.url = this.#endpoint.url;
    this.clientId = this.#endpoint.identity.clientId;
    this.#filter = filter;
    this.#messages = new RingBuffer(options.capacity ?? 500);
    this.#now = options.now ?? (() => performance.now());
  }

  get filter(): string {
    return this.#filter;
  }

  /** Bumped on every message: the view redraws when it changed. */
  get version(): number {
    return this.#version;
  }

  get error(): string | undefined {
    return this.#error;
  }

  async start(): Promise<void> {
    if (this.#client || !this.#endpoint) return;
    const { url, identity, tls } = this.#endpoint;
    // Handed over once: the credentials live in mqtt.js's options from here on, not in this object.
    this.#endpoint = undefined;
    const client = connectClient({ url, identity, ...(tls ? { extra: { ...tls, rejectUnauthorized: true } } : {}) });
    this.#client = client;
    client.on('message', (topic, payload, packet) => this.#take(topic, payload, packet.retain));
    client.on('error', (error) => {
      this.#error = error.message;
      this.#version++;
    });
    try {
      await whenConnected(client);
    } catch (error) {
      // A refused client would retry every second, each a failed login the broker logs (and locks out).
      this.#client = undefined;
      await client.endAsync(true).catch(() => {});
      throw error;
    }
    await this.#subscribe(this.#filter);
  }

  /** Watches another filter (`medtwin/+/icu/#`); counts start again. */
  async setFilter(filter: string): Promise<void> {
    const previous = this.#filter;
    this.#filter = filter;
    this.#messages = new RingBuffer(this.#messages.capacity);
    this.#byChannel.clear();
    this.#version++;
    if (!this.#client) return;
    await this.#client.unsubscribeAsync(previous).catch(() => {});
    await this.#subscribe(filter);
  }

  messages(): TrafficMessage[] {
    return this.#messages.toArray();
  }

  rates(): ChannelRate[] {
    const now = this.#now();
    return [...this.#byChannel]
      .map(([channel, c]) => {
        c.recent = c.recent.filter((w) => now - w <= RATE_WINDOW_MS);
        const times = c.times;
        const span = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : 0;
        return {
          channel,
          total: c.total,
          perSecond: c.recent.length / (RATE_WINDOW_MS / 1000),
          perSimSecond: span > 0 ? (times.length - 1) / span : undefined,
        };
      })
      .sort((a, b) => (a.channel < b.channel ? -1 : 1));
  }

  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.endAsync(true).catch(() => {});
  }

  async #subscribe(filter: string): Promise<void> {
    try {
      const granted = await this.#client!.subscribeAsync(filter, { qos: 0 });
      // SUBACK 0x80 (MQTT-3.9.3): the broker's ACL refused the filter for this identity.
      this.#error = granted.some((g) => g.qos === 128) ? `the broker refused ${filter} to ${this.clientId}` : undefined;
    } catch (error) {
      this.#error = `cannot subscribe to ${filter} as ${this.clientId}: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.#version++;
  }

  #take(topic: string, payload: Buffer, retained: boolean): void {
    const parsed = parseTopic(topic);
    const decoded = decodeEnvelope(payload);
    const wall = this.#now();
    const channel = parsed?.channel ?? topic;
    const message: TrafficMessage = {
      n: ++this.#n,
      topic,
      channel,
      device: parsed?.deviceId,
      bytes: payload.byteLength,
      retained,
      envelope: decoded.ok ? decoded.envelope : undefined,
      error: decoded.ok ? undefined : decoded.error,
      raw: decoded.ok ? undefined : payload.subarray(0, 200).toString('utf8'),
      wall,
    };
    this.#messages.push(message);
    let c = this.#byChannel.get(channel);
    if (!c) this.#byChannel.set(channel, (c = { total: 0, recent: [], times: [] }));
    c.total++;
    c.recent.push(wall);
    if (c.recent.length > 10_000) c.recent.splice(0, c.recent.length - 10_000);
    if (decoded.ok && !retained) {
      c.times.push(decoded.envelope.t);
      if (c.times.length > 200) c.times.shift();
    }
    this.#version++;
  }
}
