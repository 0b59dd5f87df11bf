import { afterEach, describe, expect, it } from 'vitest';
import { proxyFixture } from '../../test/helpers/proxy-fixture.ts';
import { quiet, until } from '../../test/helpers/until.ts';
import { SimClock } from '../core/clock.ts';
import { EventLog } from '../core/event-log.ts';
import { Rng } from '../core/rng.ts';
import { Injector } from '../inject/injector.ts';
import { NETWORK_FAULTS } from '../inject/network/index.ts';
import { parseFaultParams } from '../inject/params.ts';
import type { InjectionTarget } from '../inject/target.ts';
import { RestartableBroker } from '../net/restartable-broker.ts';
import { type NetworkEvent, RunNetwork, type RunNetworkOptions } from './network-setup.ts';

const fx = proxyFixture();
const DEVICES = [
  { id: 'pump-001', zone: 'icu' },
  { id: 'pump-002', zone: 'icu' },
  { id: 'pump-003', zone: 'ward' },
];
const networks: RunNetwork[] = [];
afterEach(async () => {
  await Promise.all(networks.splice(0).map((n) => n.close()));
});

async function network(extra: Partial<RunNetworkOptions> & { upstream?: { host: string; port: number } } = {}) {
  const clock = new SimClock();
  const b = fx.broker();
  const { upstream, ...rest } = extra;
  const net = new RunNetwork({ clock, rng: new Rng(7).fork('network'), devices: DEVICES, ...rest });
  networks.push(net);
  await net.start(upstream ?? { host: b.host, port: b.port });
  const events: NetworkEvent[] = [];
  net.onEvent((e) => events.push(e));
  const log = new EventLog();
  const injector = new Injector({ clock, log });
  const inject = (fault: keyof typeof NETWORK_FAULTS, target: InjectionTarget | undefined, params: Record<string, unknown> = {}) => {
    if (target === undefined) throw new Error('no such target');
    const definition = NETWORK_FAULTS[fault];
    return injector.apply({ id: fault, fault: definition, params: parseFaultParams(definition, params), targets: [target] });
  };
  return { net, clock, events, log, injector, inject };
}

describe('RunNetwork', () => {
  it('devices reach the broker through their zone’s listener; a zone fault acts on that zone only', async () => {
    const { net, events, inject, injector } = await network();
    const sub = await fx.subscriber('site/#', 'sub-zone');
    const icu = await fx.client(net.urlFor('pump-001'), 'pump-001');
    const ward = await fx.client(net.urlFor('pump-003'), 'pump-003');
    expect(net.urlFor('pump-001')).toBe(net.urlFor('pump-002'));
    expect(net.urlFor('pump-001')).not.toBe(net.urlFor('pump-003'));
    const injections = inject('network.mqtt-drop', net.directory.zone?.('icu'), { topic: 'site/+/telemetry' });
    // Recorded once per device the zone carries.
    expect(injections.map((i) => [i.device, i.target])).toEqual([
      ['pump-001', { kind: 'zone', id: 'icu' }],
      ['pump-002', { kind: 'zone', id: 'icu' }],
    ]);
    icu.publish('site/pump-001/telemetry', 'lost', { qos: 0 });
    icu.publish('site/pump-001/alarm', 'kept', { qos: 1 });
    ward.publish('site/pump-003/telemetry', 'ward', { qos: 0 });
    await until(() => sub.received.length === 2, 'the alarm and the ward telemetry');
    await quiet();
    expect(sub.received.map((m) => m.payload).sort()).toEqual(['kept', 'ward']);
    const dropped = events.filter((e) => e.type === 'publish' && e.fate === 'dropped');
    expect(dropped.map((e) => [e.proxy, e.type === 'publish' && e.topic])).toEqual([['zone:icu', 'site/pump-001/telemetry']]);
    expect(net.accounts()['zone:icu']?.upstream.publishes.dropped).toBe(1);
    // Ending the fault ends the drops.
    injector.revert('network.mqtt-drop');
    icu.publish('site/pump-001/telemetry', 'after', { qos: 0 });
    await until(() => sub.received.some((m) => m.payload === 'after'), 'telemetry after the fault');
  });

  it('a link target is the device’s own listener, in front of its zone’s: link faults hit it alone, zone faults still reach it', async () => {
    const { net, inject, injector } = await network({ ownLinks: ['pump-001'] });
    const sub = await fx.subscriber('site/#', 'sub-link');
    expect(net.urlFor('pump-001')).not.toBe(net.urlFor('pump-002'));
    expect(net.directory.link?.('pump-002')).toBeUndefined();
    const one = await fx.client(net.urlFor('pump-001'), 'pump-001');
    const two = await fx.client(net.urlFor('pump-002'), 'pump-002');
    inject('network.mqtt-drop', net.directory.link?.('pump-001'));
    one.publish('site/pump-001/telemetry', 'one', { qos: 0 });
    two.publish('site/pump-002/telemetry', 'two', { qos: 0 });
    await until(() => sub.received.length === 1, 'pump-002’s message');
    await quiet();
    expect(sub.received.map((m) => m.payload)).toEqual(['two']);
    injector.revert('network.mqtt-drop');
    inject('network.mqtt-drop', net.directory.zone?.('icu'));
    one.publish('site/pump-001/telemetry', 'one-again', { qos: 0 });
    await quiet();
    expect(sub.received.map((m) => m.payload)).toEqual(['two']);
  });

  it('down resets the zone’s connections and refuses new ones until it ends; overlapping downs end with the last', async () => {
    const { net, inject, injector } = await network();
    const icu = await fx.client(net.urlFor('pump-001'), 'pump-001');
    let closed = 0;
    icu.on('close', () => closed++);
    const zone = net.directory.zone?.('icu');
    inject('network.down', zone);
    const second = zone!.setDown();
    await until(() => closed > 0, 'the reset to reach the client');
    await expect(fx.client(net.urlFor('pump-002'), 'pump-002-refused')).rejects.toThrow();
    injector.revert('network.down');
    await expect(fx.client(net.urlFor('pump-002'), 'pump-002-still')).rejects.toThrow();
    second();
    await fx.client(net.urlFor('pump-002'), 'pump-002-back');
    expect(net.accounts()['zone:icu']?.refused).toBeGreaterThanOrEqual(2);
  });

  it('flapping takes the zone down and up at seeded instants of the run’s clock, and ends with it up', async () => {
    const refusalsAt = async (seed: number) => {
      const clock = new SimClock();
      const b = fx.broker();
      const net = new RunNetwork({ clock, rng: new Rng(seed), devices: DEVICES });
      networks.push(net);
      await net.start({ host: b.host, port: b.port });
      const zone = net.directory.zone!('ward')!;
      const stop = NETWORK_FAULTS['network.flapping'].apply(
        zone,
        parseFaultParams(NETWORK_FAULTS['network.flapping'], { down: 10_000, up: 20_000 }) as never,
        { clock, log: new EventLog() },
      );
      const states: boolean[] = [];
      for (let t = 1000; t <= 90_000; t += 1000) {
        clock.advanceTo(t);
        const before = net.accounts()['zone:ward']!.refused;
        await fx.client(net.urlFor('pump-003'), `probe-${seed}-${t}`).catch(() => {});
        states.push(net.accounts()['zone:ward']!.refused > before);
      }
      stop();
      await fx.client(net.urlFor('pump-003'), `after-${seed}`);
      return states;
    };
    const a = await refusalsAt(1);
    expect(a[0]).toBe(true); // starts down
    expect(a.filter((down) => !down).length).toBeGreaterThan(30);
    expect(a.filter((down) => down).length).toBeGreaterThan(10);
    expect(await refusalsAt(1)).toEqual(a);
  }, 30_000);

  it('a broker restart through the site target drops every client and takes the port back after its downtime', async () => {
    const broker = await RestartableBroker.start();
    try {
      const { net, clock, inject } = await network({
        upstream: { host: broker.host, port: broker.port },
        site: { stop: () => broker.stop(), start: () => broker.startAgain() },
      });
      const icu = await fx.client(net.urlFor('pump-001'), 'pump-001');
      let closed = 0;
      icu.on('close', () => closed++);
      const injections = inject('network.broker-restart', net.directory.site?.(), { downtime: 5000 });
      expect(injections.map((i) => i.device)).toEqual(['pump-001', 'pump-002', 'pump-003']);
      await net.idle();
      expect(broker.running).toBe(false);
      await until(() => closed > 0, 'the client to lose its connection');
      clock.advance(4999);
      await net.idle();
      expect(broker.running).toBe(false);
      clock.advance(1);
      await net.idle();
      expect(broker.running).toBe(true);
      await fx.client(net.urlFor('pump-001'), 'pump-001-back');
    } finally {
      await broker.close();
    }
  });

  it('without a site or twin, the directory has no such target', async () => {
    const { net } = await network();
    expect(net.directory.site?.()).toBeUndefined();
    expect(net.directory.twin?.()).toBeUndefined();
    expect(net.directory.zone?.('nowhere')).toBeUndefined();
  });

  it('the twin’s own listener carries the site’s traffic to it; a fault on it leaves the devices’ paths alone', async () => {
    const { net, events, inject } = await network({ twinLink: true });
    const twin = await fx.client(net.twinUrl!, 'medtwin-twin');
    const seen: string[] = [];
    twin.on('message', (_topic, payload) => seen.push(payload.toString()));
    await twin.subscribeAsync('site/#', { qos: 1 });
    const direct = await fx.subscriber('site/#', 'sub-direct');
    const icu = await fx.client(net.urlFor('pump-001'), 'pump-001');
    const injections = inject('network.mqtt-drop', net.directory.twin?.(), { direction: 'downstream' });
    expect(injections.map((i) => [i.device, i.target])).toEqual([['twin', { kind: 'twin', id: 'twin' }]]);
    icu.publish('site/pump-001/telemetry', 'm1', { qos: 0 });
    await until(() => direct.received.length === 1, 'the direct subscriber to get it');
    await quiet();
    expect(seen).toEqual([]);
    expect(events.filter((e) => e.type === 'publish').map((e) => e.proxy)).toEqual(['twin']);
  });
});
