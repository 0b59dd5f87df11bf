/**
 * The transport-only ceiling: the same number of bare mqtt.js clients as the fleet (one connection
 * each, the runtime's connection options), publishing the same number of messages of the same size at
 * QoS 0 to one subscriber, as fast as the broker takes them — no simulation, no envelope decoding.
 * What fast mode could reach if the simulation cost nothing.
 */
import type { MqttClient } from 'mqtt';
import { closeClient, connectClient, whenConnected } from '../src/net/client.ts';

export interface CeilingOptions {
  /** Where the publishers connect (the broker, or a fault proxy in front of it). */
  url: string;
  /** Where the subscriber connects; default `url`. */
  subscriberUrl?: string;
  clients: number;
  messages: number;
  payloadBytes: number;
  /**
   * Messages published but not yet received that the publishers may have outstanding. Bounds the
   * memory queued in sockets; large enough that the broker is never idle waiting for publishers.
   */
  window?: number;
  /** Give up when nothing arrives for this long, ms. */
  stallMs?: number;
}

export interface CeilingResult {
  clients: number;
  messages: number;
  received: number;
  payloadBytes: number;
  window: number;
  connectMs: number;
  wallMs: number;
  messagesPerSecond: number;
}

const CONNECT_BATCH = 200;

/** Connects the clients, streams the messages through the broker and times first publish → last receipt. */
export async function measureCeiling(options: CeilingOptions): Promise<CeilingResult> {
  const { url, clients: n, messages: total, payloadBytes } = options;
  const window = options.window ?? 4000;
  const stallMs = options.stallMs ?? 10_000;
  const payload = Buffer.alloc(payloadBytes, 'x');
  // Topics shaped and sized like the fleet's (medtwin/<site>/<zone>/<kind>/<device>/telemetry).
  const topics = Array.from(
    { length: n },
    (_, i) => `medtwin/bench-ceiling/ward-00/transport/dev-${String(i + 1).padStart(5, '0')}/telemetry`,
  );

  const connectStart = performance.now();
  const subscriber = connectClient({ url: options.subscriberUrl ?? url, identity: { clientId: 'bench-ceiling-sub' } });
  subscriber.on('error', () => {});
  await whenConnected(subscriber, 30_000);
  await subscriber.subscribeAsync('medtwin/bench-ceiling/#', { qos: 0 });
  const publishers: MqttClient[] = [];
  for (let i = 0; i < n; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, n - i) }, (_, j) => {
      const client = connectClient({ url, identity: { clientId: `bench-ceiling-${i + j}` } });
      client.on('error', () => {});
      publishers.push(client);
      return whenConnected(client, 30_000);
    });
    await Promise.all(batch);
  }
  const connectMs = performance.now() - connectStart;

  let sent = 0;
  let received = 0;
  let pumping = false;
  const pump = () => {
    pumping = false;
    while (sent < total && sent - received < window) {
      const i = sent % n;
      publishers[i]!.publish(topics[i]!, payload, { qos: 0 });
      sent++;
    }
  };
  const start = performance.now();
  let end = start;
  await new Promise<void>((resolve) => {
    let lastProgress = performance.now();
    const stall = setInterval(() => {
      if (performance.now() - lastProgress > stallMs) finish();
    }, 500);
    function finish() {
      clearInterval(stall);
      end = performance.now();
      resolve();
    }
    subscriber.on('message', () => {
      received++;
      lastProgress = performance.now();
      if (received >= total) return finish();
      if (!pumping && sent < total && sent - received <= window / 2) {
        pumping = true;
        setImmediate(pump);
      }
    });
    pump();
  });
  const wallMs = end - start;
  await Promise.all([...publishers, subscriber].map((c) => closeClient(c, 1000)));
  return { clients: n, messages: total, received, payloadBytes, window, connectMs, wallMs, messagesPerSecond: (received / wallMs) * 1000 };
}
