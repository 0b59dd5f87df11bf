import { afterEach, describe, expect, it } from 'vitest';
import { holdingRelay } from '../../test/helpers/holding-relay.ts';
import { RawMqtt } from '../../test/helpers/raw-mqtt.ts';
import { REDIS_URL, deleteKeys, redisSkipReason, testPrefix } from '../../test/helpers/redis.ts';
import { quiet, until } from '../../test/helpers/until.ts';
import { EmbeddedBroker } from './broker.ts';
import { openPersistence, parsePersistence } from './broker-persistence.ts';

const skip = await redisSkipReason();
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe.skipIf(skip !== undefined)('a persistent session reconnecting while messages flow', () => {
  it('gets its CONNACK before any message [MQTT-3.2.0-1]', async () => {
    const prefix = testPrefix();
    cleanup.push(() => deleteKeys(prefix));
    const redis = new URL(REDIS_URL);
    const relay = await holdingRelay({ host: redis.hostname, port: Number(redis.port || 6379) });
    cleanup.push(() => relay.close());
    redis.hostname = '127.0.0.1';
    redis.port = String(relay.port);
    const persistence = await openPersistence(parsePersistence(`${redis}?prefix=${prefix}`));
    const broker = await EmbeddedBroker.start({ persistence: persistence.persistence });
    cleanup.push(() => persistence.close());
    cleanup.push(() => broker.close());

    const twin = await RawMqtt.open(broker.port);
    expect(await twin.connect({ clientId: 'twin', clean: false })).toBe(0);
    twin.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'site/#', qos: 0 }] });
    expect((await twin.next())?.cmd).toBe('suback');
    twin.send({ cmd: 'disconnect' });
    await twin.closed;
    const aedes = broker.aedes as unknown as {
      clients: Record<string, unknown>;
      subscribe: (topic: unknown, func: unknown, done: (...args: unknown[]) => void) => void;
    };
    await until(() => aedes.clients.twin === undefined, 'the broker to see the twin go');

    // The moment aedes has restored the session's subscription, before it answers the CONNECT (it still
    // has the will to settle in Redis, held here), a device's message arrives.
    const subscribe = aedes.subscribe.bind(aedes);
    aedes.subscribe = (topic: unknown, func: unknown, done: (...args: unknown[]) => void) =>
      subscribe(topic, func, (...args: unknown[]) => {
        done(...args);
        relay.hold();
        broker.aedes.publish(
          { cmd: 'publish', topic: 'site/pump-01/alarm', payload: Buffer.from('occlusion'), qos: 0, retain: false, dup: false },
          () => {},
        );
      });
    const back = await RawMqtt.open(broker.port);
    cleanup.push(() => back.close());
    back.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: false, clientId: 'twin', keepalive: 30 });
    await until(() => relay.held > 0, 'the broker to wait on Redis while connecting the twin');
    // Time for the alarm to reach the socket ahead of the CONNACK, as it did without the guard.
    await quiet(100);
    relay.release();
    await until(() => back.received.length >= 2, 'the CONNACK and the alarm');
    expect(back.received.map((p) => p.cmd)).toEqual(['connack', 'publish']);
  });
});
