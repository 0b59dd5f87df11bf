import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectClient, whenConnected } from '../../net/client.ts';
import { EmbeddedBroker } from '../../net/broker.ts';
import { encodeEnvelope } from '../../net/envelope.ts';
import { TrafficMonitor } from './monitor.ts';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('TrafficMonitor', () => {
  it('watches a device on a real broker, decodes envelopes, counts per channel, and follows a new filter', async () => {
    const broker = await EmbeddedBroker.start({ port: 0 });
    closers.push(() => broker.close());
    let wall = 0;
    const monitor = new TrafficMonitor(broker.url, 'medtwin/site/icu/cgm/cgm-001/#', { now: () => wall, clientId: 'traffic-test' });
    closers.push(() => monitor.stop());
    await monitor.start();
    const device = connectClient({ url: broker.url, identity: { clientId: 'cgm-001' } });
    closers.push(() => device.endAsync());
    await whenConnected(device);
    const body = (seq: number) =>
      encodeEnvelope({ v: 1, device: 'cgm-001', kind: 'cgm', seq, t: seq * 300_000, body: { glucose: 100 + seq } });
    for (let seq = 1; seq <= 3; seq++) await device.publishAsync('medtwin/site/icu/cgm/cgm-001/telemetry', body(seq));
    await device.publishAsync('medtwin/site/icu/cgm/cgm-001/telemetry', 'not json');
    await device.publishAsync('medtwin/site/icu/cgm/cgm-002/telemetry', body(1)); // another device: not watched
    await vi.waitFor(() => expect(monitor.messages()).toHaveLength(4));
    const [first] = monitor.messages();
    expect(first).toMatchObject({ channel: 'telemetry', device: 'cgm-001', envelope: { seq: 1, body: { glucose: 101 } } });
    expect(monitor.messages()[3]).toMatchObject({ envelope: undefined, raw: 'not json', error: 'payload is not JSON' });
    // 4 in the last 5 wall seconds; 3 envelopes 5 simulated minutes apart: 2 per 600 s.
    expect(monitor.rates()).toEqual([{ channel: 'telemetry', total: 4, perSecond: 0.8, perSimSecond: 2 / 600 }]);
    wall = 10_000;
    expect(monitor.rates()[0]!.perSecond).toBe(0);

    await monitor.setFilter('medtwin/site/icu/cgm/cgm-002/#');
    expect(monitor.messages()).toHaveLength(0);
    await device.publishAsync('medtwin/site/icu/cgm/cgm-002/telemetry', body(2));
    await vi.waitFor(() => expect(monitor.messages().map((m) => m.device)).toEqual(['cgm-002']));
  });
});
