import { connect as tcpConnect, type Socket } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connect, loginAs, messagesUntil, type SecureBroker, startSecureBroker, topicOf } from '../helpers/secure-broker.ts';

/** Talks raw MQTT 3.1.1 to the broker: sends bytes exactly as given and parses what comes back. */
async function rawSession(port: number, packets: Packet[]): Promise<{ received: Packet[]; closed: Promise<void>; socket: Socket }> {
  const socket = tcpConnect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const received: Packet[] = [];
  parser.on('packet', (p) => received.push(p));
  socket.on('data', (chunk) => parser.parse(chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  // One write: a pipelining client sends its CONNECT and what follows before any CONNACK.
  socket.write(Buffer.concat(packets.map((p) => mqttPacket.generate(p))));
  return { received, closed, socket };
}

const CONNECT = { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 30 } as const;

/**
 * MQTT 3.1.1's normative statements on a refused CONNECT and on SUBACK, checked on the wire against
 * the embedded broker with the baseline controls.
 */
describe('CONNECT and SUBACK conformance under the security controls', () => {
  let sb: SecureBroker;
  const opened: MqttClient[] = [];
  beforeAll(async () => {
    sb = await startSecureBroker('baseline', { tls: false });
  });
  afterEach(() => closeAll(opened));
  afterAll(() => sb.close());

  it('a refused CONNECT gets CONNACK 5 with session present 0, the connection closes, and nothing sent after it is processed', async () => {
    const twin = await connect(sb.broker.url, loginAs(sb.identities.twin), opened);
    await twin.subscribeAsync('medtwin/general-hospital/#', { qos: 1 });
    const saw = messagesUntil(twin, topicOf('pump-001', 'telemetry'));
    const session = await rawSession(sb.broker.port, [
      { ...CONNECT, clientId: 'medtwin-pump-002', username: 'medtwin-pump-002', password: Buffer.from('wrong') },
      {
        cmd: 'publish',
        topic: topicOf('pump-002', 'telemetry'),
        payload: Buffer.from('sent after a refused CONNECT'),
        qos: 0,
        retain: false,
        dup: false,
      },
    ]);
    await session.closed;
    // [MQTT-3.2.2-4] session present 0 with a non-zero code; [MQTT-3.2.2-5] then the connection closes.
    expect(session.received).toEqual([expect.objectContaining({ cmd: 'connack', returnCode: 5, sessionPresent: false })]);
    // [MQTT-3.1.4-5]: no data after a refused CONNECT is processed.
    const pump = await connect(sb.broker.url, loginAs(sb.identities.device('pump-001')!), opened);
    await pump.publishAsync(topicOf('pump-001', 'telemetry'), 'marker', { qos: 1 });
    expect((await saw).map((m) => m.topic)).toEqual([topicOf('pump-001', 'telemetry')]);
  });

  it('SUBACK carries one return code per filter, in order, 0x80 for each refused one [MQTT-3.8.4-5, MQTT-3.9.3-1]', async () => {
    const pump = sb.identities.device('pump-001')!;
    const own = topicOf('pump-001', 'cmd');
    const session = await rawSession(sb.broker.port, [
      { ...CONNECT, clientId: pump.clientId, username: pump.username, password: Buffer.from(pump.password.reveal()) },
      {
        cmd: 'subscribe',
        messageId: 7,
        subscriptions: [
          { topic: '#', qos: 0 },
          { topic: own, qos: 1 },
          { topic: topicOf('pump-002', 'cmd'), qos: 1 },
        ],
      },
    ]);
    await expect.poll(() => session.received.map((p) => p.cmd)).toEqual(['connack', 'suback']);
    expect(session.received[1]).toMatchObject({ cmd: 'suback', messageId: 7, granted: [128, 1, 128] });
    session.socket.destroy();
  });

  // Known gap, not fixed here: aedes 1.2.0 de-duplicates the filters of a SUBSCRIBE before answering
  // (lib/handlers/subscribe.js, _dedupe), so a filter given twice gets one code, not the one per
  // filter [MQTT-3.8.4-5] requires. No hook reaches it; it needs a change in aedes or the broker's
  // packet handling (the broker-conformance work). This test turns red when that is fixed.
  it.fails('SUBACK answers a filter given twice with two return codes [MQTT-3.8.4-5]', async () => {
    const pump = sb.identities.device('pump-001')!;
    const own = topicOf('pump-001', 'cmd');
    const session = await rawSession(sb.broker.port, [
      { ...CONNECT, clientId: pump.clientId, username: pump.username, password: Buffer.from(pump.password.reveal()) },
      {
        cmd: 'subscribe',
        messageId: 8,
        subscriptions: [
          { topic: own, qos: 0 },
          { topic: '#', qos: 0 },
          { topic: own, qos: 1 },
        ],
      },
    ]);
    await expect.poll(() => session.received.map((p) => p.cmd)).toEqual(['connack', 'suback']);
    expect(session.received[1]).toMatchObject({ cmd: 'suback', messageId: 8, granted: [1, 128, 1] });
    session.socket.destroy();
  });
});
