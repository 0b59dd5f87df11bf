import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SimClock } from '../core/clock.ts';
import { Rng } from '../core/rng.ts';
import type { FaultDefinition } from '../inject/fault.ts';
import { FAULTS } from '../inject/registry.ts';
import type { NetworkSurface, SiteSurface, TargetDirectory, TwinSurface } from '../inject/target.ts';
import { makeAgent, makeDescriptor, RecordingLog } from '../../test/helpers/inject-fixtures.ts';
import { timelineEntrySchema, type TimelineEntry } from '../scenario/schema.ts';
import { Timeline } from './timeline.ts';

const PUMP = makeDescriptor({ kind: 'infusion-pump', measures: [], conditions: ['door.open'] });

/** A fault on links and zones (zone preferred) that takes its target down, as network.down will. */
const down: FaultDefinition<z.ZodObject, NetworkSurface> = {
  name: 'test.down',
  category: 'network',
  summary: 'takes a link or zone down',
  params: z.strictObject({}),
  targets: ['zone', 'link'],
  incompatibility: () => undefined,
  apply: (target) => target.setDown(),
};
const restart: FaultDefinition<z.ZodObject, SiteSurface> = {
  name: 'test.restart',
  category: 'network',
  summary: 'restarts the broker',
  params: z.strictObject({}),
  targets: ['site'],
  incompatibility: () => undefined,
  apply: (target) => target.restartBroker(1000),
};
const freeze: FaultDefinition<z.ZodObject, TwinSurface> = {
  name: 'test.freeze',
  category: 'network',
  summary: 'freezes the twin',
  params: z.strictObject({}),
  targets: ['twin'],
  incompatibility: () => undefined,
  apply: (target) => target.freeze(),
};
const REGISTRY = { ...FAULTS, 'test.down': down, 'test.restart': restart, 'test.freeze': freeze };

/** Devices `pump-001..4`, two in icu and two in ward; each target records what was done to it. */
function setup(entries: unknown[], directory: 'full' | 'none' = 'full') {
  const clock = new SimClock();
  const log = new RecordingLog();
  const specs = ['pump-001@icu', 'pump-002@icu', 'pump-003@ward', 'pump-004@ward'];
  const agents = specs.map((spec) => {
    const [id, zone] = spec.split('@') as [string, string];
    return makeAgent({ id, zone, clock, log, descriptor: PUMP }).agent;
  });
  const calls: string[] = [];
  const network = (targetKind: 'link' | 'zone', id: string): NetworkSurface => ({
    targetKind,
    id,
    devices: agents.filter((a) => (targetKind === 'link' ? a.deviceId === id : a.zone === id)).map((a) => a.deviceId),
    rng: new Rng(id),
    addToxic: () => () => {},
    setDown: () => {
      calls.push(`${clock.now()} down ${targetKind} ${id}`);
      return () => calls.push(`${clock.now()} up ${targetKind} ${id}`);
    },
    flap: () => () => {},
  });
  const links = new Map(agents.map((a) => [a.deviceId, network('link', a.deviceId)]));
  const zones = new Map(['icu', 'ward'].map((z) => [z, network('zone', z)]));
  const site: SiteSurface = {
    targetKind: 'site',
    id: 'site',
    devices: agents.map((a) => a.deviceId),
    rng: new Rng('site'),
    restartBroker: (ms) => {
      calls.push(`${clock.now()} restart ${ms}`);
      return () => {};
    },
  };
  const twin: TwinSurface = {
    targetKind: 'twin',
    id: 'twin',
    devices: [],
    rng: new Rng('twin'),
    addToxic: () => () => {},
    setDown: () => () => {},
    flap: () => () => {},
    freeze: () => {
      calls.push(`${clock.now()} freeze`);
      return () => calls.push(`${clock.now()} thaw`);
    },
  };
  const targets: TargetDirectory | undefined =
    directory === 'full' ? { link: (id) => links.get(id), zone: (id) => zones.get(id), site: () => site, twin: () => twin } : undefined;
  const build = () =>
    new Timeline({
      clock,
      log,
      rng: new Rng(1).fork('timeline'),
      agents,
      faults: REGISTRY,
      entries: entries.map((e) => timelineEntrySchema.parse(e) as TimelineEntry),
      durationMs: 3_600_000,
      subscribe: (listener) => log.onRecord(listener),
      ...(targets ? { targets } : {}),
    });
  const injected = () =>
    log
      .ofType('fault.injected')
      .map((e) => `${e.t} ${e.data.device} ${(e.data.target as { kind: string; id: string } | undefined)?.kind ?? 'device'}`);
  const reverted = () => log.ofType('fault.reverted').map((e) => `${e.t} ${e.data.device}`);
  return { clock, log, calls, build, injected, reverted };
}

describe('injection targets', () => {
  it('a zone target: applied once to the zone, recorded and reverted once per device it carries', () => {
    const { clock, calls, build, injected, reverted } = setup([{ at: '10s', for: '5s', fault: 'test.down', target: { zone: 'ward' } }]);
    const t = build();
    t.start();
    clock.advanceTo(20_000);
    expect(calls).toEqual(['10000 down zone ward', '15000 up zone ward']);
    expect(injected()).toEqual(['10000 pump-003 zone', '10000 pump-004 zone']);
    expect(reverted()).toEqual(['15000 pump-003', '15000 pump-004']);
  });

  it('scope: link acts on each selected device’s own link; a zone picked by tag-less kind is each device’s zone once', () => {
    const { clock, calls, build, injected } = setup([
      { at: '1s', fault: 'test.down', target: { scope: 'link', device: ['pump-001', 'pump-004'] } },
    ]);
    build().start();
    clock.advanceTo(1000);
    expect(calls).toEqual(['1000 down link pump-001', '1000 down link pump-004']);
    expect(injected()).toEqual(['1000 pump-001 link', '1000 pump-004 link']);
  });

  it('count picks among zones with the entry’s seeded stream, the same each time', () => {
    const picks = () => {
      const { clock, calls, build } = setup([{ at: '1s', fault: 'test.down', target: { count: 1 } }]);
      build().start();
      clock.advanceTo(1000);
      return calls;
    };
    expect(picks()).toHaveLength(1);
    expect(picks()).toEqual(picks());
  });

  it('site and twin targets: the one broker, the one twin; a site injection is recorded against every device', () => {
    const { clock, calls, build, injected } = setup([
      { at: '1s', fault: 'test.restart' },
      { at: '2s', for: '1s', fault: 'test.freeze' },
    ]);
    build().start();
    clock.advanceTo(5000);
    expect(calls).toEqual(['1000 restart 1000', '2000 freeze', '3000 thaw']);
    expect(injected()).toEqual(['1000 pump-001 site', '1000 pump-002 site', '1000 pump-003 site', '1000 pump-004 site', '2000 twin twin']);
  });

  it('a triggered entry without a selector acts on the zone of the device its trigger is about', () => {
    const { clock, calls, build } = setup([
      { at: '1s', fault: 'device.door-open', target: { device: 'pump-002' } },
      { when: { event: 'fault.injected', device: 'pump-002' }, fault: 'test.down' },
    ]);
    build().start();
    clock.advanceTo(1000);
    expect(calls).toEqual(['1000 down zone icu']);
  });

  it('manual injection takes a scope too and returns the devices it reached', () => {
    const { build } = setup([]);
    const t = build();
    t.start();
    expect(t.inject('test.down', { zone: 'icu' })).toEqual({ id: 'manual-1', devices: ['pump-001', 'pump-002'] });
    expect(t.revert('manual-1', 'pump-001')).toBe(1);
    expect(t.active()).toEqual([]);
  });

  it('bad targets are input errors naming the entry, the field and the fix', () => {
    const bad =
      (entry: unknown, directory: 'full' | 'none' = 'full') =>
      () =>
        setup([entry], directory).build();
    expect(bad({ at: '1s', fault: 'test.down', target: { scope: 'site' } })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: timeline[0] (test.down#0): timeline[0].target.scope: test.down acts on a zone or a device's link, not on the site (the broker)]`,
    );
    expect(bad({ at: '1s', fault: 'test.down', target: { device: 'pump-001' } })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: timeline[0] (test.down#0): timeline[0].target.device: a zone target is picked by zone or tag, not by device; use scope: link to act on the links of those devices]`,
    );
    expect(bad({ at: '1s', fault: 'test.restart', target: { zone: 'icu' } })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: timeline[0] (test.restart#0): timeline[0].target.zone: the site is one broker for the whole fleet and takes no selector; remove zone]`,
    );
    expect(bad({ at: '1s', fault: 'device.door-open', target: { scope: 'zone', zone: 'icu' } })).toThrowErrorMatchingInlineSnapshot(
      `[InputError: timeline[0] (device.door-open#0): timeline[0].target.scope: device.door-open acts on a device, not on a zone]`,
    );
    expect(bad({ at: '1s', fault: 'test.down', target: { zone: 'icu' } }, 'none')).toThrowErrorMatchingInlineSnapshot(
      `[InputError: timeline[0] (test.down#0): timeline[0].target.scope: this run has no zone targets (it was built without its network); only devices can be targeted]`,
    );
  });
});
