import './quiet-debug.ts'; // first: before mqtt-packet and aedes create their loggers
import './lean-buffer-list.ts'; // mqtt-packet's parser reads its fields in place
import './single-write-publish.ts'; // a PUBLISH goes to its socket in one write
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { corkPerTick } from './cork-per-tick.ts';

/** What a device (or the twin) presents to the broker. The security issue fills in the credentials. */
export interface ClientIdentity {
  clientId: string;
  username?: string;
  password?: string;
}

export interface ConnectOptions {
  url: string;
  identity: ClientIdentity;
  /** Last will: published by the broker if this client vanishes without DISCONNECT. */
  will?: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean };
  /** Extra mqtt.js options (TLS material, protocol version...). */
  extra?: Partial<IClientOptions>;
}

/**
 * Opens one MQTT connection. Keep-alive and reconnect run on real timers on purpose: they belong to
 * the transport, which lives in wall time; in fast mode virtual time races ahead and would declare
 * every healthy connection dead.
 */
export function connectClient(options: ConnectOptions): MqttClient {
  const client = mqtt.connect(options.url, {
    clientId: options.identity.clientId,
    username: options.identity.username,
    password: options.identity.password,
    clean: true,
    keepalive: 60,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    protocolVersion: 4,
    ...(options.will ? { will: options.will } : {}),
    // mqtt.js calls its debug logger several times per packet; with DEBUG unset that is pure cost
    // (a few % of a fast run). DEBUG=mqttjs* still gets the full trace.
    ...(process.env.DEBUG ? {} : { log: noLog }),
    ...options.extra,
  });
  // mqtt.js leaves Nagle's algorithm on; a device's small messages would then wait for the previous
  // segment's ACK, adding milliseconds to every settle window. Each reconnect opens a new socket.
  client.on('connect', () => {
    const stream = client.stream;
    if (!(stream instanceof Socket)) return;
    stream.setNoDelay(true);
    if (!(stream instanceof TLSSocket)) corkPerTick(stream);
  });
  return client;
}

function noLog(): void {}

/** Resolves when the client is connected; rejects with the broker's reason if it is refused. */
export function whenConnected(client: MqttClient, timeoutMs = 10_000): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`MQTT client ${client.options.clientId} did not connect within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onConnect = () => done();
    const onError = (error: Error) => done(error);
    function done(error?: Error) {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
      if (error) reject(error);
      else resolve();
    }
    client.on('connect', onConnect);
    client.on('error', onError);
  });
}

/** Disconnects cleanly (DISCONNECT sent, so no last will), or forcibly after `timeoutMs`. */
export async function closeClient(client: MqttClient, timeoutMs = 2000): Promise<void> {
  await Promise.race([client.endAsync(false), new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  if (!client.disconnected) await client.endAsync(true);
}
