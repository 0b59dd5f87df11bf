import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from './broker.ts';
import { IN_THREAD_LINKS, type LinkOpener, type LinkOptions } from './device-link.ts';
import { LinkPool } from './link-pool.ts';

const brokers: EmbeddedBroker[] = [];
const pools: LinkPool[] = [];
const watchers: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(watchers.splice(0).map((c) => c.endAsync(true)));
  await Promise.all(pools.splice(0).map((p) => p.stop()));
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

async function setup(): Promise<{
  broker: EmbeddedBroker;
  watcher: MqttClient;
  received: { topic: string; payload: string; retain: boolean }[];
}> {
  const broker = await EmbeddedBroker.start();
  brokers.push(broker);
  const watcher = await mqtt.connectAsync(broker.url, { clientId: 'watcher', reconnectPeriod: 0 });
  watchers.push(watcher);
  const received: { topic: string; payload: string; retain: boolean }[] = [];
  watcher.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString(), retain: packet.retain }));
  await watcher.subscribeAsync('site/#', { qos: 1 });
  return { broker, watcher, received };
}

function options(url: string, id: string): LinkOptions {
  return {
    url,
    identity: { clientId: id },
    will: { topic: `site/${id}/status`, payload: 'lost' },
    subscribe: `site/${id}/cmd`,
    online: { topic: `site/${id}/status`, payload: 'online' },
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each([
  ['on the simulation thread', () => IN_THREAD_LINKS],
  [
    'on a link thread',
    () => {
      const pool = new LinkPool();
      pools.push(pool);
      return pool;
    },
  ],
] as [string, () => LinkOpener][])('device links %s', (_where, opener) => {
  it('connect with their own client id, announce themselves, carry messages in order and deliver commands', async () => {
    const { broker, watcher, received } = await setup();
    const links = opener();
    const commands: { device: string; topic: string; payload: Buffer }[] = [];
    const a = await links.open(options(broker.url, 'dev-a'), (topic, payload) => commands.push({ device: 'dev-a', topic, payload }));
    const b = await links.open(options(broker.url, 'dev-b'), (topic, payload) => commands.push({ device: 'dev-b', topic, payload }));
    await until(() => received.filter((m) => m.payload === 'online').length === 2, 'both online statuses');

    for (let i = 1; i <= 50; i++) {
      a.publish('site/dev-a/telemetry', `a${i}`, 0, false);
      b.publish('site/dev-b/telemetry', `b${i}`, 1, false);
    }
    await until(() => received.filter((m) => m.topic.endsWith('/telemetry')).length === 100, '100 telemetry messages');
    const of = (device: string) => received.filter((m) => m.topic === `site/${device}/telemetry`).map((m) => m.payload);
    expect(of('dev-a')).toEqual(Array.from({ length: 50 }, (_, i) => `a${i + 1}`));
    expect(of('dev-b')).toEqual(Array.from({ length: 50 }, (_, i) => `b${i + 1}`));

    // Each device is subscribed to its own command topic only.
    await watcher.publishAsync('site/dev-b/cmd', '{"type":"x"}', { qos: 1 });
    await until(() => commands.length === 1, 'the command');
    expect(commands[0]!.device).toBe('dev-b');
    expect(commands[0]!.topic).toBe('site/dev-b/cmd');
    expect(Buffer.isBuffer(commands[0]!.payload)).toBe(true);
    expect(commands[0]!.payload.toString()).toBe('{"type":"x"}');

    // A clean close sends the farewell (retained) and no last will.
    await a.close({ topic: 'site/dev-a/status', payload: 'shutdown' });
    await b.close();
    await until(() => received.some((m) => m.payload === 'shutdown'), 'the farewell');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.filter((m) => m.payload === 'lost')).toEqual([]);
    const late = await mqtt.connectAsync(broker.url, { clientId: 'late', reconnectPeriod: 0 });
    watchers.push(late);
    const retained: string[] = [];
    late.on('message', (_topic, payload) => retained.push(payload.toString()));
    await late.subscribeAsync('site/dev-a/status');
    await until(() => retained.length === 1, 'the retained status');
    expect(retained).toEqual(['shutdown']);
  });

  it('carry any payload text and flag exactly as published, over many topics and batches', async () => {
    const { broker, received } = await setup();
    const links = opener();
    const a = await links.open(options(broker.url, 'dev-a'), () => {});
    await until(() => received.some((m) => m.payload === 'online'), 'the online status');
    received.length = 0;
    // Newlines, multi-byte and astral characters, empty and long payloads: the batch cuts payloads
    // apart by length, so none of these may bleed into a neighbour.
    const payloads = ['line\nbreak', 'µg/kg/min', '🩸 128 mg/dL', '', 'x'.repeat(5000), '{"a":"\u0000"}'];
    const sent: { topic: string; payload: string; retain: boolean }[] = [];
    for (let i = 0; i < 600; i++) {
      const m = { topic: `site/dev-a/ch${i % 7}`, payload: `${payloads[i % payloads.length]}#${i}`, retain: i % 5 === 0 };
      sent.push(m);
      a.publish(m.topic, m.payload, 1, m.retain);
    }
    await until(() => received.length === sent.length, `${sent.length} messages`);
    // A live subscriber sees the retain flag cleared (MQTT 3.1.1 §3.3.1.3); order per topic is kept.
    const byTopic = (list: { topic: string; payload: string }[], topic: string) =>
      list.filter((m) => m.topic === topic).map((m) => m.payload);
    for (let ch = 0; ch < 7; ch++) expect(byTopic(received, `site/dev-a/ch${ch}`)).toEqual(byTopic(sent, `site/dev-a/ch${ch}`));
    // What was published retained is what a newcomer gets: the last retained payload of each topic.
    const late = await mqtt.connectAsync(broker.url, { clientId: 'late-retained', reconnectPeriod: 0 });
    watchers.push(late);
    const retained = new Map<string, string>();
    late.on('message', (topic, payload) => retained.set(topic, payload.toString()));
    await late.subscribeAsync('site/dev-a/+', { qos: 1 });
    const expected = new Map<string, string>();
    for (const m of sent) if (m.retain) expected.set(m.topic, m.payload);
    expected.set('site/dev-a/status', 'online');
    await until(() => retained.size === expected.size, 'the retained messages');
    expect(retained).toEqual(expected);
  });

  it('subscribe to a filter: retained history flagged as such, then live messages in order', async () => {
    const { broker, watcher } = await setup();
    await watcher.publishAsync('site/dev-a/state', 'history', { qos: 1, retain: true });
    const links = opener();
    const seen: { topic: string; payload: string; retain: boolean }[] = [];
    // A twin: no will, no online status, the whole site.
    const twin = await links.open({ url: broker.url, identity: { clientId: 'twin' }, subscribe: 'site/#' }, (topic, payload, retain) =>
      seen.push({ topic, payload: payload.toString(), retain }),
    );
    for (let i = 1; i <= 300; i++)
      await watcher.publishAsync(`site/dev-${i % 3}/telemetry`, `{"n":${i},"unit":"µg"}`, { qos: (i % 2) as 0 | 1 });
    await until(() => seen.length === 301, '301 messages');
    expect(seen[0]).toEqual({ topic: 'site/dev-a/state', payload: 'history', retain: true });
    expect(seen.slice(1).map((m) => m.payload)).toEqual(Array.from({ length: 300 }, (_, i) => `{"n":${i + 1},"unit":"µg"}`));
    expect(seen.slice(1).every((m) => !m.retain && m.topic === `site/dev-${Number(JSON.parse(m.payload).n) % 3}/telemetry`)).toBe(true);
    await twin.close();
  });

  it('refuses to open against a broker that is not there, saying why', async () => {
    const links = opener();
    // Port 1 on loopback: nothing listens there, and connecting is refused at once.
    await expect(links.open({ ...options('mqtt://127.0.0.1:1', 'dev-x') }, () => {})).rejects.toThrow(/did not connect|ECONNREFUSED/);
  });
});

describe('a link pool numbering received topics', () => {
  it('starts its numbering again past its limit without mixing up topics', async () => {
    const { broker, watcher } = await setup();
    const pool = new LinkPool(undefined, { maxReceivedTopics: 3 });
    pools.push(pool);
    const seen: { topic: string; payload: string }[] = [];
    const twin = await pool.open({ url: broker.url, identity: { clientId: 'twin' }, subscribe: 'site/#' }, (topic, payload) =>
      seen.push({ topic, payload: payload.toString() }),
    );
    // Ten topics, each payload naming its own topic, in rounds and in bursts: the numbering restarts
    // within batches and between them.
    const sent: string[] = [];
    for (let round = 0; round < 4; round++) {
      const burst = Array.from({ length: 10 }, (_, i) => `site/dev-${(i * 7 + round) % 10}/telemetry`);
      sent.push(...burst);
      if (round % 2 === 0) await Promise.all(burst.map((topic) => watcher.publishAsync(topic, topic, { qos: 1 })));
      else for (const topic of burst) await watcher.publishAsync(topic, topic, { qos: 1 });
    }
    await until(() => seen.length === sent.length, `${sent.length} messages`);
    expect(seen.filter((m) => m.topic !== m.payload)).toEqual([]);
    expect(seen.map((m) => m.topic).sort()).toEqual([...sent].sort());
    await twin.close();
  });
});

const EXITS = new URL('../../test/fixtures/link-thread/exits.mjs', import.meta.url);

describe('a link pool whose thread is gone', () => {
  it('rejects new links with the reason instead of hanging', async () => {
    const { broker } = await setup();
    const pool = new LinkPool();
    await pool.stop();
    await expect(pool.open(options(broker.url, 'dev-z'), () => {})).rejects.toThrow(/link thread/);
  });

  it('reports a thread that dies as an environment error, once, and fails what was waiting on it', async () => {
    const { broker } = await setup();
    const pool = new LinkPool(EXITS);
    pools.push(pool);
    const failures: unknown[] = [];
    pool.onFailure = (error) => failures.push(error);
    await expect(pool.open(options(broker.url, 'dev-y'), () => {})).rejects.toMatchObject({
      code: 'E_LINK_THREAD',
      exitCode: 3,
      message: expect.stringMatching(/exited \(code 7\).*lost its connection/),
    });
    expect(failures).toHaveLength(1);
    expect(pool.failure).toBe(failures[0]);
    await expect(pool.open(options(broker.url, 'dev-w'), () => {})).rejects.toBe(failures[0]);
  });
});
