import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { proxyFixture } from '../../../test/helpers/proxy-fixture.ts';
import { quiet, until } from '../../../test/helpers/until.ts';
import { SimClock } from '../../core/clock.ts';
import { Rng } from '../../core/rng.ts';
import { closeClient } from '../client.ts';
import { Flapper, flappingParams } from './flapping.ts';

const fx = proxyFixture();
const proxy = (seed: number | string = 42, brokerKeepalive = false) => fx.proxy({ name: 'zone:mqtt', rng: new Rng(seed), brokerKeepalive });
const client = fx.client.bind(fx);
const subscriber = fx.subscriber.bind(fx);

let dropRuns = 0;

/** Publishes n messages at QoS 0 through a fresh proxy with `spec` and returns which ones the proxy dropped. */
async function droppedWith(seed: number, n: number): Promise<string[]> {
  const { proxy: p, events } = await proxy(seed);
  const sub = await subscriber('drop/#', `sub-drop-${seed}-${dropRuns++}`);
  const pub = await client(p.url, 'pump-01');
  p.addToxic({ type: 'mqtt', direction: 'upstream', params: { action: 'drop', topic: 'drop/+/telemetry', probability: 0.3 } });
  for (let i = 0; i < n; i++) pub.publish('drop/pump-01/telemetry', `m${i}`, { qos: 0 });
  pub.publish('drop/pump-01/status', 'status', { qos: 0 }); // does not match the filter
  await until(() => sub.received.length + p.account().upstream.publishes.dropped === n + 1, 'every message delivered or dropped');
  const dropped = events.flatMap((e) => (e.type === 'publish' && e.fate === 'dropped' ? [e.payload.toString()] : []));
  expect(sub.received.map((m) => m.payload)).toContain('status');
  expect(sub.received.length + dropped.length).toBe(n + 1);
  await closeClient(pub, 200);
  await closeClient(sub.client, 200);
  return dropped;
}

describe('MQTT-aware faults', () => {
  it('drop: loses matching PUBLISHes with the given probability, the same ones for the same seed', async () => {
    const first = await droppedWith(7, 200);
    const again = await droppedWith(7, 200);
    const other = await droppedWith(8, 200);
    expect(first.length).toBeGreaterThan(35);
    expect(first.length).toBeLessThan(85);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('duplicate: delivers a QoS 1 PUBLISH twice, the copy flagged DUP', async () => {
    const { proxy: p } = await proxy();
    const sub = await subscriber('dup/#', 'sub-dup');
    const pub = await client(p.url, 'dev-dup');
    p.addToxic({ type: 'mqtt', direction: 'upstream', params: { action: 'duplicate', topic: 'dup/#' } });
    await pub.publishAsync('dup/x', 'once', { qos: 1 });
    await until(() => sub.received.length === 2, 'two copies');
    expect(sub.received.map((m) => m.payload)).toEqual(['once', 'once']);
    expect(p.account().upstream.publishes.duplicated).toBe(1);
  });

  it('downgrade: a QoS 1 PUBLISH reaches subscribers as QoS 0, and the sender still gets its PUBACK', async () => {
    const { proxy: p } = await proxy();
    const sub = await subscriber('dg/#', 'sub-dg');
    const pub = await client(p.url, 'dev-dg');
    p.addToxic({ type: 'mqtt', direction: 'upstream', params: { action: 'downgrade', topic: 'dg/#' } });
    await pub.publishAsync('dg/x', 'alarm', { qos: 1 }); // resolves on the PUBACK the proxy sent
    await until(() => sub.received.length === 1, 'the downgraded message');
    expect(sub.received[0]).toMatchObject({ payload: 'alarm', qos: 0 });
    expect(p.account().upstream.publishes).toMatchObject({ downgraded: 1, acked: 1 });
  });

  it('reorder: a matching PUBLISH is overtaken by the next packet', async () => {
    const { proxy: p } = await proxy();
    const sub = await subscriber('ro/#', 'sub-ro');
    const pub = await client(p.url, 'dev-ro');
    p.addToxic({ type: 'mqtt', direction: 'upstream', params: { action: 'reorder', topic: 'ro/first' } });
    pub.publish('ro/first', '1', { qos: 0 });
    pub.publish('ro/second', '2', { qos: 0 });
    pub.publish('ro/third', '3', { qos: 0 });
    await until(() => sub.received.length === 3, 'three messages');
    expect(sub.received.map((m) => m.payload)).toEqual(['2', '1', '3']);
  });

  it('reorder before a slicer: the held PUBLISH is reported released when its last slice is written', async () => {
    // A release the account never heard of keeps the message parked in the run's ledger, and the
    // fast-mode settle barrier stalled on it (issue 15: reorder + slicer on one zone).
    const { proxy: p, events } = await proxy();
    const sub = await subscriber('rs/#', 'sub-rs');
    const pub = await client(p.url, 'dev-rs');
    p.addToxic({ type: 'mqtt', name: 'multipath', direction: 'upstream', params: { action: 'reorder', topic: 'rs/first' } });
    p.addToxic({ type: 'slicer', name: 'radio', direction: 'upstream', params: { averageSize: 4, sizeVariation: 2 } });
    pub.publish('rs/first', 'held', { qos: 0 });
    pub.publish('rs/second', 'overtakes', { qos: 0 });
    await until(() => sub.received.length === 2, 'both messages');
    expect(sub.received.map((m) => m.payload)).toEqual(['overtakes', 'held']);
    const fates = (topic: string) => events.flatMap((e) => (e.type === 'publish' && e.topic === topic ? [e.fate] : []));
    expect(fates('rs/first')).toEqual(['delayed', 'released']);
    expect(fates('rs/second')).toEqual([]);
  });

  it('reorder added after a slicer still acts on whole PUBLISHes (it goes ahead of the slicer)', async () => {
    // Behind the slicer it saw only fragments and never matched: a scenario's reorder did nothing.
    const { proxy: p, events } = await proxy();
    const sub = await subscriber('sr/#', 'sub-sr');
    const pub = await client(p.url, 'dev-sr');
    p.addToxic({ type: 'slicer', name: 'radio', direction: 'upstream', params: { averageSize: 4, sizeVariation: 2 } });
    p.addToxic({ type: 'mqtt', name: 'multipath', direction: 'upstream', params: { action: 'reorder', topic: 'sr/first' } });
    pub.publish('sr/first', 'held', { qos: 0 });
    pub.publish('sr/second', 'overtakes', { qos: 0 });
    await until(() => sub.received.length === 2, 'both messages');
    expect(sub.received.map((m) => m.payload)).toEqual(['overtakes', 'held']);
    expect(events.flatMap((e) => (e.type === 'publish' && e.topic === 'sr/first' ? [e.fate] : []))).toEqual(['delayed', 'released']);
  });

  it('delay: holds matching PUBLISHes on the proxy clock while the rest pass', async () => {
    const { proxy: p, clock } = await proxy();
    const sub = await subscriber('dl/#', 'sub-dl');
    const pub = await client(p.url, 'dev-dl');
    p.addToxic({ type: 'mqtt', direction: 'downstream', params: { action: 'delay', topic: 'dl/slow', delay: '5m' } });
    const got: string[] = [];
    pub.on('message', (_t, payload) => got.push(payload.toString()));
    await pub.subscribeAsync('dl/#', { qos: 0 });
    await sub.client.publishAsync('dl/slow', 'late', { qos: 0 });
    await sub.client.publishAsync('dl/fast', 'now', { qos: 0 });
    await until(() => got.length === 1, 'the undelayed message');
    expect(got).toEqual(['now']);
    clock.advance(5 * 60_000);
    await until(() => got.length === 2, 'the delayed message after 5 simulated minutes');
    expect(got).toEqual(['now', 'late']);
  });
});

describe('hostile input', () => {
  it('malformed and random bytes never crash the proxy, and other clients keep working', async () => {
    const { proxy: p } = await proxy();
    const sub = await subscriber('ok/#', 'sub-ok');
    p.addToxic({ type: 'mqtt', direction: 'both', params: { action: 'duplicate' } });
    p.addToxic({ type: 'latency', direction: 'upstream', params: { latency: 0 } });
    const rng = new Rng('fuzz');
    const payloads: Buffer[] = [
      Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]), // five length bytes
      Buffer.from([0x32, 0x05, 0x00, 0x09, 0x61, 0x62, 0x63]), // PUBLISH whose topic length overruns it
      Buffer.from([0x10, 0x02, 0x00, 0x00]), // a CONNECT with nothing in it
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      ...Array.from({ length: 30 }, () => Buffer.from(Array.from({ length: rng.int(1, 300) }, () => rng.int(0, 255)))),
    ];
    // A valid CONNECT then garbage: exercises the decoder on "whole" packets that do not decode.
    const connectThenGarbage = Buffer.concat([
      Buffer.from([0x10, 0x10, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x04, 0x66, 0x75, 0x7a, 0x7a]),
      Buffer.from([0x32, 0x03, 0x00, 0x10, 0x00]),
    ]);
    payloads.push(connectThenGarbage);
    await Promise.all(
      payloads.map(
        (bytes) =>
          new Promise<void>((resolve) => {
            const socket = connect(p.port, '127.0.0.1', () => socket.end(bytes));
            socket.on('error', () => resolve());
            socket.on('close', () => resolve());
            socket.resume();
          }),
      ),
    );
    const pub = await client(p.url, 'dev-ok');
    pub.publish('ok/x', 'still here', { qos: 0 });
    await until(() => sub.received.length === 2, 'the message (duplicated)');
    expect(p.account().accepted).toBe(payloads.length + 1);
  });
});

describe('broker keep-alive on the proxy clock', () => {
  it('a blackholed client is dropped by the broker after 1.5 × its keep-alive of proxy time, and its will published', async () => {
    const { proxy: p, clock } = await proxy(42, true);
    const sub = await subscriber('will/#', 'sub-will');
    const device = await client(p.url, 'dev-will', { keepalive: 60 }, { topic: 'will/dev-will' });
    p.addToxic({ type: 'timeout', name: 'ap-down', direction: 'both' });
    clock.advance(89_000);
    await quiet();
    expect(sub.received).toEqual([]);
    clock.advance(1_000);
    await until(() => sub.received.length === 1, 'the last will');
    expect(sub.received[0]).toMatchObject({ topic: 'will/dev-will', payload: 'lost' });
    // The device heard nothing: the blackhole swallowed the broker's side closing.
    expect(device.connected).toBe(true);
    p.removeToxic('ap-down');
    await until(() => !device.connected, 'the device to get its reset once the outage ends');
  });

  it('stays off in realtime mode (the broker keeps its own keep-alive)', async () => {
    const { proxy: p, clock } = await proxy(42, false);
    const sub = await subscriber('will2/#', 'sub-will2');
    await client(p.url, 'dev-will2', { keepalive: 60 }, { topic: 'will2/dev' });
    p.addToxic({ type: 'timeout', direction: 'both' });
    clock.advance(600_000);
    await quiet();
    expect(sub.received).toEqual([]);
  });
});

describe('Flapper', () => {
  it('alternates down and up on the clock with seeded phase lengths, and ends up', () => {
    const schedule = (seed: string) => {
      const clock = new SimClock();
      const changes: [number, boolean][] = [];
      const flapper = new Flapper(flappingParams.parse({ down: '30s', up: '2m' }), clock, new Rng(seed), (down) =>
        changes.push([clock.now(), down]),
      );
      flapper.start();
      clock.advance(15 * 60_000);
      flapper.stop();
      return { changes, outages: flapper.outages };
    };
    const a = schedule('s1');
    expect(a.changes[0]).toEqual([0, true]);
    expect(a.changes.at(-1)![1]).toBe(false);
    for (let i = 1; i < a.changes.length; i++) {
      const length = a.changes[i]![0] - a.changes[i - 1]![0];
      const mean = a.changes[i - 1]![1] ? 30_000 : 120_000;
      if (i < a.changes.length - 1) expect(Math.abs(length - mean)).toBeLessThanOrEqual(mean * 0.5);
    }
    expect(a.outages).toBeGreaterThanOrEqual(4);
    expect(schedule('s1')).toEqual(a);
    expect(schedule('s2')).not.toEqual(a);
  });

  it('drives a proxy: connections are reset while it is down', async () => {
    const { proxy: p, clock } = await proxy();
    const flapper = new Flapper(flappingParams.parse({ down: '10s', up: '10s', spread: 0 }), clock, new Rng(1), (down) => p.setDown(down));
    const device = await client(p.url, 'dev-flap');
    flapper.start();
    await until(() => !device.connected, 'the first outage');
    expect(p.down).toBe(true);
    clock.advance(10_000);
    expect(p.down).toBe(false);
    clock.advance(10_000);
    expect(p.down).toBe(true);
    flapper.stop();
    expect(p.down).toBe(false);
  });
});
