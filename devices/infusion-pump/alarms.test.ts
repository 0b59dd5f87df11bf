import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/core/clock.ts';
import { Rng } from '../../src/core/rng.ts';
import type { DeviceEmitted } from '../descriptor.ts';
import { infusionPump as pump } from './index.ts';

/** A pump infusing `profile` (null: none) from t=3000, sampled every second as the fleet's agent does. */
function infusing(profile: object | null = { drug: 'normal-saline', rate: 100, vtbi: 1000 }, settings?: unknown) {
  const clock = new SimClock();
  const rng = new Rng('alarm-test', 'pump-1');
  const actor = createActor(pump.machine, { input: pump.createInput({ id: 'pump-1', settings }), clock });
  const emitted: DeviceEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  for (const e of pump.bootEvents({ profile: profile ?? undefined })) actor.send(e);
  let conditions: Record<string, number> = {};
  let t = 0;
  const p = {
    emitted,
    now: () => t,
    context: () => actor.getSnapshot().context,
    state: () => pump.stateLabel(actor.getSnapshot()),
    alarms: () => pump.activeAlarms(actor.getSnapshot()).map((a) => a.code),
    raised: () => emitted.flatMap((e) => (e.type === 'alarm.raised' ? [e.alarm] : [])),
    cleared: () => emitted.flatMap((e) => (e.type === 'alarm.cleared' ? [e.code] : [])),
    delivered: () => pump.delivery!(actor.getSnapshot())?.rateMlPerH,
    set: (next: Record<string, number>) => void (conditions = next),
    runTo(until: number) {
      for (let next = Math.floor(t / 1000) * 1000 + 1000; next <= until; next += 1000) {
        clock.advanceTo(next);
        actor.send(pump.sampleEvent({ t: next, measured: {}, conditions, rng }));
      }
      clock.advanceTo(until);
      t = until;
    },
    /** Samples second by second until `done`, returning the time it became true. */
    runUntil(done: () => boolean, limitMs = 3_600_000): number {
      while (!done()) {
        if (t >= limitMs) throw new Error(`condition not met by ${limitMs} ms`);
        p.runTo(t + 1000);
      }
      return t;
    },
    command: (body: unknown) => {
      const before = emitted.length;
      actor.send(pump.commandEvent(pump.commandSchema.parse(body)));
      return emitted.slice(before).find((e) => e.type === 'command.accepted' || e.type === 'command.rejected');
    },
    powerOff: () => actor.send({ type: 'device.power-off' }),
  };
  p.runTo(3000);
  return p;
}

describe('downstream occlusion', () => {
  it('alarms only once line pressure has stayed over the limit for the persistence time', () => {
    const p = infusing();
    p.runTo(10_000);
    p.set({ 'occlusion.downstream': 1 });
    const crossed = p.runUntil(() => p.context().linePressureMmHg >= 500);
    expect(crossed - 10_000).toBeGreaterThan(5_000); // ~10 s to build 500 mmHg at 100 mL/h
    expect(crossed - 10_000).toBeLessThan(30_000);
    expect(p.delivered()).toBe(0); // nothing reaches the patient...
    expect(p.context().volumeInfusedMl).toBeGreaterThan(0.4); // ...though the pump counts on

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
    const crossed = p.runUntil(() => p.context().linePressureMmHg >= 500);
    p.set({});
    p.runTo(crossed + 1000);
    expect(p.context().linePressureMmHg).toBeLessThan(500);
    p.runTo(crossed + 60_000);
    expect(p.raised()).toEqual([]);
    expect(p.state()).toBe('infusing');
    expect(p.context().linePressureMmHg).toBeLessThan(30);
  });

  it('holds flow until the occlusion is cleared and the clinician resumes, without chattering', () => {
    const p = infusing();
    p.set({ 'occlusion.downstream': 1 });
    p.runUntil(() => p.state() === 'hold');
    p.runTo(p.now() + 300_000);
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
    expect(p.command({ type: 'acknowledge', code: 'air-in-line', commandId: 'ack-1' })).toEqual({
      type: 'command.accepted',
      command: 'acknowledge',
      commandId: 'ack-1',
      detail: 'acknowledged air-in-line',
    });
    expect(p.emitted).toContainEqual({ type: 'alarm.updated', code: 'air-in-line', status: 'acknowledged' });
    expect(pump.activeAlarms({ context: p.context() } as never)).toEqual([
      expect.objectContaining({ code: 'air-in-line', status: 'acknowledged' }),
    ]);
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
    expect(p.delivered()).toBeUndefined();
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
    expect(mains.context().batteryPct).toBe(100);
    expect(stopped.context().batteryPct).toBe(100);
    expect(pumping.context().batteryPct).toBeCloseTo(100 - 100 / 8, 9); // 8 h pumping
    expect(idle.context().batteryPct).toBeCloseTo(100 - 100 / 24, 9); // 24 h idle
  });

  it('runs on battery from boot when settings say it is not on mains', () => {
    const p = infusing(undefined, { battery: { mainsPowered: false, initialPct: 50 } });
    p.runTo(3000 + 3_600_000);
    // The first 2 s (samples at 1 s and 3 s) are self-test, drained at the idle rate.
    expect(p.context().batteryPct).toBeCloseTo(50 - 100 / 8 - (100 / 24) * (2 / 3600), 9);
  });

  it('warns at low battery, then stops the infusion when depleted', () => {
    const p = infusing();
    p.set({ 'battery.drain-factor': 60 }); // 8 h of battery in 8 min
    p.runUntil(() => p.alarms().includes('battery.low'));
    expect(p.raised()).toEqual([expect.objectContaining({ code: 'battery.low', priority: 'medium', limit: 10 })]);
    expect(p.context().batteryPct).toBeGreaterThan(9.7);
    expect(p.state()).toBe('infusing');
    const depletedAt = p.runUntil(() => p.state() === 'hold');
    expect(depletedAt).toBeCloseTo(3000 + 480_000, -4);
    expect(p.alarms()).toEqual(['battery.depleted']);
    expect(p.raised().at(-1)).toMatchObject({ code: 'battery.depleted', priority: 'high' });
    expect(p.cleared()).toEqual(['battery.low']);
    expect(p.delivered()).toBe(0);
    expect(p.command({ type: 'resume' })).toMatchObject({ code: 'state.blocked' });
  });
});
