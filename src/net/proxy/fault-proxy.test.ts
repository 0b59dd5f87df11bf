import { describe, expect, it } from 'vitest';
import { proxyFixture } from '../../../test/helpers/proxy-fixture.ts';
import { quiet, until } from '../../../test/helpers/until.ts';
import { SimClock } from '../../core/clock.ts';
import { Rng } from '../../core/rng.ts';
import { closeClient, connectClient } from '../client.ts';
import type { FaultProxyOptions } from './fault-proxy.ts';

const fx = proxyFixture();
const proxy = (clock = new SimClock(), extra: Partial<FaultProxyOptions> = {}) => fx.proxy({ ...extra, clock });
const client = (url: string, clientId: string, extra: Parameters<typeof fx.client>[2] = {}) => fx.client(url, clientId, extra);
const subscriber = (filter: string, clientId = 'sub') => fx.subscriber(filter, clientId);
let tagRuns = 0;

describe('FaultProxy without faults', () => {
  it('carries MQTT both ways and accounts every byte', async () => {
    const { proxy: p } = await proxy();
    const sub = await subscriber('t/#');
    const pub = await client(p.url, 'dev-1');
    // A command down to the device through the proxy too.
    const commands: string[] = [];
    pub.on('message', (_t, payload) => commands.push(payload.toString()));
    await pub.subscribeAsync('cmd/dev-1', { qos: 1 });
    for (let i = 0; i < 20; i++) pub.publish('t/a', `m${i}`, { qos: i % 2 === 0 ? 0 : 1 });
    await until(() => sub.received.length === 20, '20 messages');
    await sub.client.publishAsync('cmd/dev-1', 'stop', { qos: 1 });
    await until(() => commands.length === 1, 'the command');
    // (aedes routes QoS 0 and QoS 1 on separate paths, so only each QoS keeps its order.)
    expect(sub.received.map((m) => m.payload).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
    const account = p.account();
    expect(account.accepted).toBe(1);
    expect(account.upstream.bytes.in).toBe(account.upstream.bytes.out);
    expect(account.downstream.bytes.in).toBe(account.downstream.bytes.out);
    expect(account.upstream.bytes.dropped + account.upstream.bytes.held).toBe(0);
    expect(p.connections()[0]?.clientId).toBe('dev-1');
  });
});

describe('byte-level toxics', () => {
  it('latency holds each packet for its delay on the proxy clock, and keeps their order', async () => {
    const { proxy: p, clock, events } = await proxy();
    const sub = await subscriber('lat/#');
    const pub = await client(p.url, 'dev-lat');
    p.addToxic({ type: 'latency', direction: 'upstream', params: { latency: '2s', jitter: '500ms' } });
    for (let i = 0; i < 5; i++) pub.publish('lat/x', `m${i}`, { qos: 0 });
    await until(() => events.filter((e) => e.type === 'publish' && e.fate === 'delayed').length === 5, 'the proxy to hold 5 publishes');
    await quiet();
    expect(sub.received).toEqual([]);
    expect(p.account().upstream.bytes.held).toBeGreaterThan(0);
    const delays = events.flatMap((e) => (e.type === 'publish' && e.fate === 'delayed' ? [e.delayMs!] : []));
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(1500);
    clock.advance(1499);
    await quiet();
    expect(sub.received).toEqual([]);
    clock.advance(1001);
    await until(() => sub.received.length === 5, 'the 5 publishes after 2.5 s of proxy time');
    expect(sub.received.map((m) => m.payload)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(events.filter((e) => e.type === 'publish' && e.fate === 'released')).toHaveLength(5);
  });

  it('with tag timing, latency passes packets at once and reports each one’s seeded delay for the ledger', async () => {
    const delaysOf = async (seed: number) => {
      const { proxy: p } = await fx.proxy({ name: 'zone:tag', rng: new Rng(seed), timing: 'tag' });
      const delays: number[] = [];
      p.onEvent((e) => e.type === 'publish' && e.fate === 'delayed' && delays.push(e.delayMs!));
      const sub = await subscriber('tag/#', `sub-tag-${seed}-${tagRuns++}`);
      const pub = await client(p.url, 'dev-tag');
      p.addToxic({ type: 'latency', direction: 'upstream', params: { latency: '2s', jitter: '500ms' } });
      for (let i = 0; i < 10; i++) pub.publish('tag/x', `m${i}`, { qos: 0 });
      // No clock advance: nothing is held.
      await until(() => sub.received.length === 10, 'the 10 publishes, untouched in time');
      expect(sub.received.map((m) => m.payload)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
      expect(p.account().upstream.bytes.held).toBe(0);
      await closeClient(pub, 200);
      return delays;
    };
    const delays = await delaysOf(3);
    expect(delays).toHaveLength(10);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(1500);
      expect(d).toBeLessThanOrEqual(2500);
      expect(Number.isInteger(d)).toBe(true);
    }
    // Each packet's own delay, drawn from a stream keyed by what it carries (not queued behind the one
    // before: in fast mode every packet of a settle window reads the same "now").
    expect(new Set(delays).size).toBeGreaterThan(5);
    expect(await delaysOf(3)).toEqual(delays);
    expect(await delaysOf(4)).not.toEqual(delays);
  });

  it('bandwidth spaces packets by their size over the rate', async () => {
    const { proxy: p, clock } = await proxy();
    const sub = await subscriber('bw/#');
    const pub = await client(p.url, 'dev-bw');
    p.addToxic({ type: 'bandwidth', direction: 'upstream', params: { rate: 1 } }); // 1 KiB/s
    for (let i = 0; i < 3; i++) pub.publish('bw/x', Buffer.alloc(1000, 65), { qos: 0 });
    await until(() => p.account().upstream.bytes.held >= 3000, 'three 1 kB packets held');
    clock.advance(1000); // the first (~1,010 bytes) needs ~986 ms of wire time
    await until(() => sub.received.length === 1, 'the first packet');
    clock.advance(1000);
    await until(() => sub.received.length === 2, 'the second packet');
    await quiet();
    expect(sub.received).toHaveLength(2);
    clock.advance(1000);
    await until(() => sub.received.length === 3, 'the third packet');
  });

  it('timeout (blackhole) swallows bytes, keeps the connection up, and passes traffic again once removed', async () => {
    const { proxy: p, events } = await proxy();
    const sub = await subscriber('bh/#');
    const pub = await client(p.url, 'dev-bh');
    p.addToxic({ type: 'timeout', name: 'wifi', direction: 'both' });
    for (let i = 0; i < 4; i++) pub.publish('bh/x', `lost${i}`, { qos: 0 });
    await until(() => p.account().upstream.publishes.dropped === 4, '4 swallowed publishes');
    await quiet();
    expect(sub.received).toEqual([]);
    expect(pub.connected).toBe(true);
    expect(p.connections()[0]?.open).toBe(true);
    expect(events.filter((e) => e.type === 'publish' && e.fate === 'dropped').map((e) => (e as { topic: string }).topic)).toEqual([
      'bh/x',
      'bh/x',
      'bh/x',
      'bh/x',
    ]);
    p.removeToxic('wifi');
    pub.publish('bh/x', 'after', { qos: 0 });
    await until(() => sub.received.length === 1, 'the publish after the outage');
    expect(sub.received[0]!.payload).toBe('after');
  });

  it('a holding blackhole delivers what it held, in order, when the fault ends', async () => {
    const { proxy: p } = await proxy();
    const sub = await subscriber('hold/#');
    const pub = await client(p.url, 'dev-hold');
    p.addToxic({ type: 'timeout', name: 'ap', direction: 'upstream', params: { hold: true } });
    for (let i = 0; i < 3; i++) pub.publish('hold/x', `h${i}`, { qos: 0 });
    await until(() => p.account().upstream.publishes.delayed === 3, '3 held publishes');
    p.removeToxic('ap');
    await until(() => sub.received.length === 3, 'the held publishes');
    expect(sub.received.map((m) => m.payload)).toEqual(['h0', 'h1', 'h2']);
    expect(p.account().upstream.bytes.dropped).toBe(0);
  });

  it('a downstream blackhole that hid the broker’s close closes the connection for good when it ends', async () => {
    // The client gives up (its FIN passes upstream), the broker closes back, and the blackhole swallows
    // that FIN. When the fault ends the proxy passes the FIN on and then resets the half-open client
    // side in the same turn: Node 20's resetAndDestroy() refuses a socket whose end() is in flight yet
    // marks it closing, so the socket never closed and the process spun at exit (issue 15).
    const { proxy: p, events } = await proxy();
    const pub = await client(p.url, 'dev-mute');
    p.addToxic({ type: 'timeout', name: 'mute', direction: 'downstream' });
    let gone = false;
    fx.broker().aedes.on('clientDisconnect', (c) => (gone ||= c.id === 'dev-mute'));
    pub.stream.end();
    await until(() => gone, 'the broker to see the client go');
    await quiet();
    expect(p.connections()).toHaveLength(1);
    p.removeToxic('mute');
    await until(() => p.connections().length === 0, 'the proxy to close the connection');
    expect(events.filter((e) => e.type === 'connection.closed')).toHaveLength(1);
  });

  it('down resets every connection and refuses new ones until it is up again', async () => {
    const { proxy: p } = await proxy();
    const pub = await client(p.url, 'dev-down');
    const closed = new Promise<void>((resolve) => pub.once('close', () => resolve()));
    p.setDown(true);
    await closed;
    const second = connectClient({ url: p.url, identity: { clientId: 'dev-down-2' }, extra: { reconnectPeriod: 0 } });
    second.on('error', () => {});
    fx.track(second);
    await until(() => p.account().refused === 1, 'a refused connection');
    expect(second.connected).toBe(false);
    p.setDown(false);
    const third = await client(p.url, 'dev-down-3');
    expect(third.connected).toBe(true);
    expect(p.account().reset).toBe(1);
  });

  it('reset_peer resets the connection after its timeout on the proxy clock', async () => {
    const { proxy: p, clock } = await proxy();
    const pub = await client(p.url, 'dev-rst');
    let error: NodeJS.ErrnoException | undefined;
    pub.stream.on('error', (e) => (error = e));
    p.addToxic({ type: 'reset_peer', direction: 'both', params: { timeout: '10s' } });
    clock.advance(9_999);
    await quiet();
    expect(pub.connected).toBe(true);
    clock.advance(1);
    await until(() => !pub.connected, 'the reset');
    expect(error?.code).toBe('ECONNRESET');
  });

  it('slow_close holds the client’s FIN back from the broker for its delay', async () => {
    const { proxy: p, clock } = await proxy();
    const pub = await client(p.url, 'dev-slow');
    p.addToxic({ type: 'slow_close', direction: 'upstream', params: { delay: '30s' } });
    let gone = false;
    fx.broker().aedes.on('clientDisconnect', (c) => (gone ||= c.id === 'dev-slow'));
    pub.stream.end();
    await quiet(100);
    expect(gone).toBe(false);
    clock.advance(30_000);
    await until(() => gone, 'the broker to see the close');
  });

  it('slicer delivers the same bytes in small pieces', async () => {
    const { proxy: p } = await proxy();
    const sub = await subscriber('sl/#');
    const pub = await client(p.url, 'dev-slice');
    p.addToxic({ type: 'slicer', direction: 'both', params: { averageSize: 3, sizeVariation: 2 } });
    const payload = 'x'.repeat(500);
    await pub.publishAsync('sl/x', payload, { qos: 1 });
    await until(() => sub.received.length === 1, 'the sliced message');
    expect(sub.received[0]!.payload).toBe(payload);
  });

  it('limit_data closes the connection once its bytes have passed', async () => {
    const { proxy: p } = await proxy();
    const sub = await subscriber('lim/#');
    const pub = await client(p.url, 'dev-limit');
    p.addToxic({ type: 'limit_data', direction: 'upstream', params: { bytes: 200 } });
    for (let i = 0; i < 10; i++) pub.publish('lim/x', 'y'.repeat(40), { qos: 0 });
    await until(() => !pub.connected, 'the connection to close');
    expect(p.account().upstream.bytes.out - p.connections().length).toBeLessThanOrEqual(200 + 100); // CONNECT passed before the toxic
    expect(sub.received.length).toBeLessThan(10);
  });

  it('toxicity 0 leaves every connection alone', async () => {
    const { proxy: p } = await proxy();
    const sub = await subscriber('tox/#');
    p.addToxic({ type: 'timeout', direction: 'both', toxicity: 0 });
    const pub = await client(p.url, 'dev-tox');
    pub.publish('tox/x', 'through', { qos: 0 });
    await until(() => sub.received.length === 1, 'the message');
  });
});

describe('parameters', () => {
  it('are checked, with every problem named', async () => {
    const { proxy: p } = await proxy();
    expect(() => p.addToxic({ type: 'latency', params: { latency: -5 } })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: params.latency: expected a duration like "30s", "5m" or "1h30m", received -5 (latency)]`,
    );
    expect(() => p.addToxic({ type: 'mqtt', params: { action: 'drop', probability: 1.5 } })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: params.probability: Too big: expected number to be <=1, received 1.5 (mqtt)]`,
    );
    expect(() => p.addToxic({ type: 'latencyy' as never })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: unknown toxic "latencyy" — did you mean "latency"?; known: latency, bandwidth, timeout, reset_peer, slow_close, slicer, limit_data, mqtt]`,
    );
    expect(() => p.addToxic({ type: 'timeout', toxicity: 2 })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: toxicity: expected a fraction from 0 to 1, received 2]`,
    );
    expect(() => p.addToxic({ type: 'slicer', params: { averageSize: 4, sizeVariation: 4 } })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: params.sizeVariation: sizeVariation must be smaller than averageSize, received 4 (slicer)]`,
    );
  });
});
