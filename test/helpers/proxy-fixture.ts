import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { SimClock } from '../../src/core/clock.ts';
import { Rng } from '../../src/core/rng.ts';
import { EmbeddedBroker } from '../../src/net/broker.ts';
import { closeClient, connectClient, whenConnected } from '../../src/net/client.ts';
import type { ProxyEvent } from '../../src/net/proxy/accounting.ts';
import { FaultProxy, type FaultProxyOptions } from '../../src/net/proxy/fault-proxy.ts';

export interface Received {
  topic: string;
  payload: string;
  qos: number;
  dup: boolean;
}

/**
 * A real aedes for a test file (started before, closed after), and helpers that open fault proxies in
 * front of it and mqtt.js clients, all closed after each test.
 */
export function proxyFixture() {
  let broker: EmbeddedBroker | undefined;
  const proxies: FaultProxy[] = [];
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    broker = await EmbeddedBroker.start();
  });
  afterAll(async () => {
    await broker?.close();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => closeClient(c, 200)));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });
  const theBroker = () => {
    if (!broker) throw new Error('the fixture broker starts in beforeAll');
    return broker;
  };

  return {
    broker: theBroker,
    /** A proxy on a fresh SimClock (seed 42 unless given), recording its events. */
    async proxy(options: Partial<FaultProxyOptions> = {}) {
      const clock = options.clock instanceof SimClock ? options.clock : new SimClock();
      const b = theBroker();
      const proxy = await FaultProxy.start({
        name: 'zone:test',
        upstream: { host: b.host, port: b.port },
        rng: new Rng(42),
        ...options,
        clock,
      });
      proxies.push(proxy);
      const events: ProxyEvent[] = [];
      proxy.onEvent((e) => events.push(e));
      return { proxy, clock, events };
    },
    /** A connected mqtt.js client (no automatic reconnect), with an optional last will saying "lost". */
    async client(url: string, clientId: string, extra: Parameters<typeof connectClient>[0]['extra'] = {}, will?: { topic: string }) {
      const c = connectClient({
        url,
        identity: { clientId },
        extra: { reconnectPeriod: 0, ...extra },
        ...(will ? { will: { topic: will.topic, payload: Buffer.from('lost'), qos: 1 as const, retain: false } } : {}),
      });
      c.on('error', () => {});
      clients.push(c);
      await whenConnected(c, 5000);
      return c;
    },
    /** A client straight on the broker, subscribed at QoS 1 to `filter`, collecting what it receives. */
    async subscriber(filter: string, clientId: string) {
      const c = await this.client(theBroker().url, clientId);
      const received: Received[] = [];
      c.on('message', (topic, payload, packet) => received.push({ topic, payload: payload.toString(), qos: packet.qos, dup: packet.dup }));
      await c.subscribeAsync(filter, { qos: 1 });
      return { client: c, received };
    },
    /** Tracks a client opened by the test itself, to close after the test. */
    track(c: MqttClient) {
      clients.push(c);
      return c;
    },
  };
}
