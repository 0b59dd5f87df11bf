import { describe, expect, it } from 'vitest';
import { rig } from '../../test/helpers/device-rig.ts';
import { infusionPump as pump } from './index.ts';
import type { PumpPlant } from './plant.ts';

/** An ideal pump (no accuracy error), so volumes come out exact. */
const IDEAL = { accuracy: { mechanismSdPct: 0, setSdPct: 0 } };

/** A pump driven the way the fleet's agent drives it: boot events at t=0, one sample per second. */
function startPump(options: { settings?: object; profile?: unknown } = {}) {
  return rig<PumpPlant>(pump, { id: 'pump-1', seed: 'pump-test', settings: { ...IDEAL, ...options.settings }, profile: options.profile });
}

function infusingSaline(rate: number, vtbi = 500) {
  const p = startPump({ profile: { drug: 'normal-saline', rate, vtbi } });
  p.runTo(3000);
  return p;
}

describe('power-on and boot profile', () => {
  it('runs its self-test for selfTestMs, then waits idle', () => {
    const p = startPump();
    expect(p.state()).toBe('self-test');
    p.runTo(2999);
    expect(p.state()).toBe('self-test');
    p.runTo(3000);
    expect(p.state()).toBe('idle');
    expect(p.delivery()).toBeUndefined();
  });

  it('is infusing its profile a few seconds after t=0, acknowledged as commands from "profile"', () => {
    const p = startPump({ profile: { drug: 'insulin', rate: 1.2, vtbi: 100 } });
    p.runTo(2999);
    expect(p.delivery()).toBeUndefined();
    p.runTo(3000);
    expect(p.state()).toBe('infusing');
    expect(p.emitted.map(({ at: _at, ...e }) => e)).toEqual([
      { type: 'command.accepted', command: 'program', commandId: 'profile' },
      { type: 'command.accepted', command: 'start', commandId: 'profile' },
    ]);
    expect(p.delivery()).toEqual({ drug: 'insulin', rateMlPerH: 1.2, doseRatePerH: 1.2, doseUnit: 'U', volumeMl: 0, amount: 0 });
  });

  it('puts a boot profile through DERS like any program', () => {
    const p = startPump({ profile: { drug: 'insulin', doseRate: 40, vtbi: 100 } });
    p.runTo(3000);
    expect(p.state()).toBe('idle');
    expect(p.emitted.map((e) => (e.type === 'command.rejected' ? e.code : e.type))).toEqual(['ders.hard-limit', 'state.invalid']);
  });

  it('applies the firmware version and settings of createInput', () => {
    const input = pump.createInput({ id: 'p', firmware: '4.0.0', settings: { selfTestMs: 500 } });
    expect(input.firmware).toBe('4.0.0');
    expect(input.settings.selfTestMs).toBe(500);
    expect(pump.createInput({ id: 'p' }).firmware).toBe('3.2.1');
  });
});

describe('commands', () => {
  it('programs, starts, pauses, resumes and stops, echoing the commandId', () => {
    const p = startPump();
    p.runTo(3000);
    expect(p.command({ type: 'program', drug: 'heparin', doseRate: 1000, vtbi: 250, commandId: 'c-1' })).toMatchObject({
      type: 'command.accepted',
      command: 'program',
      commandId: 'c-1',
    });
    expect(p.state()).toBe('programmed');
    expect(p.telemetry()).toMatchObject({ drug: 'heparin', rate: 0, programmedRate: 10, doseRate: 1000, doseRateUnit: 'U/h' });
    expect(p.command({ type: 'start' })?.type).toBe('command.accepted');
    expect(p.telemetry().rate).toBe(10);
    expect(p.delivery()?.rateMlPerH).toBe(10);
    expect(p.command({ type: 'pause' })?.type).toBe('command.accepted');
    expect(p.delivery()?.rateMlPerH).toBe(0);
    expect(p.command({ type: 'resume' })?.type).toBe('command.accepted');
    expect(p.state()).toBe('infusing');
    expect(p.command({ type: 'stop' })?.type).toBe('command.accepted');
    expect(p.state()).toBe('idle');
    expect(p.telemetry().drug).toBeNull();
  });

  it('rejects a command that makes no sense in the current state, saying what to do', () => {
    const p = startPump();
    const { at: _at, ...rejection } = p.command({ type: 'start', commandId: 'c-0' })!;
    expect(rejection).toMatchInlineSnapshot(`
      {
        "code": "state.invalid",
        "command": "start",
        "commandId": "c-0",
        "reason": "cannot start: the power-on self-test is running; wait for idle",
        "type": "command.rejected",
      }
    `);
    p.runTo(3000);
    expect(p.command({ type: 'start' })).toMatchObject({ reason: 'cannot start: the pump is idle with no program; send program first' });
    p.command({ type: 'program', drug: 'insulin', rate: 1, vtbi: 50 });
    p.command({ type: 'start' });
    expect(p.command({ type: 'program', drug: 'insulin', rate: 2, vtbi: 50 })).toMatchObject({
      reason: 'cannot program: the pump is infusing; pause before reprogramming',
    });
    p.send({ type: 'device.power-off' });
    expect(p.command({ type: 'resume' })).toMatchObject({
      code: 'state.invalid',
      reason: 'cannot resume: the pump is off; power it on first',
    });
  });

  it('rejects a program over a hard limit and keeps the pump idle', () => {
    const p = startPump();
    p.runTo(3000);
    expect(p.command({ type: 'program', drug: 'insulin', doseRate: 40, vtbi: 100 })).toMatchObject({
      code: 'ders.hard-limit',
      reason: 'cannot program: insulin 40 U/h exceeds the hard limit of 35 U/h',
    });
    expect(p.state()).toBe('idle');
    expect(p.command({ type: 'program', drug: 'morphine', rate: 2, vtbi: 100 })).toMatchObject({ code: 'ders.unknown-drug' });
  });

  it('needs confirmSoftLimit for a program over a soft limit', () => {
    const p = startPump();
    p.runTo(3000);
    expect(p.command({ type: 'program', drug: 'insulin', rate: 8, vtbi: 100 })).toMatchObject({ code: 'ders.soft-limit-confirm' });
    expect(p.state()).toBe('idle');
    const { at: _at, ...accepted } = p.command({ type: 'program', drug: 'insulin', rate: 8, vtbi: 100, confirmSoftLimit: true })!;
    expect(accepted).toEqual({ type: 'command.accepted', command: 'program', detail: 'soft limit 5 U/h overridden' });
    expect(p.state()).toBe('programmed');
  });
});

describe('delivery', () => {
  it('integrates volume over time', () => {
    const p = infusingSaline(360);
    p.runTo(3000 + 30_000);
    expect(p.telemetry().volumeInfused).toBeCloseTo(3, 6); // 0.1 mL/s for 30 s
    expect(p.telemetry().remaining).toBeCloseTo(497, 6);
    expect(p.delivery()?.volumeMl).toBeCloseTo(3, 6);
  });

  it('counts from the instant a command changes the flow, not from the next sample', () => {
    const p = infusingSaline(360);
    p.runTo(10_500);
    p.command({ type: 'pause' });
    p.runTo(20_000);
    // 3 s → 10.5 s at 0.1 mL/s.
    expect(p.plant.volumeInfusedMl).toBeCloseTo(0.75, 9);
    expect(p.plant.deliveredMl).toBeCloseTo(0.75, 9);
  });

  it('delivers programmed × rate.error-factor while still reporting the programmed rate', () => {
    const p = startPump({ profile: { drug: 'insulin', rate: 2, vtbi: 100 } });
    p.set({ 'rate.error-factor': 0.5 });
    p.runTo(3000 + 3_600_000);
    expect(p.telemetry()).toMatchObject({ state: 'infusing', rate: 2, volumeInfused: 2 });
    expect(p.delivery()).toMatchObject({ drug: 'insulin', rateMlPerH: 1, doseRatePerH: 1, doseUnit: 'U' });
    expect(p.delivery()?.volumeMl).toBeCloseTo(1, 9);
    expect(p.delivery()?.amount).toBeCloseTo(1, 9);
  });

  it('gives a bolus at the bolus rate, counted toward VTBI, then returns to the programmed rate', () => {
    const p = startPump({ profile: { drug: 'insulin', rate: 1.2, vtbi: 100 } });
    p.runTo(3000);
    expect(p.command({ type: 'bolus', amount: 80, confirmSoftLimit: true })).toMatchObject({ code: 'ders.hard-limit' });
    expect(p.command({ type: 'bolus', amount: 30 })).toMatchObject({ code: 'ders.soft-limit-confirm' });
    expect(p.command({ type: 'bolus', amount: 5 })?.type).toBe('command.accepted');
    expect(p.state()).toBe('bolus');
    expect(p.delivery()).toMatchObject({ rateMlPerH: 300, doseRatePerH: 300 });
    expect(p.command({ type: 'bolus', amount: 1 })).toMatchObject({ reason: 'cannot bolus: a bolus is already running' });
    // 5 mL at 300 mL/h takes 60 s from the command (3 s).
    p.runTo(62_000);
    expect(p.state()).toBe('bolus');
    p.runTo(63_000);
    expect(p.state()).toBe('infusing');
    expect(p.plant.volumeInfusedMl).toBeCloseTo(5, 9);
    expect(p.delivery()?.rateMlPerH).toBe(1.2);
  });

  it('completes at VTBI, then keeps the vein open until stopped', () => {
    const p = infusingSaline(360, 5);
    p.runTo(3000 + 49_000);
    expect(p.state()).toBe('infusing');
    p.runTo(3000 + 50_000);
    expect(p.state()).toBe('completed');
    expect(p.telemetry()).toMatchObject({ volumeInfused: 5, remaining: 0, rate: 5, alarms: ['infusion.complete', 'kvo.active'] });
    expect(pump.activeAlarms(p.snapshot()).map((a) => [a.code, a.priority])).toEqual([
      ['infusion.complete', 'medium'],
      ['kvo.active', 'low'],
    ]);
    expect(p.delivery()?.rateMlPerH).toBe(5);
    p.runTo(3000 + 50_000 + 3_600_000);
    expect(p.telemetry().volumeInfused).toBeCloseTo(10, 6); // KVO volume is counted too
    expect(p.command({ type: 'start' })?.type).toBe('command.rejected');
    expect(p.command({ type: 'stop' })?.type).toBe('command.accepted');
    expect(p.cleared()).toEqual(['infusion.complete', 'kvo.active']);
    expect(p.delivery()?.rateMlPerH).toBe(0);
  });

  it('never runs KVO faster than the programmed rate', () => {
    const p = startPump({ profile: { drug: 'insulin', rate: 0.2, vtbi: 0.01 } });
    p.runTo(3000 + 180_000); // 0.01 mL at 0.2 mL/h
    expect(p.state()).toBe('completed');
    expect(p.delivery()?.rateMlPerH).toBe(0.2); // insulin KVO is 0.5 mL/h, but the program ran at 0.2
  });
});
