import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { quiet, until } from '../../test/helpers/until.ts';
import { EmbeddedBroker } from './broker.ts';
import { closeClient, connectClient, whenConnected } from './client.ts';
import { DeliveryLedger } from './delivery-ledger.ts';
import { encodeEnvelope } from './envelope.ts';
import { RestartAccount } from './restart-account.ts';
import { indexedMemoryPersistence } from './retained-index.ts';
import { CHANNELS, channelTopic, siteFilter } from './topics.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function connect(url: string, clientId: string, clean: boolean): MqttClient {
  const client = connectClient({ url, identity: { clientId }, extra: { clean, reconnectPeriod: 0 } });
  client.on('error', () => {});
  cleanup.push(() => closeClient(client, 200));
  return client;
}

/** Where a persistence waits for the station once `holding` is set (`reached` then), until released. */
function stationGate() {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const gate = {
    holding: false,
    reached: false,
    async pass(clientId: string): Promise<void> {
      if (!gate.holding || clientId !== 'station') return;
      gate.reached = true;
      await held;
    },
  };
  cleanup.push(async () => release());
  return gate;
}

/** A broker on `persistence` followed by a RestartAccount, after a stop: the station's persistent session, subscribed to site s, is away. */
async function stationAway(persistence: object) {
  const broker = await EmbeddedBroker.start({ port: 0, persistence: persistence as never });
  cleanup.push(() => broker.close());
  const ledger = new DeliveryLedger();
  const account = new RestartAccount({ ledger, stationId: () => 'station', now: () => 0, onChange: () => {} });
  account.attach(broker.aedes);
  const first = connect(broker.url, 'station', false);
  await whenConnected(first);
  await first.subscribeAsync(siteFilter('s'), { qos: 1 });
  await closeClient(first);
  account.stopped();
  return { broker, ledger, account };
}

describe('RestartAccount', () => {
  it('books nothing lost that the broker handed to the returning station before writing out its queue', async () => {
    // The broker writes a returning persistent session's queue out after its CONNACK and only then
    // calls the client connected; with Redis that takes wall time. Here the queue is held open.
    const persistence = indexedMemoryPersistence() as unknown as { outgoingStream(client: { id: string }): AsyncIterable<unknown> };
    const outgoing = persistence.outgoingStream.bind(persistence);
    const gate = stationGate();
    persistence.outgoingStream = (client) => {
      const queue = outgoing(client);
      if (!gate.holding || client.id !== 'station') return queue;
      return (async function* () {
        await gate.pass(client.id);
        yield* queue;
      })();
    };
    const { broker, ledger, account } = await stationAway(persistence);

    gate.holding = true;
    const station = connect(broker.url, 'station', false);
    const received: string[] = [];
    station.on('message', (topic) => received.push(topic));
    await whenConnected(station);
    const aedesClient = (broker.aedes as unknown as { clients: Record<string, { connected: boolean }> }).clients.station;
    expect(aedesClient?.connected).toBe(false);

    const device = connect(broker.url, 'mon-001', true);
    await whenConnected(device);
    const topic = channelTopic({ site: 's', zone: 'icu', kind: 'patient-monitor', deviceId: 'mon-001' }, CHANNELS.telemetry);
    ledger.published('mon-001', CHANNELS.telemetry, 1, 0);
    device.publish(topic, encodeEnvelope({ v: 1, device: 'mon-001', kind: 'patient-monitor', seq: 1, t: 0, body: {} }), { qos: 0 });
    await until(() => received.length === 1, 'the station to get the reading');
    // The broker finishes the publish after handing it over: give it the turn to (not) book it.
    await quiet(50);
    expect(account.lost).toBe(0);
    expect(ledger.account('mon-001')?.channels.get(CHANNELS.telemetry)?.fate(1)).toEqual({ state: 'in-flight' });
  });
  it("holds for the station's session a QoS 1 message the broker had for it when its connection closed before the CONNACK", async () => {
    // The broker restores a persistent session's subscriptions before its CONNACK, and holds what they
    // deliver until the CONNACK is written (connack-first.ts); a connection that closes first never gets
    // it, and the message waits in the session's queue. Here the CONNACK is held back (the will's store
    // waits) and the station's socket dies.
    const persistence = indexedMemoryPersistence() as unknown as { delWill(client: { id: string }): Promise<unknown> };
    const delWill = persistence.delWill.bind(persistence);
    const gate = stationGate();
    persistence.delWill = async (client) => {
      await gate.pass(client.id);
      return delWill(client);
    };
    const { broker, ledger, account } = await stationAway(persistence);
    // What the broker hands the station's connection, seen outside RestartAccount's own wrap.
    let handed = 0;
    const preConnect = broker.aedes.preConnect;
    broker.aedes.preConnect = (client, packet, callback) => {
      preConnect.call(broker.aedes, client, packet, callback);
      if (packet.clientId !== 'station') return;
      const internals = client as unknown as { deliverQoS: (p: unknown, cb: () => void) => void };
      const deliverQoS = internals.deliverQoS;
      internals.deliverQoS = (p, cb) => {
        handed++;
        deliverQoS(p, cb);
      };
    };

    gate.holding = true;
    const station = connect(broker.url, 'station', false);
    const device = connect(broker.url, 'mon-001', true);
    await whenConnected(device);
    // The broker has restored the station's subscription and waits on the will's store.
    await until(() => gate.reached, "the broker to restore the station's session");
    const topic = channelTopic({ site: 's', zone: 'icu', kind: 'patient-monitor', deviceId: 'mon-001' }, CHANNELS.alarm);
    ledger.published('mon-001', CHANNELS.alarm, 1, 0);
    device.publish(topic, encodeEnvelope({ v: 1, device: 'mon-001', kind: 'patient-monitor', seq: 1, t: 0, body: {} }), { qos: 1 });
    await until(() => handed === 1, 'the broker to hand the alarm to the station before its CONNACK');
    station.stream.destroy();
    await until(() => account.held === 1, 'the alarm to be held for the station');
    expect(account.lost).toBe(0);
    expect(ledger.account('mon-001')?.channels.get(CHANNELS.alarm)?.fate(1)).toEqual({ state: 'in-flight' });
  });
  it('books lost a reading the broker routes to a station connection already destroyed, before it hears the close', async () => {
    const { broker, ledger, account } = await stationAway(indexedMemoryPersistence());
    const station = connect(broker.url, 'station', false);
    await whenConnected(station);
    const topic = channelTopic({ site: 's', zone: 'icu', kind: 'patient-monitor', deviceId: 'mon-001' }, CHANNELS.telemetry);
    ledger.published('mon-001', CHANNELS.telemetry, 1, 0);
    // The station's socket dies; aedes hears the close on a later tick, its subscription still in place.
    const aedes = broker.aedes as unknown as {
      clients: Record<string, { conn: { destroy(): void } }>;
      publish(packet: object, client: object, done: () => void): void;
    };
    aedes.clients.station!.conn.destroy();
    let done = false;
    const payload = encodeEnvelope({ v: 1, device: 'mon-001', kind: 'patient-monitor', seq: 1, t: 0, body: {} });
    aedes.publish({ cmd: 'publish', topic, payload, qos: 0, retain: false, dup: false }, { id: 'mon-001' }, () => (done = true));
    await until(() => done, 'the broker to finish the publish');
    expect(account.lost).toBe(1);
    expect(ledger.account('mon-001')?.channels.get(CHANNELS.telemetry)?.fate(1)).toEqual({ state: 'lost', reason: 'broker:restart' });
  });
});
