import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { SimClock } from '../../src/core/clock.ts';
import type { MeasuredValues } from '../../src/physiology/signals.ts';
import { rig } from '../../test/helpers/device-rig.ts';
import type { DeviceConditions } from '../descriptor.ts';
import { patientMonitor } from './index.ts';
import { MonitorPlant } from './plant.ts';

const NORMAL: MeasuredValues = { hr: 75, spo2: 98, rr: 14, temp: 36.8, sbp: 120, dbp: 78, map: 92 };

/** A monitor booted as the fleet boots it, fed one sample per simulated second. */
function bedside(options: { settings?: unknown; profile?: unknown } = {}) {
  const r = rig<MonitorPlant>(patientMonitor, { id: 'mon-001', seed: 'monitor-test', ...options, measured: NORMAL });
  const m = {
    actor: { getSnapshot: () => r.snapshot() },
    emitted: r.emitted,
    set(values: MeasuredValues) {
      r.measure(values);
      return m;
    },
    conditions(c: DeviceConditions) {
      r.set(c);
      return m;
    },
    /** Advances `seconds` seconds, sampling at the end of each. */
    tick(seconds = 1) {
      r.run(seconds * 1000);
      return m;
    },
    command(body: unknown) {
      r.command(body);
      return m;
    },
    telemetry: () => r.telemetry() as ReturnType<typeof patientMonitor.telemetry>,
    of: r.of,
    last: () => r.emitted.at(-1),
  };
  return m;
}

describe('patient monitor alarms', () => {
  it('announces a limit violation only after it has persisted 5 s', () => {
    const m = bedside().tick(3).set({ hr: 150 }).tick(5);
    expect(m.of('alarm.raised')).toEqual([]);
    m.tick();
    expect(m.of('alarm.raised')).toEqual([
      {
        type: 'alarm.raised',
        at: 9000,
        alarm: {
          code: 'hr.high',
          priority: 'medium',
          category: 'physiological',
          message: 'HR high 150 bpm (limit 140)',
          parameter: 'hr',
          value: 150,
          limit: 140,
        },
      },
    ]);
    expect(m.telemetry().alarms).toEqual(['hr.high']);
  });

  it('ignores a violation shorter than the delay, and restarts the delay after it', () => {
    const m = bedside().tick().set({ spo2: 90 }).tick(4).set({ spo2: 97 }).tick().set({ spo2: 90 }).tick(5);
    expect(m.of('alarm.raised')).toEqual([]);
    m.tick();
    expect(m.of('alarm.raised').map((e) => e.alarm.code)).toEqual(['spo2.low']);
  });

  it('gives a crit violation high priority and escalates a medium alarm that crosses its crit limit', () => {
    const m = bedside().tick().set({ spo2: 80 }).tick(6);
    expect(m.of('alarm.raised').map((e) => [e.alarm.code, e.alarm.priority, e.alarm.limit])).toEqual([['spo2.low', 'high', 85]]);

    const e = bedside().tick().set({ hr: 150 }).tick(6).set({ hr: 170 }).tick(5);
    expect(e.of('alarm.raised').map((x) => x.alarm.priority)).toEqual(['medium']);
    e.tick();
    expect(e.of('alarm.raised').map((x) => [x.alarm.code, x.alarm.priority])).toEqual([
      ['hr.high', 'medium'],
      ['hr.high', 'high'],
    ]);
  });

  it('clears a medium alarm when its condition clears', () => {
    const m = bedside().tick().set({ rr: 30 }).tick(6).set({ rr: 14 }).tick();
    expect(m.of('alarm.cleared')).toEqual([{ type: 'alarm.cleared', code: 'rr.high', at: 8000 }]);
    expect(m.telemetry().alarms).toEqual([]);
  });

  it('brings a silenced alarm back when the silence ends while the condition persists', () => {
    const m = bedside().tick().set({ hr: 150 }).tick(6).command({ type: 'silence', duration: '30s', commandId: 'c-1' });
    expect(m.of('command.accepted')).toEqual([
      { type: 'command.accepted', command: 'silence', commandId: 'c-1', detail: 'until 37000', at: 7000 },
    ]);
    expect(m.last()).toEqual({ type: 'alarm.updated', code: 'hr.high', status: 'silenced', until: 37_000, at: 7000 });
    m.tick(29);
    expect(m.of('alarm.updated')).toHaveLength(1);
    m.tick();
    expect(m.of('alarm.updated').at(-1)).toEqual({ type: 'alarm.updated', code: 'hr.high', status: 'active', at: 37_000 });
    expect(m.of('alarm.raised')).toHaveLength(1);
  });

  it('does not bring back a silenced alarm whose condition cleared; default silence is 2 min', () => {
    const m = bedside().tick().set({ hr: 150 }).tick(6).command({ type: 'silence' });
    expect(m.last()).toMatchObject({ status: 'silenced', until: 7000 + 120_000 });
    m.set({ hr: 80 }).tick(200);
    expect(m.of('alarm.cleared').map((e) => e.code)).toEqual(['hr.high']);
    expect(m.of('alarm.updated').map((e) => e.status)).toEqual(['silenced']);
  });

  it('keeps a high-priority alarm latched after its condition clears, until acknowledged', () => {
    const m = bedside().tick().set({ hr: 175 }).tick(6).set({ hr: 80 }).tick(60);
    expect(m.of('alarm.cleared')).toEqual([]);
    expect(m.telemetry().alarms).toEqual(['hr.high']);
    expect(patientMonitor.activeAlarms(m.actor.getSnapshot()).map((a) => a.priority)).toEqual(['high']);
    m.command({ type: 'acknowledge', code: 'hr.high' });
    expect(m.of('alarm.cleared').map((e) => e.code)).toEqual(['hr.high']);
    expect(m.telemetry().alarms).toEqual([]);
  });

  it('clears an acknowledged high alarm as soon as its condition clears', () => {
    const m = bedside().tick().set({ hr: 175 }).tick(6).command({ type: 'acknowledge' });
    expect(m.last()).toMatchObject({ type: 'alarm.updated', code: 'hr.high', status: 'acknowledged' });
    m.tick(30);
    expect(m.of('alarm.raised')).toHaveLength(1);
    m.set({ hr: 80 }).tick();
    expect(m.of('alarm.cleared').map((e) => e.code)).toEqual(['hr.high']);
  });

  it('rejects acknowledging or silencing what is not there', () => {
    const m = bedside()
      .tick()
      .command({ type: 'acknowledge', code: 'hr.high', commandId: 'a' })
      .command({ type: 'silence', commandId: 's' });
    expect(m.of('command.rejected')).toEqual([
      {
        type: 'command.rejected',
        command: 'acknowledge',
        commandId: 'a',
        code: 'alarm.not-active',
        reason: 'cannot acknowledge: no announced alarm "hr.high"; announced: none',
        at: 1000,
      },
      {
        type: 'command.rejected',
        command: 'silence',
        commandId: 's',
        code: 'alarm.not-active',
        reason: 'cannot silence: no sounding alarm to silence',
        at: 1000,
      },
    ]);
    m.set({ hr: 150 }).tick(6).command({ type: 'silence', duration: '1h' });
    expect(m.last()).toMatchObject({
      type: 'command.rejected',
      code: 'value.out-of-range',
      reason: 'cannot silence: silence of 3600000 ms is outside 1..600000 ms (maxSilenceMs)',
    });
  });
});

describe('patient monitor NIBP', () => {
  it('updates NIBP only on its cycle, and on demand', () => {
    const m = bedside({ profile: { nibpIntervalMin: 5 } }).tick();
    expect(m.telemetry().nibp).toEqual({ sbp: 120, dbp: 78, map: 92, t: 1000 });
    m.set({ sbp: 135, dbp: 85, map: 102 }).tick(299);
    expect(m.telemetry().nibp?.sbp).toBe(120);
    m.tick();
    expect(m.telemetry().nibp).toEqual({ sbp: 135, dbp: 85, map: 102, t: 301_000 });
    m.set({ sbp: 110, dbp: 70, map: 83 }).tick(10).command({ type: 'nibp.start' });
    expect(m.telemetry().nibp?.sbp).toBe(135);
    m.tick();
    expect(m.telemetry().nibp).toEqual({ sbp: 110, dbp: 70, map: 83, t: 312_000 });
    // The on-demand determination did not move the auto cycle.
    m.set({ sbp: 100 }).tick(288);
    expect(m.telemetry().nibp?.t).toBe(312_000);
    m.tick();
    expect(m.telemetry().nibp).toMatchObject({ sbp: 100, t: 601_000 });
  });

  it('alarms on an NIBP value at the determination, without waiting', () => {
    const m = bedside().set({ sbp: 190, dbp: 100, map: 130 }).tick();
    expect(m.of('alarm.raised').map((e) => [e.alarm.code, e.alarm.priority, e.at])).toEqual([['sbp.high', 'high', 1000]]);
  });

  it('fails a cycle on a cuff error and keeps the last good reading', () => {
    const m = bedside({ profile: { nibpIntervalMin: 1 } })
      .tick()
      .conditions({ 'nibp.cuff-error': 1 })
      .set({ sbp: 150 })
      .tick(60);
    expect(m.of('alarm.raised').map((e) => [e.alarm.code, e.alarm.category, e.alarm.priority, e.at])).toEqual([
      ['nibp.cuff-error', 'technical', 'low', 61_000],
    ]);
    expect(m.telemetry().nibp).toMatchObject({ sbp: 120, t: 1000 });
    m.conditions({}).tick(60);
    expect(m.of('alarm.cleared').map((e) => e.code)).toEqual(['nibp.cuff-error']);
    expect(m.telemetry().nibp).toMatchObject({ sbp: 150, t: 121_000 });
  });
});

describe('patient monitor technical alarms', () => {
  it('raises "ECG lead off" from the hardware condition and stops HR/RR limit alarms', () => {
    const m = bedside().tick().set({ hr: 170 }).conditions({ 'ecg.lead-off': 1 }).tick();
    expect(m.of('alarm.raised').map((e) => [e.alarm.code, e.alarm.message, e.alarm.category, e.alarm.priority])).toEqual([
      ['ecg.lead-off', 'ECG lead off', 'technical', 'medium'],
    ]);
    m.tick(20);
    expect(m.telemetry()).toMatchObject({ hr: null, rr: null, spo2: 98, alarms: ['ecg.lead-off'] });
    m.conditions({}).tick();
    expect(m.of('alarm.cleared').map((e) => e.code)).toEqual(['ecg.lead-off']);
    expect(m.telemetry().hr).toBe(170);
  });

  it('shows a dropout as invalid and announces signal loss after 10 s of nothing', () => {
    const m = bedside().tick().set({ spo2: null }).tick();
    expect(m.telemetry().spo2).toBeNull();
    m.tick(9);
    expect(m.of('alarm.raised')).toEqual([]);
    m.tick();
    expect(m.of('alarm.raised').map((e) => [e.alarm.code, e.at])).toEqual([['spo2.signal-loss', 12_000]]);
    m.set({ spo2: 97 }).tick();
    expect(m.of('alarm.cleared').map((e) => e.code)).toEqual(['spo2.signal-loss']);
  });

  it('reports a probe off as such, not as signal loss', () => {
    const m = bedside().tick().set({ spo2: null }).conditions({ 'spo2.probe-off': 1 }).tick(30);
    expect(m.of('alarm.raised').map((e) => e.alarm.code)).toEqual(['spo2.probe-off']);
  });
});

describe('patient monitor commands and states', () => {
  it('changes a limit by command and alarms against the new limit', () => {
    const m = bedside().tick().set({ hr: 120 }).tick(10);
    expect(m.of('alarm.raised')).toEqual([]);
    m.command({ type: 'limits.set', parameter: 'hr', level: 'warn', high: 110, commandId: 'L1' });
    expect(m.last()).toMatchObject({ type: 'command.accepted', command: 'limits.set', commandId: 'L1', detail: 'hr warn 40..110' });
    m.tick(6);
    expect(m.of('alarm.raised').map((e) => [e.alarm.code, e.alarm.limit])).toEqual([['hr.high', 110]]);
    m.command({ type: 'limits.set', parameter: 'hr', level: 'warn', high: null }).tick();
    expect(m.of('alarm.cleared').map((e) => e.code)).toEqual(['hr.high']);
  });

  it('rejects limits that put a crit limit inside a warn limit', () => {
    const m = bedside().command({ type: 'limits.set', parameter: 'spo2', level: 'crit', low: 96, commandId: 'x' });
    expect(m.last()).toEqual({
      type: 'command.rejected',
      command: 'limits.set',
      commandId: 'x',
      code: 'limits.invalid',
      reason: 'cannot limits.set: spo2 crit low 96 is above warn low 95; crit limits must lie outside warn limits',
      at: 0,
    });
  });

  it('goes to standby and back, clearing alarms, ignoring samples and refusing what standby cannot do', () => {
    const m = bedside().tick().set({ hr: 150 }).tick(6).command({ type: 'standby' });
    expect(m.actor.getSnapshot().value).toBe('standby');
    expect(m.of('alarm.cleared').map((e) => e.code)).toEqual(['hr.high']);
    m.tick(10);
    expect(m.telemetry()).toEqual({ state: 'standby', hr: null, spo2: null, rr: null, temp: null, nibp: null, alarms: [] });
    m.command({ type: 'nibp.start', commandId: 'n' }).command({ type: 'standby' });
    expect(m.of('command.rejected').map((e) => [e.command, e.code, e.reason])).toEqual([
      ['nibp.start', 'state.invalid', 'cannot nibp.start: the monitor is in standby; start monitoring first'],
      ['standby', 'state.invalid', 'cannot standby: the monitor is in standby; start monitoring first'],
    ]);
    m.command({ type: 'start' }).command({ type: 'start' });
    expect(m.of('command.rejected').at(-1)).toMatchObject({ command: 'start', reason: 'cannot start: the monitor is already monitoring' });
    m.tick();
    expect(m.telemetry()).toMatchObject({ state: 'monitoring', hr: 150, nibp: { t: 18_000 } });
  });

  it('refuses every command while off', () => {
    const clock = new SimClock();
    const actor = createActor(patientMonitor.machine, { input: patientMonitor.createInput({ id: 'm' }), clock });
    const rejected: string[] = [];
    actor.on('command.rejected', (e) => rejected.push(`${e.command}:${e.code}`));
    actor.start();
    actor.send(patientMonitor.commandEvent({ type: 'start' }, { t: 0, plant: new MonitorPlant() }));
    expect(rejected).toEqual(['start:state.invalid']);
    expect(patientMonitor.stateLabel(actor.getSnapshot())).toBe('off');
  });
});
