import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from './broker.ts';

/**
 * The stack overflow that killed the broker when a 10,000-device fleet shut down (docs/broker.md#bursts):
 * a slow subscriber holds every delivery slot, thousands of messages nobody subscribes to queue up
 * behind it, and aedes' mqemitter drained that queue by recursion. Fails with
 * `RangeError: Maximum call stack size exceeded` against aedes' own emitter.
 */
const brokers: EmbeddedBroker[] = [];
const clients: MqttClient[] = [];
const crashes: Error[] = [];
const onCrash = (error: Error) => crashes.push(error);

afterEach(async () => {
  process.off('uncaughtException', onCrash);
  crashes.length = 0;
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

async function start(): Promise<EmbeddedBroker> {
  process.on('uncaughtException', onCrash);
  const broker = await EmbeddedBroker.start();
  brokers.push(broker);
  return broker;
}

async function connect(broker: EmbeddedBroker, clientId: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(broker.url, { clientId, reconnectPeriod: 0 });
  clients.push(client);
  return client;
}

/** Messages aedes is routing now (its message emitter's count). */
function inDelivery(broker: EmbeddedBroker): number {
  return (broker.aedes as unknown as { mq: { current: number } }).mq.current;
}

/** Resolves once `condition` holds, polling; rejects if the broker crashed meanwhile. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (crashes.length > 0) throw crashes[0];
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/**
 * A twin-like subscriber to the whole site that stops reading: once its socket is full, aedes keeps
 * each message to it "in delivery" until the socket drains, and 200 large messages fill every slot.
 */
async function stallSubscriber(broker: EmbeddedBroker): Promise<{ resume(): void; received(): number }> {
  const twin = await connect(broker, 'twin');
  await twin.subscribeAsync('medtwin/site/#', { qos: 0 });
  let received = 0;
  twin.on('message', () => received++);
  twin.stream.pause();
  const publisher = await connect(broker, 'flood-source');
  const big = Buffer.alloc(64 * 1024, 1);
  for (let i = 0; i < 200; i++) publisher.publish('medtwin/site/icu/monitor/m-1/telemetry', big, { qos: 0 });
  await until(() => inDelivery(broker) >= broker.limits.deliveryConcurrency, 'the slow subscriber to hold every delivery slot');
  return { resume: () => twin.stream.resume(), received: () => received };
}

/** The broker still routes: a new client can connect and get its own message back. */
async function expectServing(broker: EmbeddedBroker): Promise<void> {
  const probe = await connect(broker, 'probe');
  await probe.subscribeAsync('probe/echo', { qos: 1 });
  const echoed = new Promise<string>((resolve) => probe.on('message', (_t, payload) => resolve(payload.toString())));
  await probe.publishAsync('probe/echo', 'still here', { qos: 1 });
  expect(await echoed).toBe('still here');
}

describe('EmbeddedBroker under bursts', () => {
  it('survives thousands of clients disconnecting while a subscriber is slow', async () => {
    const broker = await start();
    const fleet: MqttClient[] = [];
    for (let i = 0; i < 2500; i += 250) {
      const batch = Array.from({ length: 250 }, async (_, j) => {
        const device = await connect(broker, `dev-${i + j}`);
        await device.subscribeAsync(`medtwin/site/ward/monitor/dev-${i + j}/cmd`, { qos: 1 });
        return device;
      });
      fleet.push(...(await Promise.all(batch)));
    }
    const twin = await stallSubscriber(broker);
    // Each disconnect queues aedes' `$SYS/…/new/unsubscribes` (it had a subscription) and
    // `…/disconnect/clients` notices, which nobody subscribes to: 5,000 messages behind the stalled twin.
    await Promise.all(fleet.map((client) => client.endAsync()));
    await until(() => broker.stats.connections === 2, 'the fleet to disconnect');
    twin.resume();
    await until(() => twin.received() === 200, 'the twin to get its 200 messages');
    await expectServing(broker);
    expect(crashes).toEqual([]);
  });
});
