import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../test/helpers/until.ts';
import { EmbeddedBroker } from './broker.ts';
import { closeClient, connectClient, whenConnected } from './client.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/**
 * A subscriber that connects and subscribes like any client, then stops reading its socket — a
 * central station whose process hung. Raw bytes via mqtt-packet, so nothing on our side reads for it.
 */
async function frozenSubscriber(port: number, clientId: string, filter: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  // A small receive buffer, so the kernel stops taking the broker's bytes sooner.
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(mqttPacket.generate({ cmd: 'connect', clientId, protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 60 }));
  socket.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: filter, qos: 0 }] }));
  // Read the CONNACK and SUBACK (a few bytes), then never again.
  await new Promise<void>((resolve) => {
    let bytes = 0;
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes >= 4 + 5) {
        socket.off('data', onData);
        socket.pause();
        resolve();
      }
    };
    socket.on('data', onData);
  });
  return socket;
}

async function client(url: string, clientId: string): Promise<MqttClient> {
  const c = connectClient({ url, identity: { clientId }, extra: { reconnectPeriod: 0 } });
  c.on('error', () => {});
  cleanup.push(() => closeClient(c, 200));
  await whenConnected(c, 5000);
  return c;
}

async function flood(isolateSlowReaders: boolean) {
  const drainTimeoutMs = 1500;
  const broker = await EmbeddedBroker.start({
    limits: { drainTimeoutMs },
    ...(isolateSlowReaders ? { isolateSlowReaders: { maxBufferedBytes: 64 * 1024 * 1024 } } : {}),
  });
  cleanup.push(() => broker.close());
  const frozen = await frozenSubscriber(broker.port, 'central-station', 'ward/#');
  cleanup.push(() => void frozen.destroy());
  const healthy = await client(broker.url, 'twin');
  const got: number[] = [];
  const latencies: number[] = [];
  healthy.on('message', (_topic, payload) => {
    got.push(payload.readUInt32BE(0));
    latencies.push(performance.now() - payload.readDoubleBE(4));
  });
  await healthy.subscribeAsync('ward/#', { qos: 0 });
  const publisher = await client(broker.url, 'monitor-01');
  let dropped: { at: number; sent: number; got: number } | undefined;
  let sent = 0;
  broker.aedes.on('clientDisconnect', (c) => {
    if (c.id === 'central-station') dropped ??= { at: performance.now(), sent, got: got.length };
  });

  // Messages at a steady pace, padded so the frozen socket's buffers (a few MB on loopback) fill
  // within a second or so.
  const padding = 60 * 1024;
  const floodAt = performance.now();
  const pump = setInterval(() => {
    for (let i = 0; i < 10; i++) {
      const payload = Buffer.alloc(12 + padding);
      payload.writeUInt32BE(sent++, 0);
      payload.writeDoubleBE(performance.now(), 4);
      publisher.publish('ward/monitor-01/telemetry', payload, { qos: 0 });
    }
  }, 20);
  cleanup.push(() => clearInterval(pump));

  await until(() => dropped !== undefined, 'the broker to drop the frozen subscriber', drainTimeoutMs * 6);
  const drop = dropped!;
  await until(() => got.length >= drop.sent, 'the healthy subscriber to receive everything sent before the drop', 10_000);
  clearInterval(pump);
  const sorted = latencies.slice(0, drop.sent).sort((a, b) => a - b);
  // Figures, not assertions (timing belongs in benchmarks): printed so a reader can see them.
  console.info(
    `${isolateSlowReaders ? 'isolated' : "aedes' own"}: frozen subscriber dropped ${Math.round(drop.at - floodAt)} ms into the flood ` +
      `(drainTimeout ${drainTimeoutMs} ms); the healthy one had ${drop.got} of ${drop.sent} by then; its latency p50 ` +
      `${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms`,
  );
  return { got, drop };
}

describe('a frozen subscriber', () => {
  it("is dropped after the drain timeout; with aedes' own flow control every other subscriber waits behind it meanwhile", async () => {
    const { got, drop } = await flood(false);
    expect(got.slice(0, drop.sent)).toEqual(Array.from({ length: drop.sent }, (_, i) => i));
  });

  it('with isolateSlowReaders falls behind alone: the healthy subscriber keeps receiving until the drop', async () => {
    const { got, drop } = await flood(true);
    expect(got.slice(0, drop.sent)).toEqual(Array.from({ length: drop.sent }, (_, i) => i));
    expect(drop.got).toBeGreaterThan(drop.sent / 2);
  });
});
