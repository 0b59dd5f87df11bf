import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { IClientOptions, MqttClient } from 'mqtt';
import { closeClient, connectClient } from '../../net/client.ts';
import { pingFence } from '../../net/fence.ts';

/** One thing the adversary did, and what the broker answered: the ground truth of its traffic. */
export type AdversaryAction = (
  | { action: 'connect'; outcome: 'accepted' | 'refused'; returnCode?: number }
  | { action: 'subscribe'; filter: string; outcome: 'granted' | 'denied' }
  | { action: 'publish'; topic: string; retain: boolean; size: number; outcome: 'sent' | 'failed' }
  /** Bytes written on a raw socket (below MQTT): `closed` when the broker dropped the connection. */
  | { action: 'raw'; what: string; size: number; outcome: 'closed' | 'failed' }
) & {
  t: number;
  clientId: string;
  /** The connection's local port: what labels its packets on the broker side (never in a log or dataset). */
  port?: number;
};

export interface AdversaryOptions {
  /** The broker, on loopback (security work targets loopback only). */
  url: string;
  /** The run's clock: actions are stamped with simulated time, and forged messages carry it. */
  now: () => number;
  /** Extra mqtt.js options for every connection (TLS material for an mqtts broker). */
  extra?: Partial<IClientOptions>;
}

/** One of the adversary's MQTT connections: a real mqtt.js client over a real socket. */
export class AdversarySession {
  readonly clientId: string;
  /** Every message this connection received, in arrival order. */
  readonly received: { topic: string; payload: string; retain: boolean }[] = [];
  /** The connection's local port (ground truth for labelling its packets). */
  readonly port: number | undefined;
  readonly #client: MqttClient;
  readonly #adversary: Adversary;
  #sent = 0;

  constructor(adversary: Adversary, clientId: string, client: MqttClient) {
    this.#adversary = adversary;
    this.clientId = clientId;
    this.#client = client;
    this.port = localPort(client);
    client.on('message', (topic, payload, packet) =>
      this.received.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }),
    );
  }

  /** PUBLISH packets this connection wrote (QoS 1 and bursts): what the broker should count from it. */
  get sent(): number {
    return this.#sent;
  }

  get connected(): boolean {
    return this.#client.connected;
  }

  /** Resolves when the broker has closed this connection (a takeover, a refusal after CONNACK). */
  get closed(): Promise<void> {
    if (!this.#client.connected) return Promise.resolve();
    return new Promise((resolve) => this.#client.once('close', () => resolve()));
  }

  /** Subscribes; true if the broker granted it (SUBACK return code other than 0x80). */
  async subscribe(filter: string): Promise<boolean> {
    let granted: boolean;
    try {
      const grants = await this.#client.subscribeAsync(filter, { qos: 1 });
      granted = grants.every((g) => g.qos !== 128);
    } catch (error) {
      const codes = (error as { packet?: { granted?: number[] } }).packet?.granted;
      if (codes === undefined) throw error;
      granted = false;
    }
    this.#adversary.record({
      t: this.#adversary.now(),
      clientId: this.clientId,
      ...this.#port(),
      action: 'subscribe',
      filter,
      outcome: granted ? 'granted' : 'denied',
    });
    return granted;
  }

  /**
   * Publishes at QoS 1 and waits for the PUBACK. A PUBACK does not mean the message went anywhere: a
   * broker that drops a refused publish still acknowledges it (MQTT 3.1.1 has no way to say no), so
   * only the target's side can tell whether the attack landed.
   */
  async publish(topic: string, payload: string, options: { retain?: boolean } = {}): Promise<void> {
    const retain = options.retain ?? false;
    let outcome: 'sent' | 'failed' = 'sent';
    try {
      this.#sent++;
      await this.#client.publishAsync(topic, payload, { qos: 1, retain });
    } catch {
      outcome = 'failed';
    }
    this.#adversary.record({
      t: this.#adversary.now(),
      clientId: this.clientId,
      ...this.#port(),
      action: 'publish',
      topic,
      retain,
      size: Buffer.byteLength(payload),
      outcome,
    });
  }

  #port(): { port?: number } {
    return this.port === undefined ? {} : { port: this.port };
  }

  /**
   * Publishes `count` copies at QoS 0 as fast as the socket takes them (a flood), resolving once all are
   * written. Bounded by the caller; each is recorded.
   */
  async publishBurst(topic: string, payload: string, count: number): Promise<void> {
    const size = Buffer.byteLength(payload);
    const t = this.#adversary.now();
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      this.#sent++;
      writes.push(this.#client.publishAsync(topic, payload, { qos: 0 }));
      this.#adversary.record({
        t,
        clientId: this.clientId,
        ...this.#port(),
        action: 'publish',
        topic,
        retain: false,
        size,
        outcome: 'sent',
      });
    }
    await Promise.all(writes);
  }

  /** Calls `listener` for every message this connection receives from now on (an attack reacting to traffic). */
  onMessage(listener: (message: { topic: string; payload: string; retain: boolean }) => void): void {
    this.#client.on('message', (topic, payload, packet) => listener({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
  }

  /** Resolves once every message the broker sent this connection before now is in `received` (net/fence.ts). */
  fence(): Promise<void> {
    return pingFence(this.#client);
  }

  async close(): Promise<void> {
    await closeClient(this.#client);
  }
}

/**
 * An attacker on the network: its own real MQTT connections to the broker, acting when the run tells
 * it to (at a simulated time) and recording every connection, subscription and publish it made with
 * the broker's answer — the ground truth that labels its traffic in the event log and the dataset.
 */
export class Adversary {
  readonly actions: AdversaryAction[] = [];
  readonly #options: AdversaryOptions;
  readonly #sessions: AdversarySession[] = [];

  constructor(options: AdversaryOptions) {
    this.#options = options;
  }

  now(): number {
    return this.#options.now();
  }

  /** The client ids the adversary used: every packet from them is the attacker's. */
  get clientIds(): ReadonlySet<string> {
    return new Set(this.actions.map((a) => a.clientId));
  }

  record(action: AdversaryAction): void {
    this.actions.push(action);
  }

  /**
   * Opens a connection as `clientId` (with credentials if it has stolen or guessed some). Undefined
   * when the broker refuses it; no reconnects, so a refusal stays a refusal. `keepaliveS` is the
   * keep-alive its CONNECT asks for (mqtt.js' 60 s by default; a SlowITe attacker asks for 65,535).
   */
  async connect(
    clientId: string,
    credentials?: { username: string; password: string },
    certificate?: { cert: string; key: string },
    options: { keepaliveS?: number } = {},
  ): Promise<AdversarySession | undefined> {
    const client = connectClient({
      url: this.#options.url,
      identity: { clientId, ...credentials },
      extra: {
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...(options.keepaliveS === undefined ? {} : { keepalive: options.keepaliveS }),
        ...this.#options.extra,
        ...certificate,
      },
    });
    // Read once the socket is up: a refused connection's socket is gone (and its port with it) by the time we know.
    let port: number | undefined;
    client.stream?.once('connect', () => {
      port = localPort(client);
    });
    const outcome = await new Promise<{ ok: true } | { ok: false; code?: number }>((resolve) => {
      client.once('connect', () => resolve({ ok: true }));
      client.once('error', (error) => resolve({ ok: false, code: (error as { code?: number }).code }));
      client.once('close', () => resolve({ ok: false }));
    });
    const t = this.now();
    port ??= localPort(client);
    if (!outcome.ok) {
      this.record({
        t,
        clientId,
        ...(port === undefined ? {} : { port }),
        action: 'connect',
        outcome: 'refused',
        ...(typeof outcome.code === 'number' ? { returnCode: outcome.code } : {}),
      });
      await client.endAsync(true).catch(() => {});
      return undefined;
    }
    this.record({ t, clientId, ...(port === undefined ? {} : { port }), action: 'connect', outcome: 'accepted' });
    const session = new AdversarySession(this, clientId, client);
    this.#sessions.push(session);
    return session;
  }

  /**
   * Opens a raw socket to the broker (TLS when its URL is mqtts://, trusting the same CA as the MQTT
   * connections), writes `bytes` and waits for the broker to close the connection — an event, not a
   * timer; a connection still open when the broker shut down ends with it. Recorded under `clientId`,
   * a label only: the broker never learns it. Bounded: the caller's bytes, one socket.
   */
  async raw(clientId: string, what: string, bytes: Uint8Array): Promise<'closed' | 'failed'> {
    const url = new URL(this.#options.url);
    const port = Number(url.port || (url.protocol === 'mqtts:' ? 8883 : 1883));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const ca = (this.#options.extra as { ca?: unknown } | undefined)?.ca;
    const socket: Socket =
      url.protocol === 'mqtts:'
        ? tlsConnect({ host, port, ...(ca === undefined ? {} : { ca: ca as string }), servername: host === '127.0.0.1' ? undefined : host })
        : netConnect({ host, port });
    let local: number | undefined;
    const opened = new Promise<boolean>((resolve) => {
      socket.once(url.protocol === 'mqtts:' ? 'secureConnect' : 'connect', () => resolve(true));
      socket.once('error', () => resolve(false));
      socket.once('close', () => resolve(false));
    });
    socket.once('connect', () => {
      local = socket.localPort;
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    // Under mutual TLS the server may refuse the handshake before or after the client thinks it is up:
    // either way the broker closed the connection, so only a connection never made counts as failed.
    if (await opened) socket.write(bytes);
    await closed;
    const outcome = local === undefined ? 'failed' : 'closed';
    this.record({
      t: this.now(),
      clientId,
      ...(local === undefined ? {} : { port: local }),
      action: 'raw',
      what,
      size: bytes.length,
      outcome,
    });
    return outcome;
  }

  /** Closes every connection it opened. */
  async close(): Promise<void> {
    await Promise.all(this.#sessions.splice(0).map((s) => s.close().catch(() => {})));
  }
}

function localPort(client: MqttClient): number | undefined {
  return (client.stream as { localPort?: number } | undefined)?.localPort;
}
