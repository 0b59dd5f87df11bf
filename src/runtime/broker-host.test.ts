import { Redis } from 'ioredis';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { REDIS_URL, deleteKeys, redisSkipReason, testPrefix } from '../../test/helpers/redis.ts';
import { until } from '../../test/helpers/until.ts';
import { MedtwinError } from '../core/errors.ts';
import { parsePersistence } from '../net/broker-persistence.ts';
import { closeClient, connectClient, whenConnected } from '../net/client.ts';
import { openBroker, type BrokerHandle } from './broker-host.ts';

const skip = await redisSkipReason();
if (skip) console.warn(`[skipped] ${skip}`);

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function client(
  url: string,
  clientId: string,
  clean: boolean,
): Promise<{ client: MqttClient; sessionPresent: boolean; received: string[] }> {
  const c = connectClient({ url, identity: { clientId }, extra: { clean, reconnectPeriod: 0 } });
  c.on('error', () => {});
  const received: string[] = [];
  c.on('message', (topic, payload) => received.push(`${topic}=${payload}`));
  let sessionPresent = false;
  c.once('connect', (connack) => (sessionPresent = connack.sessionPresent));
  cleanup.push(() => closeClient(c, 200));
  await whenConnected(c, 5000);
  return { client: c, sessionPresent, received };
}

/**
 * A central station with a persistent session goes offline; a pump publishes a QoS 1 alarm; the run's
 * broker restarts through its site control; the station comes back. Returns what it got.
 */
async function alarmAcrossRestart(broker: BrokerHandle) {
  const url = broker.url;
  const station = await client(url, 'station', false);
  await station.client.subscribeAsync('site/#', { qos: 1 });
  await closeClient(station.client);
  await until(() => (broker.aedes as unknown as { clients: Record<string, unknown> }).clients.station === undefined, 'the station gone');
  const pump = await client(url, 'pump-01', true);
  await pump.client.publishAsync('site/pump-01/alarm', 'occlusion', { qos: 1 });
  await closeClient(pump.client);
  await broker.site!.stop();
  expect(broker.aedes).toBeUndefined();
  await broker.site!.start();
  expect(broker.url).toBe(url);
  return client(url, 'station', false);
}

async function keysUnder(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  try {
    return (await redis.keys(`${prefix}*`)).length;
  } finally {
    redis.disconnect();
  }
}

describe('openBroker for a run that restarts its broker', () => {
  it('memory: the broker restarts on the same port and the queued alarm is gone with the session', async () => {
    const broker = await openBroker({ restartable: true });
    cleanup.push(() => broker.close());
    expect(broker.persistence).toBe('memory');
    const back = await alarmAcrossRestart(broker);
    expect(back.sessionPresent).toBe(false);
    // Nothing can arrive: the session and its queue died with the stop (a message would come right after the CONNACK).
    await back.client.subscribeAsync('site/#', { qos: 1 });
    expect(back.received).toEqual([]);
  });

  it.skipIf(skip !== undefined)('Redis: the session and its queued QoS 1 alarm survive; the run’s keys are deleted at close', async () => {
    const prefix = testPrefix();
    cleanup.push(() => deleteKeys(prefix));
    const broker = await openBroker({ persistence: parsePersistence(`${REDIS_URL}?prefix=${prefix}`) });
    let closed = false;
    cleanup.push(() => (closed ? Promise.resolve() : broker.close()));
    const back = await alarmAcrossRestart(broker);
    expect(back.sessionPresent).toBe(true);
    await until(() => back.received.length === 1, 'the queued alarm', 20_000);
    expect(back.received).toEqual(['site/pump-01/alarm=occlusion']);
    // The broker wrote under a prefix of its own inside the given one, and deletes it as it closes.
    expect(await keysUnder(prefix)).toBeGreaterThan(0);
    await closeClient(back.client);
    await broker.close();
    closed = true;
    expect(await keysUnder(prefix)).toBe(0);
  });

  it('refuses an external broker or a child-process one with exit code 2, saying what to do', async () => {
    const refusal = (options: Parameters<typeof openBroker>[0]) =>
      openBroker(options).then(
        () => undefined,
        (error: unknown) => error,
      );
    const external = await refusal({ url: 'mqtt://127.0.0.1:1883', persistence: { kind: 'memory' } });
    expect(external).toBeInstanceOf(MedtwinError);
    expect((external as MedtwinError).exitCode).toBe(2);
    expect((external as Error).message).toMatch(/drop --broker/);
    const child = await refusal({ restartable: true, placement: 'child-process' });
    expect((child as MedtwinError).exitCode).toBe(2);
    expect((child as Error).message).toMatch(/child process/);
  });
});
