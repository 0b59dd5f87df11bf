import { describe, expect, it } from 'vitest';
import { Injector } from './injector.ts';
import { parseFaultParams } from './params.ts';
import { FAULTS } from './registry.ts';
import { machineContext, makeAgent, makeDescriptor } from '../../test/helpers/inject-fixtures.ts';

function setup() {
  const { agent, clock, log } = makeAgent();
  const other = makeAgent({ id: 'dev-002', clock, log }).agent;
  const injector = new Injector({ clock, log });
  return { agent, other, clock, log, injector };
}

describe('Injector', () => {
  it('records fault.injected with the params applied (device defaults filled in) and reverts after forMs', () => {
    const { agent, clock, log, injector } = setup();
    clock.advance(5000);
    const fault = FAULTS['sensor.bias'];
    const [injection] = injector.apply({
      id: 'bias-1',
      fault,
      params: parseFaultParams(fault, { offset: 5 }),
      targets: [agent],
      forMs: 2000,
    });
    expect(injection).toEqual({
      id: 'bias-1',
      fault: 'sensor.bias',
      category: 'sensor',
      device: 'dev-001',
      target: { kind: 'device', id: 'dev-001' },
      at: 5000,
      until: 7000,
      reverted: false,
      params: { offset: 5, signal: 'glucose' },
    });
    expect(log.ofType('fault.injected')).toEqual([
      {
        t: 5000,
        source: 'injector',
        type: 'fault.injected',
        data: {
          id: 'bias-1',
          fault: 'sensor.bias',
          category: 'sensor',
          device: 'dev-001',
          params: { offset: 5, signal: 'glucose' },
          until: 7000,
        },
      },
    ]);
    clock.advance(1000);
    expect(agent.lastMeasured.glucose).toBe(125);
    clock.advance(1000);
    expect(log.ofType('fault.reverted')).toEqual([
      { t: 7000, source: 'injector', type: 'fault.reverted', data: { id: 'bias-1', fault: 'sensor.bias', device: 'dev-001' } },
    ]);
    expect(injection!.reverted).toBe(true);
    // The sample at 7000 ms ran before the revert timer (set later); the next one is clean.
    clock.advance(1000);
    expect(agent.lastMeasured.glucose).toBe(120);
  });

  it('revert(id) undoes now, on one device or all; a fault without forMs lasts until then', () => {
    const { agent, other, clock, log, injector } = setup();
    const fault = FAULTS['device.door-open'];
    injector.apply({ id: 'door', fault, params: {}, targets: [agent, other] });
    clock.advance(3000);
    expect(injector.active().map((i) => [i.device, i.until])).toEqual([
      ['dev-001', null],
      ['dev-002', null],
    ]);
    expect(injector.revert('door', 'dev-002')).toBe(1);
    clock.advance(1000);
    expect(machineContext(agent).conditions).toEqual({ 'door.open': 1 });
    expect(machineContext(other).conditions).toEqual({});
    expect(injector.revert('door')).toBe(1);
    expect(injector.revert('door')).toBe(0);
    expect(log.ofType('fault.reverted').map((e) => [e.t, e.data.device])).toEqual([
      [3000, 'dev-002'],
      [4000, 'dev-001'],
    ]);
  });

  it('an instant fault closes its window at once and records no revert', () => {
    const { agent, clock, log, injector } = setup();
    clock.advance(2000);
    const [injection] = injector.apply({ id: 'boot', fault: FAULTS['device.reboot'], params: {}, targets: [agent], forMs: 60_000 });
    expect(injection).toMatchObject({ at: 2000, until: 2000, reverted: true });
    clock.advance(120_000);
    expect(log.ofType('fault.reverted')).toEqual([]);
  });

  it('refuses, before applying anything, a target that cannot take the fault', () => {
    const { agent, clock, log, injector } = setup();
    const pump = makeAgent({ id: 'pump-001', clock, log, descriptor: makeDescriptor({ kind: 'infusion-pump', measures: [] }) }).agent;
    const fault = FAULTS['sensor.noise'];
    expect(() =>
      injector.apply({ id: 'n', fault, params: parseFaultParams(fault, {}), targets: [agent, pump] }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[InputError: n: sensor.noise cannot apply to pump-001: infusion-pump measures no patient signal]`,
    );
    expect(injector.all).toEqual([]);
    expect(log.ofType('fault.injected')).toEqual([]);
  });
});
