import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { field, RawMqtt, rawPacket } from '../../test/helpers/raw-mqtt.ts';
import { EmbeddedBroker, type BrokerLogEvent } from './broker.ts';

const brokers: EmbeddedBroker[] = [];
const sockets: RawMqtt[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

async function start(options: Parameters<typeof EmbeddedBroker.start>[0] = {}) {
  const broker = await EmbeddedBroker.start(options);
  brokers.push(broker);
  return broker;
}

async function open(broker: EmbeddedBroker): Promise<RawMqtt> {
  const raw = await RawMqtt.open(broker.port);
  sockets.push(raw);
  return raw;
}

/** A connected subscriber to every topic, collecting what the broker forwards. */
async function watchAll(broker: EmbeddedBroker) {
  const client = await mqtt.connectAsync(broker.url, { clientId: 'watcher', reconnectPeriod: 0 });
  await client.subscribeAsync('#', { qos: 1 });
  const topics: string[] = [];
  client.on('message', (topic) => topics.push(topic));
  return { client, topics };
}

describe('EmbeddedBroker, MQTT 3.1.1 conformance', () => {
  it('accepts keep-alive 0 ("no keep-alive") and a keep-alive over its limit', async () => {
    const broker = await start();
    expect(await (await open(broker)).connect({ keepalive: 0, clientId: 'ka0' })).toBe(0);
    expect(await (await open(broker)).connect({ keepalive: 65_535, clientId: 'ka-max' })).toBe(0);
    // A standard client library with keep-alive off must be able to start.
    const client = await mqtt.connectAsync(broker.url, { clientId: 'mqttjs-ka0', keepalive: 0, reconnectPeriod: 0 });
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('holds a client without keep-alive to its own limit: dropped after 1.5 times it in silence', async () => {
    const broker = await start({ limits: { keepaliveLimitS: 1 } });
    const raw = await open(broker);
    expect(await raw.connect({ keepalive: 0, clientId: 'silent' })).toBe(0);
    const started = performance.now();
    await raw.closed;
    // [MQTT-3.1.2-24]: 1.5 × 1 s; generous upper bound for a loaded machine.
    expect(performance.now() - started).toBeGreaterThan(1000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('answers a zero-byte client id with clean session 0 with "identifier rejected" [MQTT-3.1.3-8]', async () => {
    const broker = await start();
    const raw = await open(broker);
    // Built by hand: mqtt-packet's generator refuses to write this CONNECT at all.
    raw.send(rawPacket(0x10, Buffer.concat([field('MQTT'), Buffer.from([4, 0x00, 0, 30]), field('')])));
    const connack = await raw.next();
    expect(connack).toMatchObject({ cmd: 'connack', returnCode: 2 });
    await raw.closed;
    // With clean session 1 the server assigns an id ([MQTT-3.1.3-6]).
    expect(await (await open(broker)).connect({ clientId: '', clean: true })).toBe(0);
  });

  it('closes the connection on a PUBLISH topic of ill-formed UTF-8 or with U+0000, and forwards neither [MQTT-1.5.3-1/2]', async () => {
    const log: BrokerLogEvent[] = [];
    const broker = await start({ onLog: (e) => log.push(e) });
    const watcher = await watchAll(broker);
    const bad = [
      Buffer.from([0x61, 0xff, 0x62]), // 0xff never occurs in UTF-8
      Buffer.from([0x61, 0xc0, 0xaf]), // an overlong "/"
      Buffer.from([0x61, 0xed, 0xa0, 0x80]), // an encoded surrogate, U+D800
      Buffer.from('a\u0000b'),
    ];
    for (const topic of bad) {
      const raw = await open(broker);
      expect(await raw.connect({ clientId: `bad-${topic.toString('hex')}` })).toBe(0);
      raw.send(rawPacket(0x30, Buffer.concat([field(topic), Buffer.from('payload')])));
      expect(await raw.next()).toBeUndefined();
      expect(raw.socket.destroyed || raw.socket.readyState === 'closed').toBe(true);
    }
    await watcher.client.publishAsync('after/the/bad/ones', 'ok', { qos: 1 });
    await expect.poll(() => watcher.topics).toContain('after/the/bad/ones');
    expect(watcher.topics).toEqual(['after/the/bad/ones']);
    expect(broker.stats.malformedPackets).toBe(4);
    expect(log.filter((e) => e.type === 'client.error' && /MQTT-1\.5\.3-[12]/.test(e.error))).toHaveLength(4);
    await watcher.client.endAsync();
  });

  it('accepts well-formed topics however the stream is cut, including multi-byte characters and U+FFFD', async () => {
    const broker = await start();
    const watcher = await watchAll(broker);
    const raw = await open(broker);
    expect(await raw.connect({ clientId: 'good-utf8' })).toBe(0);
    const topics = ['patients/çà/ü', 'emoji/😀', 'replacement/\ufffd'];
    const bytes = Buffer.concat(topics.map((t) => rawPacket(0x30, Buffer.concat([field(t), Buffer.from('x')]))));
    // One byte at a time: every header, length and topic split across reads.
    for (const byte of bytes) raw.send(Buffer.from([byte]));
    await expect.poll(() => watcher.topics.length).toBe(3);
    expect(watcher.topics).toEqual(topics);
    expect(broker.stats.malformedPackets).toBe(0);
    await watcher.client.endAsync();
  });

  it('closes the connection on ill-formed filters in SUBSCRIBE and UNSUBSCRIBE, and on a CONNECT client id', async () => {
    const broker = await start();
    const subscribe = await open(broker);
    expect(await subscribe.connect({ clientId: 'sub-bad' })).toBe(0);
    subscribe.send(
      rawPacket(0x82, Buffer.concat([Buffer.from([0, 1]), field('ok/#'), Buffer.from([1]), field(Buffer.from([0xfe])), Buffer.from([0])])),
    );
    expect(await subscribe.next()).toBeUndefined();

    const unsubscribe = await open(broker);
    expect(await unsubscribe.connect({ clientId: 'unsub-bad' })).toBe(0);
    unsubscribe.send(rawPacket(0xa2, Buffer.concat([Buffer.from([0, 2]), field('a\u0000')])));
    expect(await unsubscribe.next()).toBeUndefined();

    const connect = await open(broker);
    const body = Buffer.concat([field('MQTT'), Buffer.from([4, 0x02, 0, 30]), field(Buffer.from([0x64, 0xff]))]);
    connect.send(rawPacket(0x10, body));
    expect(await connect.next()).toBeUndefined();
    expect(broker.stats.malformedPackets).toBe(3);
  });
});
