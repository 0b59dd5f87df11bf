import { connect as connectTcp, type Socket } from 'node:net';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker, type BrokerLogEvent } from './broker.ts';
import { DEFAULT_BROKER_LIMITS } from './broker-limits.ts';
import { descriptorLimit } from './descriptor-limit.ts';

const brokers: EmbeddedBroker[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

/** Opens `n` idle anonymous TCP connections (never a byte of MQTT) and says which the broker closed. */
async function idleConnections(port: number, n: number): Promise<{ open: Socket[]; closedByBroker: number }> {
  const opened = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket>((resolve) => {
          const socket = connectTcp(port, '127.0.0.1', () => resolve(socket));
          socket.on('error', () => {});
          sockets.push(socket);
        }),
    ),
  );
  // A refused socket is closed by the broker at once; give the closes a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const open = opened.filter((s) => !s.destroyed && s.readyState === 'open');
  return { open, closedByBroker: n - open.length };
}

describe('EmbeddedBroker limits', () => {
  it('refuses idle connections past maxConnections, logs and counts each, and serves again once some close', async () => {
    const log: BrokerLogEvent[] = [];
    const broker = await EmbeddedBroker.start({ limits: { maxConnections: 30 }, onLog: (e) => log.push(e) });
    brokers.push(broker);
    const { open, closedByBroker } = await idleConnections(broker.port, 40);
    expect(closedByBroker).toBe(10);
    expect(open).toHaveLength(30);
    expect(broker.stats.refused['max-connections']).toBe(10);
    const refusals = log.filter((e) => e.type === 'connection.refused');
    expect(refusals).toHaveLength(10);
    expect(refusals[0]).toMatchObject({ reason: 'max-connections', address: '127.0.0.1' });
    expect(refusals[0]?.type === 'connection.refused' && refusals[0].error).toBe(
      'connection from 127.0.0.1 refused: over the limit of 30 open connections',
    );
    // A well-behaved client gets in as soon as room is made.
    for (const s of open.slice(0, 5)) s.destroy();
    await expect.poll(() => broker.openConnections).toBe(25);
    const client = await mqtt.connectAsync(broker.url, { clientId: 'after-flood', reconnectPeriod: 0 });
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('refuses new connections from one address past its rate per second', async () => {
    const broker = await EmbeddedBroker.start({ limits: { connectionsPerAddressPerSecond: 5 } });
    brokers.push(broker);
    const { closedByBroker } = await idleConnections(broker.port, 12);
    // All 12 arrive within a second or two: at least the first second's extra ones are refused.
    expect(closedByBroker).toBeGreaterThanOrEqual(2);
    expect(broker.stats.refused.rate).toBe(closedByBroker);
  });

  it('caps connections below the descriptor limit by default, so a flood is refused before it exhausts descriptors', () => {
    const limit = descriptorLimit();
    expect(limit).toBeDefined();
    expect(DEFAULT_BROKER_LIMITS.maxConnections).toBeLessThan(limit!);
    expect(DEFAULT_BROKER_LIMITS.maxConnections).toBeGreaterThan(limit! / 2);
  });
});
