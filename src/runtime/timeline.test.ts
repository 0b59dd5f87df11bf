import { describe, expect, it } from 'vitest';
import { SimClock } from '../core/clock.ts';
import { Rng } from '../core/rng.ts';
import type { DeviceAgent } from '../fleet/agent.ts';
import { machineContext, makeAgent, makeDescriptor, RecordingLog } from '../../test/helpers/inject-fixtures.ts';
import { timelineEntrySchema, type TimelineEntry } from '../scenario/schema.ts';
import { Timeline } from './timeline.ts';

const S = 1000;
const M = 60_000;

const MONITOR = makeDescriptor({ kind: 'patient-monitor', measures: ['hr', 'spo2'], conditions: ['ecg.lead-off', 'spo2.probe-off'] });
const PUMP = makeDescriptor({ kind: 'infusion-pump', measures: [], conditions: ['occlusion.downstream', 'door.open'] });
const CGM = makeDescriptor({ kind: 'cgm', measures: ['glucose'], conditions: ['sensor.error'] });
const KINDS = { mon: MONITOR, pump: PUMP, cgm: CGM };

/** A fleet on one clock and log: ids like "mon-001@icu" give kind (by prefix) and zone. */
function fleet(specs: string[]) {
  const clock = new SimClock();
  const log = new RecordingLog();
  const agents = specs.map((spec) => {
    const [id, zone] = spec.split('@') as [string, string];
    return makeAgent({ id, zone, clock, log, descriptor: KINDS[id.split('-')[0] as keyof typeof KINDS] }).agent;
  });
  return { clock, log, agents };
}

const STANDARD = ['mon-001@icu', 'mon-002@icu', 'mon-003@ward', 'mon-004@ward', 'pump-001@icu', 'pump-002@ward', 'cgm-001@icu'];

function timeline(entries: unknown[], options: { specs?: string[]; seed?: number; durationMs?: number } = {}) {
  const { clock, log, agents } = fleet(options.specs ?? STANDARD);
  const t = new Timeline({
    clock,
    log,
    rng: new Rng(options.seed ?? 1).fork('timeline'),
    agents,
    tagsOf: (id) => (agents.find((a) => a.deviceId === id)!.zone === 'icu' ? ['critical'] : []),
    entries: entries.map((e) => timelineEntrySchema.parse(e) as TimelineEntry),
    durationMs: options.durationMs ?? 2 * 3_600_000,
    subscribe: (listener) => log.onRecord(listener),
  });
  t.start();
  const injected = () => log.ofType('fault.injected').map((e) => `${e.t} ${e.data.device} ${e.data.id}`);
  const reverted = () => log.ofType('fault.reverted').map((e) => `${e.t} ${e.data.device} ${e.data.id}`);
  const agent = (id: string) => agents.find((a) => a.deviceId === id) as DeviceAgent;
  return { timeline: t, clock, log, agents, agent, injected, reverted };
}

describe('timing', () => {
  it('at: injects exactly then; for: reverts exactly at at+for', () => {
    const {
      clock,
      agent,
      injected,
      reverted,
      timeline: t,
    } = timeline([{ at: '10s', for: '30s', fault: 'device.door-open', target: { device: 'pump-001' } }]);
    clock.advanceTo(10 * S - 1);
    expect(injected()).toEqual([]);
    clock.advanceTo(10 * S);
    expect(injected()).toEqual(['10000 pump-001 device.door-open#0']);
    expect(machineContext(agent('pump-001')).conditions).toEqual({ 'door.open': 1 });
    clock.advanceTo(40 * S - 1);
    expect(reverted()).toEqual([]);
    clock.advanceTo(40 * S);
    expect(reverted()).toEqual(['40000 pump-001 device.door-open#0']);
    clock.advance(S);
    expect(machineContext(agent('pump-001')).conditions).toEqual({});
    expect(t.injections()).toEqual([
      {
        eventId: 0,
        id: 'device.door-open#0',
        fault: 'device.door-open',
        category: 'device',
        device: 'pump-001',
        at: 10_000,
        until: 40_000,
        params: {},
      },
    ]);
  });

  it('the fault is in place for the device sample at the same instant', () => {
    const { clock, agent } = timeline([{ at: '5s', fault: 'sensor.bias', params: { offset: 10 }, target: { device: 'cgm-001' } }]);
    clock.advanceTo(5 * S);
    expect(agent('cgm-001').lastMeasured.glucose).toBe(130);
  });

  it('every: from at, each period, until `until` (exclusive); each firing lasts `for`', () => {
    const { clock, injected, reverted } = timeline([
      { id: 'blip', at: '5s', every: '10s', until: '35s', for: '1s', fault: 'device.door-open', target: { device: 'pump-002' } },
    ]);
    clock.advanceTo(M);
    expect(injected()).toEqual(['5000 pump-002 blip', '15000 pump-002 blip', '25000 pump-002 blip']);
    expect(reverted()).toEqual(['6000 pump-002 blip', '16000 pump-002 blip', '26000 pump-002 blip']);
  });

  it('every without at starts at 0 and stops at the end of the run', () => {
    const { clock, injected } = timeline([{ every: '20s', fault: 'device.reboot', target: { device: 'mon-001' } }], { durationMs: M });
    clock.advanceTo(2 * M);
    expect(injected()).toEqual(['0 mon-001 device.reboot#0', '20000 mon-001 device.reboot#0', '40000 mon-001 device.reboot#0']);
  });

  it('a fault without for lasts to the end: injections() says until null; an instant one closes at once', () => {
    const { clock, timeline: t } = timeline(
      [
        { at: '10s', fault: 'device.ecg-lead-off', target: { device: 'mon-001' } },
        { at: '10s', for: '3h', fault: 'device.ecg-lead-off', target: { device: 'mon-002' } },
        { at: '20s', for: '5m', fault: 'device.reboot', target: { device: 'mon-003' } },
      ],
      { durationMs: M },
    );
    clock.advanceTo(M);
    expect(t.injections().map((i) => [i.device, i.at, i.until])).toEqual([
      ['mon-001', 10 * S, null],
      ['mon-002', 10 * S, null],
      ['mon-003', 20 * S, 20 * S],
    ]);
    expect(t.active().map((i) => i.device)).toEqual(['mon-001', 'mon-002']);
  });
});

const DOOR1 = 10 * S;
const DOOR2 = 30 * S;

describe('when (triggers)', () => {
  const doorThenHang = (when: Record<string, unknown>, target: Record<string, unknown> = {}) => [
    { at: '10s', fault: 'device.door-open', target: { device: 'pump-001' } },
    { at: '30s', fault: 'device.door-open', target: { device: 'pump-002' } },
    { id: 'hang', when, fault: 'device.firmware-hang', target },
  ];

  it('fires at the trigger event’s time plus delay, on the device the event is about', () => {
    const { clock, injected } = timeline(doorThenHang({ event: 'alarm.raised', code: 'door.open', delay: '30s' }));
    clock.advanceTo(DOOR2 + M);
    // The door opens at 10 s, before the pump's sample at 10 s, which alarms; the hang follows 30 s later.
    expect(injected()).toEqual([
      `${DOOR1} pump-001 device.door-open#0`,
      `${DOOR2} pump-002 device.door-open#1`,
      `${DOOR1 + 30 * S} pump-001 hang`,
    ]);
  });

  it('times: fires at most that many times; device filters by id, kind or zone', () => {
    const hangs = (when: Record<string, unknown>) => {
      const { clock, injected } = timeline(doorThenHang(when));
      clock.advanceTo(DOOR2 + M);
      return injected().filter((l) => l.endsWith(' hang'));
    };
    expect(hangs({ event: 'alarm.raised' })).toEqual([`${DOOR1} pump-001 hang`]);
    expect(hangs({ event: 'alarm.raised', times: 2 })).toEqual([`${DOOR1} pump-001 hang`, `${DOOR2} pump-002 hang`]);
    expect(hangs({ event: 'alarm.raised', times: 2, device: 'ward' })).toEqual([`${DOOR2} pump-002 hang`]);
    expect(hangs({ event: 'alarm.raised', times: 2, device: 'pump-002' })).toEqual([`${DOOR2} pump-002 hang`]);
    expect(hangs({ event: 'alarm.raised', times: 2, device: 'infusion-pump' })).toHaveLength(2);
    expect(hangs({ event: 'alarm.raised', times: 2, device: 'cgm' })).toEqual([]);
    expect(hangs({ event: 'alarm.raised', code: 'occlusion.downstream' })).toEqual([]);
  });

  it('with a target, a trigger injects into the selected devices instead', () => {
    const { clock, injected } = timeline(doorThenHang({ event: 'alarm.raised' }, { kind: 'patient-monitor', zone: 'ward' }));
    clock.advanceTo(DOOR2);
    expect(injected().filter((l) => l.endsWith(' hang'))).toEqual([`${DOOR1} mon-003 hang`, `${DOOR1} mon-004 hang`]);
  });

  it('the timeline’s own events trigger too (fault.injected), once each', () => {
    const { clock, injected } = timeline([
      { id: 'first', at: '10s', fault: 'device.door-open', target: { device: 'pump-001' } },
      { id: 'second', when: { event: 'fault.injected', delay: '1m' }, fault: 'device.reboot' },
    ]);
    clock.advanceTo(3 * M);
    expect(injected()).toEqual([`${DOOR1} pump-001 first`, `${DOOR1 + M} pump-001 second`]);
  });

  it('a trigger device that cannot take the fault is skipped and logged, not an error mid-run', () => {
    const { clock, injected, log } = timeline([
      { at: '10s', fault: 'device.door-open', target: { device: 'pump-001' } },
      { when: { event: 'alarm.raised' }, fault: 'sensor.noise' },
    ]);
    clock.advanceTo(DOOR2);
    expect(injected()).toHaveLength(1);
    expect(log.ofType('fault.skipped').map((e) => e.data)).toEqual([
      { id: 'sensor.noise#1', fault: 'sensor.noise', device: 'pump-001', reason: 'infusion-pump measures no patient signal' },
    ]);
  });

  it('same-instant triggers resolve in canonical order, whatever order the fleet is in', () => {
    const entries = [
      { at: '10s', fault: 'device.door-open', target: { kind: 'infusion-pump' } },
      { id: 'first-alarm', when: { event: 'alarm.raised' }, fault: 'device.alarm-suppression' },
    ];
    for (const specs of [
      ['pump-001@icu', 'pump-002@icu'],
      ['pump-002@icu', 'pump-001@icu'],
    ]) {
      const { clock, injected } = timeline(entries, { specs });
      clock.advanceTo(DOOR2);
      expect(injected().filter((l) => l.endsWith('first-alarm'))).toEqual([`${DOOR1} pump-001 first-alarm`]);
    }
  });

  it('at and until bound the window in which a trigger is armed', () => {
    const armed = (window: Record<string, string>) => {
      const { clock, injected } = timeline(
        doorThenHang({ event: 'alarm.raised', times: 5 }).map((e, i) => (i === 2 ? { ...e, ...window } : e)),
      );
      clock.advanceTo(DOOR2 + M);
      return injected().filter((l) => l.endsWith(' hang'));
    };
    expect(armed({ at: '20s' })).toEqual([`${DOOR2} pump-002 hang`]);
    expect(armed({ at: '5s', until: '30s' })).toEqual([`${DOOR1} pump-001 hang`]);
  });
});

describe('selection', () => {
  const pick = (seed: number, entries: unknown[]) => {
    const { clock, injected } = timeline(entries, { seed });
    clock.advanceTo(M);
    return injected();
  };
  const storm = { id: 'storm', at: '1m', fault: 'device.ecg-lead-off', target: { kind: 'patient-monitor', count: 2 } };

  it('count/fraction picks are the same for the same seed and vary across seeds', () => {
    expect(pick(1, [storm])).toHaveLength(2);
    expect(pick(1, [storm])).toEqual(pick(1, [storm]));
    const variety = new Set(Array.from({ length: 12 }, (_, seed) => pick(seed, [storm]).join()));
    expect(variety.size).toBeGreaterThan(2);
    expect(pick(3, [{ ...storm, target: { kind: 'patient-monitor', fraction: 0.5 } }])).toHaveLength(2);
  });

  it('adding an entry after another never changes its picks', () => {
    for (const seed of [1, 2, 3, 4]) {
      const alone = pick(seed, [storm]);
      const withMore = pick(seed, [storm, { at: '30s', fault: 'device.spo2-probe-off', target: { kind: 'patient-monitor', count: 3 } }]);
      expect(withMore.filter((l) => l.endsWith('storm'))).toEqual(alone);
    }
  });

  it('by tag, and by zone skipping devices that cannot take the fault', () => {
    expect(pick(1, [{ at: '1m', fault: 'sensor.bias', target: { zone: 'icu' } }])).toEqual([
      `${M} mon-001 sensor.bias#0`,
      `${M} mon-002 sensor.bias#0`,
      `${M} cgm-001 sensor.bias#0`,
    ]);
    expect(pick(1, [{ at: '1m', fault: 'device.reboot', target: { tag: 'critical', kind: 'infusion-pump' } }])).toEqual([
      `${M} pump-001 device.reboot#0`,
    ]);
  });

  it('records the params applied to each device, its signal default included', () => {
    const { clock, log } = timeline([
      { at: '1m', fault: 'sensor.bias', params: { offset: 3 }, target: { device: ['mon-001', 'cgm-001'] } },
    ]);
    clock.advanceTo(M);
    expect(log.ofType('fault.injected').map((e) => [e.data.device, e.data.params])).toEqual([
      ['mon-001', { signal: 'hr', offset: 3 }],
      ['cgm-001', { signal: 'glucose', offset: 3 }],
    ]);
  });
});

describe('errors (at construction, before the run)', () => {
  it('a named device that cannot take the fault names device, fault and reason', () => {
    expect(() =>
      timeline([{ at: '1m', fault: 'device.occlusion-downstream', target: { device: ['pump-001', 'mon-001'] } }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InputError: timeline[0] (device.occlusion-downstream#0): device.occlusion-downstream cannot apply to mon-001: patient-monitor has no "occlusion.downstream" condition (its conditions are ecg.lead-off, spo2.probe-off)]`,
    );
  });

  it('a selector none of whose devices can take the fault', () => {
    expect(() =>
      timeline([{ id: 'occ', at: '1m', fault: 'device.occlusion-downstream', target: { zone: 'icu', kind: 'cgm' } }]),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InputError: timeline[0] (occ): device.occlusion-downstream cannot apply to cgm-001: cgm has no "occlusion.downstream" condition (its conditions are sensor.error)]`,
    );
    expect(() => timeline([{ at: '1m', fault: 'sensor.noise', params: { signal: 'temp' }, target: { zone: 'icu' } }])).toThrow(
      /timeline\[0\] \(sensor.noise#0\): sensor.noise cannot apply to mon-001: patient-monitor does not measure temp \(it measures hr, spo2\) \(nor can any of the 4 devices timeline\[0\].target \{"zone":"icu"\} matches\)/,
    );
  });

  it('collects every problem in the timeline into one error', () => {
    expect(() =>
      timeline([
        { at: '1m', fault: 'sensor.bais' },
        { at: '1m', fault: 'sensor.bias', params: { offset: 'high' } },
        { at: '1m', fault: 'device.reboot', target: { zone: 'nowhere' } },
        { every: '1m', when: { event: 'alarm.raised' }, fault: 'device.reboot' },
        { at: '1m', fault: 'device.reboot', target: { device: 'mon-01' } },
      ]),
    ).toThrowErrorMatchingInlineSnapshot(`
      [InputError: 5 problems in the timeline:
        timeline[0].fault: unknown fault "sensor.bais" — did you mean "sensor.bias"? (see \`medtwin list faults\`; known: sensor.bias, sensor.gain, sensor.drift, sensor.noise, sensor.stuck, sensor.spikes, sensor.dropout, sensor.lag, sensor.calibration-error, cgm.compression-low, device.clock-skew, device.occlusion-downstream, device.occlusion-upstream, device.air-in-line, device.door-open, device.battery-drain, device.reboot, device.firmware-hang, device.flash-failure, device.alarm-suppression, device.wrong-rate, device.ecg-lead-off, device.spo2-probe-off, device.nibp-cuff-error, device.cgm-sensor-error, network.latency, network.mqtt-drop, network.mqtt-duplicate, network.mqtt-delay, network.mqtt-downgrade, network.frozen-subscriber, network.down, network.flapping, network.blackhole, network.reset-peer, network.slow-close, network.limit-data, network.bandwidth, network.slicer, network.mqtt-reorder, network.broker-restart)
        timeline[1].params.offset: expected number, received "high" (sensor.bias)
        timeline[2] (device.reboot#2): timeline[2].target {"zone":"nowhere"} matches no device in the fleet
        timeline[3] (device.reboot#3): give "every" or "when", not both — a trigger already decides when it repeats (when.times)
        timeline[4].target.device: no device "mon-01" in the fleet — did you mean "mon-001"?]
    `);
  });
});

describe('inject (on demand)', () => {
  it('injects now on the compatible devices, reverts after forMs, and returns the id and devices', () => {
    const { clock, timeline: t, injected, reverted } = timeline([]);
    clock.advanceTo(7 * M);
    expect(t.inject('sensor.dropout', { zone: 'icu' }, {}, 2 * M)).toEqual({ id: 'manual-1', devices: ['mon-001', 'mon-002', 'cgm-001'] });
    expect(injected()).toEqual([`${7 * M} mon-001 manual-1`, `${7 * M} mon-002 manual-1`, `${7 * M} cgm-001 manual-1`]);
    clock.advanceTo(9 * M);
    expect(reverted()).toHaveLength(3);
    expect(t.inject('device.door-open', { kind: 'infusion-pump', count: 1 })).toMatchObject({
      id: 'manual-2',
      devices: [expect.stringMatching(/^pump-00[12]$/)],
    });
    expect(t.revert('manual-2')).toBe(1);
  });

  it('bad requests are input errors', () => {
    const { timeline: t } = timeline([]);
    expect(() => t.inject('device.nope', {})).toThrow(/^inject: unknown fault "device.nope"/);
    expect(() => t.inject('sensor.bias', { device: 'mon-001' }, { offset: 'x' })).toThrow(/^inject.params.offset: expected number/);
    expect(() => t.inject('device.ecg-lead-off', { kind: 'cgm' })).toThrow(/cannot apply to cgm-001: cgm has no "ecg.lead-off" condition/);
  });
});

describe('stop', () => {
  it('cancels everything still scheduled; what is active stays', () => {
    const {
      clock,
      timeline: t,
      injected,
      reverted,
      agent,
    } = timeline([
      { at: '1m', for: '10m', fault: 'device.door-open', target: { device: 'pump-001' } },
      { at: '5m', fault: 'device.door-open', target: { device: 'pump-002' } },
    ]);
    clock.advanceTo(2 * M);
    t.stop();
    clock.advanceTo(20 * M);
    expect(injected()).toHaveLength(1);
    expect(reverted()).toEqual([]);
    expect(machineContext(agent('pump-001')).conditions).toEqual({ 'door.open': 1 });
  });
});
