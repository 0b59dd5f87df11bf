import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { holdingRelay } from '../../test/helpers/holding-relay.ts';
import { REDIS_URL, deleteKeys, redisSkipReason, testPrefix } from '../../test/helpers/redis.ts';
import { quiet, until } from '../../test/helpers/until.ts';
import { parsePersistence, type PersistenceChoice } from './broker-persistence.ts';
import { closeClient, connectClient, whenConnected } from './client.ts';
import { RestartableBroker } from './restartable-broker.ts';

const skip = await redisSkipReason();
if (skip) console.warn(`[skipped] ${skip}`);

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/**
 * Connects and records every message from the first byte: a persistent session's queued messages can
 * arrive in the same read as the CONNACK, before code awaiting the connection could add a listener.
 */
async function client(
  url: string,
  clientId: string,
  clean = true,
): Promise<{ client: MqttClient; sessionPresent: boolean; received: { text: string; retain: boolean }[] }> {
  const c = connectClient({ url, identity: { clientId }, extra: { clean, reconnectPeriod: 0 } });
  c.on('error', () => {});
  const received: { text: string; retain: boolean }[] = [];
  c.on('message', (topic, payload, packet) => received.push({ text: `${topic}=${payload}`, retain: packet.retain }));
  let sessionPresent = false;
  c.once('connect', (connack) => (sessionPresent = connack.sessionPresent));
  cleanup.push(() => closeClient(c, 200));
  await whenConnected(c, 5000);
  return { client: c, sessionPresent, received };
}

/** A twin with a persistent session (clean: false) subscribed to site/# at QoS 1, gone offline; its client id. */
async function offlineTwin(broker: RestartableBroker): Promise<string> {
  const twinId = `twin-${randomUUID()}`;
  const twin = await client(broker.url, twinId, false);
  await twin.client.subscribeAsync('site/#', { qos: 1 });
  await closeClient(twin.client);
  // Offline means offline at the broker: a publish that still finds the twin's closing connection is
  // delivered to it, not queued for its session (aedes handles the DISCONNECT asynchronously).
  await until(
    () => (broker.current.aedes as unknown as { clients: Record<string, unknown> }).clients[twinId] === undefined,
    'the broker to see the twin go',
  );
  return twinId;
}

/**
 * The twin has a persistent session (clean: false) subscribed at QoS 1 and is offline when a device
 * publishes a retained status and a QoS 1 alarm; the broker restarts; the twin comes back.
 */
async function restartScenario(persistence: PersistenceChoice) {
  const broker = await RestartableBroker.start({ persistence });
  cleanup.push(() => broker.close());
  const url = broker.url;
  const twinId = await offlineTwin(broker);

  const device = await client(url, 'pump-01');
  await device.client.publishAsync('site/pump-01/status', 'online', { qos: 1, retain: true });
  await device.client.publishAsync('site/pump-01/alarm', 'occlusion', { qos: 1 });
  await closeClient(device.client);

  await broker.restart();
  expect(broker.url).toBe(url);

  const back = await client(url, twinId, false);
  const fresh = await client(url, 'central-station');
  await fresh.client.subscribeAsync('site/+/status', { qos: 1 });
  const queued = () => back.received.map((m) => m.text);
  const retained = () => fresh.received.filter((m) => m.retain).map((m) => m.text);
  return { broker, back, queued, retained };
}

describe('a broker restart', () => {
  it('without persistence loses sessions, queued QoS 1 messages and retained messages', async () => {
    const { back, queued, retained, broker } = await restartScenario({ kind: 'memory' });
    await quiet(200);
    expect(back.sessionPresent).toBe(false);
    expect(queued()).toEqual([]);
    expect(retained()).toEqual([]);
    expect(broker.restarts).toBe(1);
  });

  it('refuses connections while stopped and accepts them again on the same port', async () => {
    const broker = await RestartableBroker.start();
    cleanup.push(() => broker.close());
    expect(broker.url).toBe(broker.current.url);
    await broker.stop();
    const c = connectClient({ url: broker.url, identity: { clientId: 'early' }, extra: { reconnectPeriod: 0 } });
    const error = await new Promise<Error & { code?: unknown }>((resolve) => c.once('error', (e) => resolve(e)));
    c.end(true);
    expect(error.code).toBe('ECONNREFUSED');
    await broker.startAgain();
    const later = await client(broker.url, 'later');
    expect(later.client.connected).toBe(true);
  });

  describe.skipIf(skip !== undefined)(`with Redis persistence (${REDIS_URL})`, () => {
    it('keeps the session, its queued QoS 1 messages and retained messages', async () => {
      const prefix = testPrefix();
      cleanup.push(() => deleteKeys(prefix));
      const { back, queued, retained } = await restartScenario(parsePersistence(`${REDIS_URL}?prefix=${prefix}`));
      // Redis round trips on a loaded machine: allow them time (this waits for bytes, it times nothing).
      await until(() => queued().length === 2 && retained().length === 1, 'the queued messages and the retained status', 20_000);
      expect(back.sessionPresent).toBe(true);
      expect(queued().sort()).toEqual(['site/pump-01/alarm=occlusion', 'site/pump-01/status=online']);
      expect(retained()).toEqual(['site/pump-01/status=online']);
    });

    it('delivers a retained message that a later plain one overtook on its way through Redis', async () => {
      // A retained QoS 1 message waits for two Redis calls before it goes out, a plain one for one: the
      // plain one, published after, reaches the subscriber first (broker.ts keepOvertaken).
      const prefix = testPrefix();
      cleanup.push(() => deleteKeys(prefix));
      const broker = await RestartableBroker.start({ persistence: parsePersistence(`${REDIS_URL}?prefix=${prefix}`) });
      cleanup.push(() => broker.close());
      const station = await client(broker.url, 'station');
      await station.client.subscribeAsync('site/#', { qos: 1 });
      const pump = await client(broker.url, 'pump-01');
      await Promise.all([
        pump.client.publishAsync('site/pump-01/state', 'infusing', { qos: 1, retain: true }),
        pump.client.publishAsync('site/pump-01/telemetry', 'rate=80', { qos: 1 }),
      ]);
      await until(() => station.received.length === 2, 'both messages at the station', 20_000);
      expect(station.received.map((m) => m.text).sort()).toEqual(['site/pump-01/state=infusing', 'site/pump-01/telemetry=rate=80']);
    });

    it('keeps a QoS 1 message it acknowledged but was still writing to Redis when it stopped', async () => {
      // aedes 1.2 sends the PUBACK before it queues the message for offline sessions (moscajs/aedes#249);
      // the relay holds that write on its way to Redis while the broker stops (draining-persistence.ts).
      const prefix = testPrefix();
      cleanup.push(() => deleteKeys(prefix));
      const redis = new URL(REDIS_URL);
      const relay = await holdingRelay({ host: redis.hostname, port: Number(redis.port || 6379) });
      cleanup.push(() => relay.close());
      redis.hostname = '127.0.0.1';
      redis.port = String(relay.port);
      const broker = await RestartableBroker.start({ persistence: parsePersistence(`${redis}?prefix=${prefix}`) });
      cleanup.push(() => broker.close());
      const twinId = await offlineTwin(broker);

      const device = await client(broker.url, 'pump-01');
      relay.hold();
      let acknowledged = false;
      void device.client.publishAsync('site/pump-01/alarm', 'occlusion', { qos: 1 }).then(() => (acknowledged = true));
      await until(() => acknowledged && relay.held > 0, 'the PUBACK while the broker is still writing the alarm to Redis');
      const stopped = broker.stop();
      // Let the write through once the persistence lets go of its Redis connection (a stop that does not
      // wait does so at once, and the queue entry that should follow the write is never sent), or after
      // 300 ms of a stop that waits.
      await Promise.race([relay.clientClosed(), quiet(300)]);
      relay.release();
      await stopped;
      await broker.startAgain();

      const back = await client(broker.url, twinId, false);
      await until(() => back.received.length > 0, 'the alarm the broker acknowledged before it stopped', 10_000);
      expect(back.sessionPresent).toBe(true);
      expect(back.received.map((m) => m.text)).toEqual(['site/pump-01/alarm=occlusion']);
    });

    it('queues the last wills it publishes on the way down without the next broker overwriting them', async () => {
      const prefix = testPrefix();
      cleanup.push(() => deleteKeys(prefix));
      const broker = await RestartableBroker.start({ persistence: parsePersistence(`${REDIS_URL}?prefix=${prefix}`) });
      cleanup.push(() => broker.close());
      const twinId = await offlineTwin(broker);
      const pumps = ['pump-01', 'pump-02', 'pump-03', 'pump-04', 'pump-05'];
      for (const pump of pumps) {
        const will = { topic: `site/${pump}/status`, payload: Buffer.from('lost'), qos: 1 as const, retain: false };
        const device = connectClient({ url: broker.url, identity: { clientId: pump }, will, extra: { reconnectPeriod: 0 } });
        device.on('error', () => {});
        cleanup.push(() => closeClient(device, 200));
        await whenConnected(device, 5000);
      }

      // The stop drops the devices without their DISCONNECT: aedes publishes their wills, packets of its
      // own, queued for the offline twin under the broker id and aedes' packet counter.
      await broker.restart();
      let published = 0;
      broker.current.aedes.on('publish', (packet) => {
        if (packet.topic === 'site/pump-06/alarm') published++;
      });
      const other = await client(broker.url, 'pump-06');
      const alarms = ['a1', 'a2', 'a3', 'a4', 'a5'];
      for (const alarm of alarms) await other.client.publishAsync('site/pump-06/alarm', alarm, { qos: 1 });
      await closeClient(other.client);
      // The PUBACK comes before aedes has queued the message; a twin returning meanwhile may get a copy
      // live and another from its queue (QoS 1 allows it), which this test is not about.
      await until(() => published === alarms.length, 'the broker to have queued the alarms');

      const back = await client(broker.url, twinId, false);
      const expected = [...pumps.map((pump) => `site/${pump}/status=lost`), ...alarms.map((alarm) => `site/pump-06/alarm=${alarm}`)];
      await until(() => back.received.length >= expected.length, 'the wills and the alarms queued for the twin', 10_000);
      await quiet(100);
      expect(back.received.map((m) => m.text).sort()).toEqual(expected.sort());
    });

    it('keeps its state under its own key prefix', async () => {
      const prefix = testPrefix();
      cleanup.push(() => deleteKeys(prefix));
      const broker = await RestartableBroker.start({ persistence: parsePersistence(`${REDIS_URL}?prefix=${prefix}`) });
      cleanup.push(() => broker.close());
      const device = await client(broker.url, 'pump-02');
      await device.client.publishAsync('site/pump-02/status', 'online', { qos: 1, retain: true });
      await broker.stop();
      expect(await deleteKeys(prefix)).toBeGreaterThan(0);
    });
  });
});

describe('parsePersistence', () => {
  it('reads memory and Redis URLs, and names what is wrong with anything else', () => {
    expect(parsePersistence('memory')).toEqual({ kind: 'memory' });
    expect(parsePersistence('redis://127.0.0.1:6379/2?prefix=ward:')).toEqual({
      kind: 'redis',
      url: 'redis://127.0.0.1:6379/2',
      keyPrefix: 'ward:',
    });
    expect(parsePersistence('redis://127.0.0.1:6379')).toMatchObject({ keyPrefix: 'medtwin:broker:' });
    expect(() => parsePersistence('mongodb://x')).toThrowErrorMatchingInlineSnapshot(
      `[InputError: --persistence: expected "memory" or a redis:// URL, received "mongodb://x"]`,
    );
    expect(() => parsePersistence('redis://127.0.0.1/db')).toThrowErrorMatchingInlineSnapshot(
      `[InputError: --persistence: the path of a Redis URL is a database number like /2, received "/db"]`,
    );
    expect(() => parsePersistence('nonsense')).toThrowErrorMatchingInlineSnapshot(
      `[InputError: --persistence: expected "memory" or a Redis URL like redis://127.0.0.1:6379, received "nonsense"]`,
    );
  });

  it('fails with a clear message when Redis does not answer', async () => {
    const { openPersistence } = await import('./broker-persistence.ts');
    await expect(openPersistence(parsePersistence('redis://127.0.0.1:1'), 1000)).rejects.toMatchObject({
      code: 'E_REDIS_UNREACHABLE',
      exitCode: 3,
    });
  });
});
