import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from './broker.ts';
import { onBrokerPublish } from './broker-publish-hook.ts';

const brokers: EmbeddedBroker[] = [];
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

describe('onBrokerPublish', () => {
  it('sees each client PUBLISH as the broker takes it and again once it has routed it to every subscriber', async () => {
    const broker = await EmbeddedBroker.start();
    brokers.push(broker);
    const seen: string[] = [];
    let routed!: () => void;
    const done = new Promise<void>((resolve) => {
      routed = resolve;
    });
    onBrokerPublish(broker.aedes, (packet, client) => {
      if (client === null || !packet.topic.startsWith('ward/')) return; // the broker's own ($SYS notices name a client too)
      seen.push(`take ${client.id} ${packet.topic}`);
      return (error) => {
        seen.push(`done ${packet.topic}${error ? ` ${error.message}` : ''}`);
        routed();
      };
    });
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'sub' });
    await sub.subscribeAsync('ward/#', { qos: 1 });
    const got = new Promise<void>((resolve) => sub.on('message', () => resolve()));
    const pub = await mqtt.connectAsync(broker.url, { clientId: 'pub' });
    await pub.publishAsync('ward/a', 'x', { qos: 1 });
    await Promise.all([done, got]);
    expect(seen).toEqual(['take pub ward/a', 'done ward/a']);
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  });

  it('unhooks: an outer wrap gives the broker its publish back, an inner one passes through and the later wrap keeps working', async () => {
    const broker = await EmbeddedBroker.start();
    brokers.push(broker);
    const original = broker.aedes.publish;
    const counts = { inner: 0, outer: 0 };
    const unhookInner = onBrokerPublish(broker.aedes, (p) => void (p.topic.startsWith('ward/') && counts.inner++));
    const unhookOuter = onBrokerPublish(broker.aedes, (p) => void (p.topic.startsWith('ward/') && counts.outer++));
    const pub = await mqtt.connectAsync(broker.url, { clientId: 'pub' });
    await pub.publishAsync('ward/a', '1', { qos: 1 });
    unhookInner();
    await pub.publishAsync('ward/a', '2', { qos: 1 });
    expect(counts).toEqual({ inner: 1, outer: 2 });
    unhookOuter();
    await pub.publishAsync('ward/a', '3', { qos: 1 });
    expect(counts).toEqual({ inner: 1, outer: 2 });
    const unhook = onBrokerPublish(broker.aedes, () => undefined);
    unhook();
    expect(broker.aedes.publish).not.toBe(original); // the inner pass-through stays: nothing outside it can be unwound safely
    await pub.endAsync();
  });
});
