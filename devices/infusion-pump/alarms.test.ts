import { describe, expect, it } from 'vitest';
import { rig } from '../../test/helpers/device-rig.ts';
import { infusionPump as pump } from './index.ts';
import type { PumpPlant } from './plant.ts';

/** A pump infusing `profile` (null: none) from t=3000, sampled every second as the fleet's agent does. */
function infusing(profile: object | null = { drug: 'normal-saline', rate: 100, vtbi: 1000 }, settings: object = {}) {
  const p = rig<PumpPlant>(pump, {
    id: 'pump-1',
    seed: 'alarm-test',
    profile: profile ?? undefined,
    settings: { accuracy: { mechanismSdPct: 0, setSdPct: 0 }, ...settings },
  });
  p.runTo(3000);
  return Object.assign(p, {
    delivered: () => p.delivery()?.rateMlPerH,
    reading: () => p.plant.pressureReadingMmHg,
    powerOff: () => p.send({ type: 'device.power-off' }),
  });
}

describe('downstream occlusion', () => {
  it('alarms only once line pressure has stayed over the limit for the persistence time', () => {
    const p = infusing();
    p.runTo(10_000);
    p.set({ 'occlusion.downstream': 1 });
    const crossed = p.runUntil(() => p.reading() >= 500);
    expect(crossed - 10_000).toBeGreaterThan(5_000); // ~12 s to build 500 mmHg at 100 mL/h
    expect(crossed - 10_000).toBeLessThan(30_000);
    expect(p.delivered()).toBe(0); // nothing reaches the patient...
    expect(p.plant.volumeInfusedMl).toBeGreaterThan(0.4); // ...though the pump counts on

    p.runTo(crossed + 2999);
    expect(p.raised()).toEqual([]);
    expect(p.state()).toBe('infusing');
    p.runTo(crossed + 3000);
    expect(p.raised()).toEqual([
      expect.objectContaining({ code: 'occlusion.downstream', priority: 'high', category: 'technical', limit: 500 }),
    ]);
    expect(p.state()).toBe('hold');
  });

  it('ignores a pressure spike shorter than the persistence time', () => {
    const p = infusing();
    p.set({ 'occlusion.downstream': 1 });
    const crossed = p.runUntil(() => p.reading() >= 500);
    p.set({});
    // The pump's sensors see the line open at the next sample; it empties from there.
    p.runTo(crossed + 2000);
    expect(p.reading()).toBeLessThan(500);
    p.runTo(crossed + 60_000);
    expect(p.raised()).toEqual([]);
    expect(p.state()).toBe('infusing');
    expect(p.reading()).toBeLessThan(30);
  });

  it('holds flow until the occlusion is cleared and the clinician resumes, without chattering', () => {
    const p = infusing();
    p.set({ 'occlusion.downstream': 1 });
    p.runUntil(() => p.state() === 'hold');
    p.run(300_000);
    expect(p.raised()).toHaveLength(1);
    expect(p.cleared()).toEqual([]);
    expect(p.command({ type: 'resume' })).toMatchObject({
      code: 'state.blocked',
      reason: 'cannot resume: high-priority alarm occlusion.downstream is active; clear its cause first',
    });
    p.set({});
    p.runUntil(() => p.cleared().length > 0, p.now() + 10_000);
    expect(p.cleared()).toEqual(['occlusion.downstream']);
    expect(p.state()).toBe('hold');
    expect(p.command({ type: 'resume' })?.type).toBe('command.accepted');
    expect(p.state()).toBe('infusing');
  });

  it('releases the volume the closed line stored as a bolus when it opens, and the dose account sees it', () => {
    const p = infusing({ drug: 'normal-saline', rate: 25, vtbi: 1000 });
    p.runTo(60_000);
    p.set({ 'occlusion.downstream': 1 });
    p.runTo(61_000);
    const before = p.plant.deliveredMl;
    p.runUntil(() => p.state() === 'hold');
    // Stored in the set's compliance: 0.5 µL/mmHg × (pressure − 20 mmHg baseline).
    const stored = p.plant.storedMl;
    expect(stored).toBeCloseTo(0.0005 * (p.plant.pressureMmHg - 20), 9);
    expect(stored).toBeGreaterThan(0.24);
    expect(p.plant.deliveredMl).toBe(before);
    p.run(60_000);
    expect(p.plant.storedMl).toBe(stored); // held while the line stays closed and the pump stopped
    p.set({});
    p.run(2000);
    // Seconds after the kink is undone the line still empties (τ = 5 s) at several times the 25 mL/h.
    expect(p.delivered()).toBeGreaterThan(100);
    p.run(120_000);
    expect(p.plant.storedMl).toBeLessThan(1e-9);
    expect(p.plant.deliveredMl - before).toBeCloseTo(stored, 6);
    expect(p.delivery()?.volumeMl).toBeCloseTo(p.plant.deliveredMl, 6);
    expect(p.state()).toBe('hold'); // the pump itself still waits for the clinician
  });

  it('takes longer to alarm at higher occlusion settings and lower rates: at 1 mL/h, well past 30 minutes on high', () => {
    const minutesToAlarm = (level: string, rate: number) => {
      const p = infusing({ drug: 'normal-saline', rate, vtbi: 1000 }, { alarms: { occlusionLevel: level } });
      p.set({ 'occlusion.downstream': 1 });
      return (p.runUntil(() => p.alarms().includes('occlusion.downstream')) - 3000) / 60_000;
    };
    const at1 = { low: minutesToAlarm('low', 1), medium: minutesToAlarm('medium', 1), high: minutesToAlarm('high', 1) };
    expect(at1.low).toBeGreaterThan(5);
    expect(at1.low).toBeLessThan(8);
    expect(at1.medium).toBeGreaterThan(18);
    expect(at1.medium).toBeLessThan(23);
    expect(at1.high).toBeGreaterThan(55);
    expect(at1.high).toBeLessThan(70);
    // The standard's intermediate rate: seconds to a few minutes.
    expect(minutesToAlarm('low', 25)).toBeLessThan(0.5);
    expect(minutesToAlarm('high', 25)).toBeLessThan(3);
  });

  it('names its limit by the setting in use, and refuses settings that do not rise', () => {
    expect(pump.createInput({ id: 'p', settings: { alarms: { occlusionLevel: 'high' } } }).settings.alarms).toMatchObject({
      occlusionLevel: 'high',
      occlusionLimitsMmHg: { low: 200, medium: 500, high: 900 },
    });
    expect(() => pump.createInput({ id: 'p', settings: { alarms: { occlusionLimitsMmHg: { low: 600 } } } })).toThrow(
      /occlusion limits must rise/,
    );
  });
});

describe('upstream occlusion, air and door', () => {
  it('stops delivery at once and alarms after its persistence time', () => {
    const p = infusing();
    p.runTo(10_000);
    p.set({ 'occlusion.upstream': 1 });
    p.runTo(11_000);
    expect(p.delivered()).toBe(0);
    p.runTo(11_000 + 4999);
    expect(p.alarms()).toEqual([]);
    p.runTo(11_000 + 5000);
    expect(p.alarms()).toEqual(['occlusion.upstream']);
    expect(p.state()).toBe('hold');
  });

  it('alarms when the door opens while pumping and holds until closed and resumed', () => {
    const p = infusing();
    p.set({ 'door.open': 1 });
    p.runTo(4000);
    expect(p.alarms()).toEqual([]);
    p.runTo(5000);
    expect(p.raised()).toEqual([expect.objectContaining({ code: 'door.open', priority: 'high' })]);
    expect(p.state()).toBe('hold');
    p.set({});
    p.runTo(6000);
    expect(p.cleared()).toEqual(['door.open']);
    expect(p.command({ type: 'resume' })?.type).toBe('command.accepted');
  });

  it('will not start with the door open, without alarming while nothing pumps', () => {
    const p = infusing(null);
    expect(p.command({ type: 'program', drug: 'normal-saline', rate: 50, vtbi: 100 })?.type).toBe('command.accepted');
    p.set({ 'door.open': 1 });
    p.runTo(60_000);
    expect(p.alarms()).toEqual([]);
    expect(p.command({ type: 'start' })).toMatchObject({ code: 'state.blocked', reason: 'cannot start: the door is open; close it first' });
    p.set({});
    p.runTo(61_000);
    expect(p.command({ type: 'start' })?.type).toBe('command.accepted');
  });

  it('raises air-in-line, and acknowledging it silences but does not clear it', () => {
    const p = infusing();
    p.set({ 'air-in-line': 1 });
    p.runTo(5000);
    expect(p.alarms()).toEqual(['air-in-line']);
    expect(p.command({ type: 'acknowledge', code: 'door.open' })).toMatchObject({
      code: 'alarm.not-active',
      reason: 'cannot acknowledge: alarm "door.open" is not active; active: air-in-line',
    });
    expect(p.command({ type: 'acknowledge', code: 'air-in-line', commandId: 'ack-1' })).toMatchObject({
      type: 'command.accepted',
      command: 'acknowledge',
      commandId: 'ack-1',
      detail: 'acknowledged air-in-line',
    });
    expect(p.emitted).toContainEqual({ type: 'alarm.updated', code: 'air-in-line', status: 'acknowledged', at: 5000 });
    expect(pump.activeAlarms(p.snapshot())).toEqual([expect.objectContaining({ code: 'air-in-line', status: 'acknowledged' })]);
    expect(p.command({ type: 'acknowledge' })).toMatchObject({ type: 'command.accepted', detail: 'already acknowledged' });
    expect(p.command({ type: 'resume' })).toMatchObject({ code: 'state.blocked' });
    p.set({});
    p.runTo(6000);
    expect(p.alarms()).toEqual([]);
    expect(p.command({ type: 'acknowledge' })).toMatchObject({
      code: 'alarm.not-active',
      reason: 'cannot acknowledge: no alarm is active',
    });
  });

  it('clears every alarm on power-off', () => {
    const p = infusing();
    p.set({ 'door.open': 1 });
    p.runTo(5000);
    p.powerOff();
    expect(p.state()).toBe('off');
    expect(p.cleared()).toEqual(['door.open']);
    expect(p.alarms()).toEqual([]);
    expect(p.delivered()).toBe(0);
  });
});

describe('battery', () => {
  it('holds its charge on mains, and on battery drains faster while pumping than idle', () => {
    const mains = infusing();
    const pumping = infusing();
    const idle = infusing(null);
    const stopped = infusing();
    pumping.set({ 'battery.drain-factor': 1 });
    idle.set({ 'battery.drain-factor': 1 });
    stopped.set({ 'battery.drain-factor': 0 });
    for (const p of [mains, pumping, idle, stopped]) p.runTo(3000 + 3_600_000);
    expect(mains.plant.batteryPct).toBe(100);
    expect(stopped.plant.batteryPct).toBe(100);
    // The condition counts from the sample that sees it (4 s).
    expect(pumping.plant.batteryPct).toBeCloseTo(100 - (100 / 8) * ((3_600_000 - 1000) / 3_600_000), 9); // 8 h pumping
    expect(idle.plant.batteryPct).toBeCloseTo(100 - (100 / 24) * ((3_600_000 - 1000) / 3_600_000), 9); // 24 h idle
  });

  it('runs on battery from boot when settings say it is not on mains', () => {
    const p = infusing(undefined, { battery: { mainsPowered: false, initialPct: 50 } });
    p.runTo(3000 + 3_600_000);
    // The 3 s self-test drain at the idle rate.
    expect(p.plant.batteryPct).toBeCloseTo(50 - 100 / 8 - (100 / 24) * (3 / 3600), 9);
  });

  it('warns at low battery, then stops the infusion when depleted, and stays so across a power cycle', () => {
    const p = infusing();
    p.set({ 'battery.drain-factor': 60 }); // 8 h of battery in 8 min
    p.runUntil(() => p.alarms().includes('battery.low'));
    expect(p.raised()).toEqual([expect.objectContaining({ code: 'battery.low', priority: 'medium', limit: 10 })]);
    expect(p.plant.batteryPct).toBeGreaterThan(9.7);
    expect(p.state()).toBe('infusing');
    const depletedAt = p.runUntil(() => p.state() === 'hold');
    expect(depletedAt).toBeCloseTo(3000 + 480_000, -4);
    expect(p.alarms()).toEqual(['battery.depleted']);
    expect(p.raised().at(-1)).toMatchObject({ code: 'battery.depleted', priority: 'high' });
    expect(p.cleared()).toEqual(['battery.low']);
    expect(p.delivered()).toBe(0);
    expect(p.command({ type: 'resume' })).toMatchObject({ code: 'state.blocked' });
    // A reboot resets the firmware, not the cells.
    p.model.restart();
    p.run(1000);
    expect(p.alarms()).toEqual(['battery.depleted']);
  });
});
