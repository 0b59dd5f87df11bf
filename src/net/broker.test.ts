import { connect as connectTcp } from 'node:net';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker, type BrokerLogEvent } from './broker.ts';

const brokers: EmbeddedBroker[] = [];
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

async function start(options: Parameters<typeof EmbeddedBroker.start>[0] = {}) {
  const broker = await EmbeddedBroker.start(options);
  brokers.push(broker);
  return broker;
}

describe('EmbeddedBroker', () => {
  it('listens on a free loopback port and routes messages between real clients', async () => {
    const broker = await start();
    expect(broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'sub' });
    const pub = await mqtt.connectAsync(broker.url, { clientId: 'pub' });
    await sub.subscribeAsync('medtwin/#', { qos: 1 });
    const got = new Promise<string>((resolve) => sub.on('message', (_t, p) => resolve(p.toString())));
    await pub.publishAsync('medtwin/site/icu/cgm/cgm-001/telemetry', 'hello', { qos: 1 });
    expect(await got).toBe('hello');
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('drops a client that announces an oversize packet and keeps serving others', async () => {
    const log: BrokerLogEvent[] = [];
    const broker = await start({ limits: { maxPacketSize: 1024 }, onLog: (e) => log.push(e) });
    const good = await mqtt.connectAsync(broker.url, { clientId: 'good' });
    const bad = await mqtt.connectAsync(broker.url, { clientId: 'bad', reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => bad.once('close', () => resolve()));
    bad.publish('x', Buffer.alloc(4096));
    await closed;
    expect(broker.stats.oversizePackets).toBe(1);
    expect(log.some((e) => e.type === 'client.error' && /exceeds the broker limit of 1024 bytes/.test(e.error))).toBe(true);
    await good.publishAsync('still/works', 'yes', { qos: 1 });
    expect(good.connected).toBe(true);
    bad.end(true);
    await good.endAsync();
  });

  it('survives garbage bytes and a half-open socket', async () => {
    const broker = await start();
    await new Promise<void>((resolve) => {
      const socket = connectTcp(broker.port, '127.0.0.1', () => {
        // Not MQTT at all: a reserved packet type and a malformed remaining length.
        socket.write(Buffer.from([0xf0, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x13, 0x37]));
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    const client = await mqtt.connectAsync(broker.url, { clientId: 'after-garbage' });
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('names the flag when the port is busy, as an environment problem (exit 3)', async () => {
    const first = await start();
    await expect(EmbeddedBroker.start({ port: first.port })).rejects.toMatchObject({
      code: 'E_PORT_IN_USE',
      exitCode: 3,
      message: `port ${first.port} on 127.0.0.1 is already in use; choose another with --port, or --port 0 for a free one`,
    });
  });

  it('refuses a client id longer than the limit', async () => {
    const broker = await start({ limits: { maxClientIdLength: 10 } });
    // The refusal itself must arrive (CONNACK return code 2), not just a closed socket.
    await expect(mqtt.connectAsync(broker.url, { clientId: 'x'.repeat(30), reconnectPeriod: 0 })).rejects.toThrow(/Identifier rejected/);
  });
});
