import type { Readable } from 'node:stream';
import memoryPersistenceModule, { type AedesMemoryPersistence } from 'aedes-persistence';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from './broker.ts';
import { indexedMemoryPersistence } from './retained-index.ts';

const memoryPersistence = memoryPersistenceModule as unknown as () => AedesMemoryPersistence;

interface Stored {
  topic: string;
  payload: Buffer;
}

/** aedes 1.x stores retained messages through the promise form of storeRetained. */
async function store(persistence: AedesMemoryPersistence, topic: string, payload: string): Promise<void> {
  const storeRetained = persistence.storeRetained as unknown as (packet: object) => Promise<void>;
  await storeRetained.call(persistence, { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true });
}

async function collect(stream: Readable): Promise<string[]> {
  const out: string[] = [];
  for await (const packet of stream) out.push(`${(packet as Stored).topic}=${(packet as Stored).payload.toString()}`);
  return out.sort();
}

const brokers: EmbeddedBroker[] = [];
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

describe('indexedMemoryPersistence', () => {
  it("answers every filter as aedes' own memory persistence does", async () => {
    const indexed = indexedMemoryPersistence();
    const plain = memoryPersistence();
    const writes: Array<[string, string]> = [
      ['medtwin/site/icu/pump/p-1/status', 'online'],
      ['medtwin/site/icu/pump/p-1/state', 'running'],
      ['medtwin/site/icu/pump/p-2/status', 'online'],
      ['medtwin/site/ward/cgm/c-1/state', 'warming-up'],
      ['medtwin/site/icu/pump/p-1/state', 'occluded'], // replaces
      ['medtwin/site/icu/pump/p-2/status', ''], // [MQTT-3.3.1-10]: an empty payload deletes it
      ['$SYS/broker/uptime', '42'],
    ];
    for (const [topic, payload] of writes) {
      await store(indexed, topic, payload);
      await store(plain, topic, payload);
    }
    const filters = [
      'medtwin/site/icu/pump/p-1/state',
      'medtwin/site/icu/pump/p-2/status',
      'medtwin/site/icu/pump/p-9/status',
      'medtwin/site/+/pump/+/state',
      'medtwin/site/#',
      '#',
      '$SYS/broker/uptime',
    ];
    for (const filter of filters) {
      expect(await collect(indexed.createRetainedStream(filter)), filter).toEqual(await collect(plain.createRetainedStream(filter)));
    }
    const combis = [
      ['medtwin/site/icu/pump/p-1/status', 'medtwin/site/ward/cgm/c-1/state'],
      ['medtwin/site/icu/pump/p-1/status', 'medtwin/site/ward/#'],
    ];
    for (const combi of combis) {
      expect(await collect(indexed.createRetainedStreamCombi(combi)), combi.join(' + ')).toEqual(
        await collect(plain.createRetainedStreamCombi(combi)),
      );
    }
    expect(await collect(indexed.createRetainedStream('medtwin/site/icu/pump/p-1/state'))).toEqual([
      'medtwin/site/icu/pump/p-1/state=occluded',
    ]);
  });

  it("gives a device subscribing to its own topic that topic's retained message, over a real broker", async () => {
    const broker = await EmbeddedBroker.start();
    brokers.push(broker);
    const fleet = await mqtt.connectAsync(broker.url, { clientId: 'fleet' });
    for (let i = 0; i < 50; i++) await fleet.publishAsync(`medtwin/site/icu/pump/p-${i}/cmd`, `dose ${i}`, { qos: 1, retain: true });
    const device = await mqtt.connectAsync(broker.url, { clientId: 'p-7' });
    const got = new Promise<[string, string, boolean]>((resolve) =>
      device.on('message', (topic, payload, packet) => resolve([topic, payload.toString(), packet.retain])),
    );
    await device.subscribeAsync('medtwin/site/icu/pump/p-7/cmd', { qos: 1 });
    expect(await got).toEqual(['medtwin/site/icu/pump/p-7/cmd', 'dose 7', true]);
    await Promise.all([fleet.endAsync(), device.endAsync()]);
  });
});
