import '../../quiet-debug.ts'; // first: before mqtt-packet and aedes create their loggers
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { AuditTarget } from './target.ts';

export interface ProbeCredentials {
  username?: string;
  password?: string;
  /** For brokers that bind an account to its client id; a random `medtwin-audit-…` otherwise. */
  clientId?: string;
}

export interface ProbeTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export type ConnectOutcome =
  | { status: 'accepted'; client: MqttClient }
  | { status: 'refused'; code: number }
  | { status: 'failed'; error: string; code?: string };

/**
 * One MQTT 3.1.1 connection attempt with no retries, bounded by `timeoutMs`. TLS certificates are not
 * verified here (observeTls judges them separately), so a self-signed broker can still be audited.
 */
export function tryConnect(target: AuditTarget, credentials: ProbeCredentials, tls: ProbeTls, timeoutMs: number): Promise<ConnectOutcome> {
  const options: IClientOptions = {
    clientId: `medtwin-audit-${randomBytes(4).toString('hex')}`,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    keepalive: 30,
    ...credentials,
    ...(target.tls ? { rejectUnauthorized: false, ...tls, ...(isHostname(target.host) ? { servername: target.host } : {}) } : {}),
  };
  const client = mqtt.connect(
    `${target.tls ? 'mqtts' : 'mqtt'}://${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`,
    options,
  );
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ status: 'failed', error: `no CONNACK within ${timeoutMs} ms` }), timeoutMs + 500);
    function finish(outcome: ConnectOutcome) {
      clearTimeout(timer);
      client.removeAllListeners('connect');
      client.removeAllListeners('error');
      client.removeAllListeners('close');
      client.on('error', () => {});
      if (outcome.status !== 'accepted') client.end(true);
      resolve(outcome);
    }
    client.once('connect', () => finish({ status: 'accepted', client }));
    client.once('error', (error: Error & { code?: number | string }) => {
      if (typeof error.code === 'number') finish({ status: 'refused', code: error.code });
      else finish({ status: 'failed', error: error.message, ...(typeof error.code === 'string' ? { code: error.code } : {}) });
    });
    client.once('close', () => finish({ status: 'failed', error: 'the connection closed before a CONNACK' }));
  });
}

export interface Observed {
  topic: string;
  retain: boolean;
  payload: string;
}

/**
 * Subscribes `filters` (QoS 0) and collects what arrives for `listenMs`: the SUBACK return codes (128
 * means refused) and the messages. Reads only: nothing is ever published.
 */
export async function listen(
  client: MqttClient,
  filters: readonly string[],
  listenMs: number,
  maxMessages = 10_000,
): Promise<{ granted: number[]; messages: Observed[] }> {
  const messages: Observed[] = [];
  client.on('message', (topic, payload, packet) => {
    if (messages.length < maxMessages) messages.push({ topic, retain: packet.retain, payload: payload.subarray(0, 4096).toString('utf8') });
  });
  let granted: number[];
  try {
    granted = (await client.subscribeAsync([...filters], { qos: 0 })).map((g) => g.qos);
  } catch (error) {
    const packet = (error as { packet?: { granted?: number[] } }).packet;
    if (packet?.granted === undefined) throw error;
    granted = packet.granted;
  }
  if (granted.some((code) => code !== 128)) await new Promise((resolve) => setTimeout(resolve, listenMs));
  return { granted, messages };
}

function isHostname(host: string): boolean {
  return !/^[\d.]+$/.test(host) && !host.includes(':');
}
