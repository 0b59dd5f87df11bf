import { describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../../core/event-log.ts';
import { conditionCounts, deviceCondition } from './condition.ts';
import { NO_FILTER } from './feed.ts';
import { applyEvents, createFleetModel } from './fleet-model.ts';

let id = 0;
function ev(t: number, source: string, type: string, data: Record<string, unknown> = {}): LoggedEvent {
  return { id: ++id, t, source, type, data };
}

function ward() {
  return createFleetModel([
    { id: 'pump-001', kind: 'infusion-pump', zone: 'ward' },
    { id: 'cgm-002', kind: 'cgm', zone: 'icu' },
    { id: 'cgm-001', kind: 'cgm', zone: 'icu' },
  ]);
}

describe('createFleetModel', () => {
  it('orders devices by zone (in fleet order), then id', () => {
    const model = ward();
    expect(model.zones).toEqual(['ward', 'icu']);
    expect(model.order).toEqual(['pump-001', 'cgm-001', 'cgm-002']);
  });
});

describe('applyEvents', () => {
  it('tracks state, alarms by priority and their acknowledgement', () => {
    const model = ward();
    applyEvents(model, [
      ev(1000, 'pump-001', 'state.changed', { from: 'idle', to: 'infusing' }),
      ev(2000, 'pump-001', 'alarm.raised', { alarm: { code: 'battery.low', priority: 'medium', message: 'Battery low' } }),
    ]);
    const pump = model.devices.get('pump-001')!;
    expect(pump.state).toBe('infusing');
    expect(deviceCondition(pump)).toBe('alarm-medium');
    applyEvents(model, [
      ev(3000, 'pump-001', 'alarm.raised', { alarm: { code: 'occlusion.downstream', priority: 'high', message: 'Occlusion' } }),
    ]);
    expect(deviceCondition(pump)).toBe('alarm-high');
    applyEvents(model, [ev(4000, 'pump-001', 'alarm.updated', { code: 'occlusion.downstream', status: 'acknowledged' })]);
    expect(pump.alarms.get('occlusion.downstream')!.status).toBe('acknowledged');
    applyEvents(model, [ev(5000, 'pump-001', 'alarm.cleared', { code: 'occlusion.downstream' })]);
    expect(deviceCondition(pump)).toBe('alarm-medium');
    expect(model.lastT).toBe(5000);
  });

  it('does not colour a device for an alarm it never announced (suppressed)', () => {
    const model = ward();
    applyEvents(model, [
      ev(1000, 'cgm-001', 'alarm.raised', {
        alarm: { code: 'glucose.urgent-low', priority: 'high', message: 'Urgent low' },
        suppressed: true,
      }),
    ]);
    const cgm = model.devices.get('cgm-001')!;
    expect(cgm.alarms.get('glucose.urgent-low')!.suppressed).toBe(true);
    expect(deviceCondition(cgm)).toBe('normal');
  });

  it('takes stale and diverged from twin events about a device', () => {
    const model = ward();
    applyEvents(model, [
      ev(9000, 'twin', 'twin.stale', { device: 'cgm-002', lastSeen: 0 }),
      ev(9000, 'twin', 'twin.diverged', { device: 'cgm-001', delta: { state: 'active' } }),
    ]);
    expect(deviceCondition(model.devices.get('cgm-002')!)).toBe('stale');
    expect(deviceCondition(model.devices.get('cgm-001')!)).toBe('diverged');
    applyEvents(model, [ev(10_000, 'twin', 'twin.fresh', { device: 'cgm-002' })]);
    expect(deviceCondition(model.devices.get('cgm-002')!)).toBe('normal');
    expect(conditionCounts(model.devices.values())).toEqual([
      ['diverged', 1],
      ['normal', 2],
    ]);
  });

  it('keeps active injections per device, marks attacks as compromise, and closes them on revert', () => {
    const model = ward();
    applyEvents(model, [
      ev(60_000, 'injector', 'fault.injected', {
        id: 'drift-1',
        fault: 'sensor.drift',
        category: 'sensor',
        device: 'cgm-001',
        params: { rate: 10 },
      }),
      ev(60_000, 'injector', 'fault.injected', {
        id: 'spoof-1',
        fault: 'attack.command-spoof',
        category: 'attack',
        device: 'pump-001',
        params: {},
      }),
    ]);
    const cgm = model.devices.get('cgm-001')!;
    expect([...cgm.faults.keys()]).toEqual(['drift-1']);
    expect(deviceCondition(model.devices.get('pump-001')!)).toBe('compromised');
    applyEvents(model, [ev(120_000, 'injector', 'fault.reverted', { id: 'drift-1', fault: 'sensor.drift', device: 'cgm-001' })]);
    expect(cgm.faults.size).toBe(0);
    expect(model.injections.toArray().map((i) => [i.fault, i.device, i.at, i.until])).toEqual([
      ['sensor.drift', 'cgm-001', 60_000, 120_000],
      ['attack.command-spoof', 'pump-001', 60_000, undefined],
    ]);
  });

  it('keeps the last telemetry and charts measured against truth, leaving telemetry out of the feed', () => {
    const model = ward();
    applyEvents(model, [
      ev(300_000, 'cgm-001', 'telemetry', { seq: 1, body: { state: 'active', glucose: 142, trend: 'flat' }, truth: { glucose: 138.5 } }),
    ]);
    const cgm = model.devices.get('cgm-001')!;
    expect(cgm.lastTelemetry).toMatchObject({ glucose: 142 });
    expect(cgm.series.points('glucose')).toEqual([{ t: 300_000, measured: 142, truth: 138.5 }]);
    expect(model.feed.size).toBe(0);
  });

  it('forgets announced alarms when the device reboots', () => {
    const model = ward();
    applyEvents(model, [
      ev(1000, 'cgm-001', 'alarm.raised', { alarm: { code: 'sensor.error', priority: 'medium', message: 'x' } }),
      ev(2000, 'cgm-001', 'device.rebooted', {}),
    ]);
    expect(model.devices.get('cgm-001')!.alarms.size).toBe(0);
  });

  it('bounds the feed per severity, so a flood of minor events keeps the alarms', () => {
    const model = createFleetModel([{ id: 'cgm-001', kind: 'cgm', zone: 'icu' }], { feedCapacity: 3, deviceFeedCapacity: 2 });
    applyEvents(model, [ev(0, 'cgm-001', 'alarm.raised', { alarm: { code: 'sensor.error', priority: 'medium', message: 'x' } })]);
    applyEvents(
      model,
      [1, 2, 3, 4, 5].map((t) => ev(t, 'cgm-001', 'state.changed', { from: 'a', to: `s${t}` })),
    );
    expect(model.feed.items(NO_FILTER).map((f) => f.t)).toEqual([0, 3, 4, 5]);
    expect(
      model.devices
        .get('cgm-001')!
        .events.items(NO_FILTER)
        .map((f) => f.t),
    ).toEqual([0, 4, 5]);
    expect(model.feed.items({ ...NO_FILTER, minSeverity: 'low' }).map((f) => f.type)).toEqual(['alarm.raised']);
  });
});

describe('events of one instant (issue 18, broken 5)', () => {
  it("follows a device's state changes of one instant as a chain, whatever the log's canonical order", () => {
    const model = ward();
    // The log orders one instant by source, type and payload: "no-sensor → warm-up" sorts before "off → no-sensor".
    applyEvents(model, [
      ev(111, 'cgm-001', 'state.changed', { from: '', to: 'off' }),
      ev(111, 'cgm-001', 'state.changed', { from: 'no-sensor', to: 'warm-up' }),
      ev(111, 'cgm-001', 'state.changed', { from: 'off', to: 'no-sensor' }),
    ]);
    expect(model.devices.get('cgm-001')!.state).toBe('warm-up');
  });

  it('lists a command sent before its acceptance when both happen in the same instant', () => {
    const model = ward();
    applyEvents(model, [
      ev(5000, 'pump-001', 'command.accepted', { command: 'resume', commandId: 'twin-1' }),
      ev(5000, 'pump-001', 'state.changed', { from: 'paused', to: 'infusing' }),
      ev(5000, 'twin', 'twin.command', { device: 'pump-001', command: { type: 'resume', commandId: 'twin-1' } }),
    ]);
    expect(model.feed.items(NO_FILTER).map((i) => i.text)).toEqual([
      'command sent resume',
      'command resume accepted',
      'state paused → infusing',
    ]);
  });
});

describe('a fault not yet detected (issue 18)', () => {
  it('is drawn apart from healthy until an alarm or the twin catches it, and healthy again once it ends', () => {
    const model = ward();
    const pump = model.devices.get('pump-001')!;
    applyEvents(model, [
      ev(1000, 'injector', 'fault.injected', { id: 'occ', fault: 'device.occlusion-downstream', device: 'pump-001', category: 'device' }),
    ]);
    expect(deviceCondition(pump)).toBe('faulted');
    applyEvents(model, [
      ev(90_000, 'pump-001', 'alarm.raised', { alarm: { code: 'occlusion.downstream', priority: 'high', message: 'Occlusion' } }),
    ]);
    expect(deviceCondition(pump)).toBe('alarm-high');
    applyEvents(model, [
      ev(120_000, 'injector', 'fault.reverted', { id: 'occ', fault: 'device.occlusion-downstream', device: 'pump-001' }),
      ev(130_000, 'pump-001', 'alarm.cleared', { code: 'occlusion.downstream' }),
    ]);
    expect(deviceCondition(pump)).toBe('normal');
  });
});
