import { describe, expect, it } from 'vitest';
import { DEFAULT_ALARM_LIMITS, type PresentCondition, pushLimitConditions } from './alarm-limits.ts';
import { type AlarmState, updateAlarms } from './alarm-manager.ts';

const hr = (value: number): PresentCondition[] => {
  const out: PresentCondition[] = [];
  pushLimitConditions(out, 'hr', value, DEFAULT_ALARM_LIMITS.hr, 5000);
  return out;
};
const leadOff: PresentCondition = { kind: 'technical', code: 'ecg.lead-off', critical: false, delayMs: 0 };

/** Feeds `conditions(t)` once a second up to `seconds`, threading the state as the machine does. */
function run(seconds: number, conditions: (t: number) => PresentCondition[], start: AlarmState = { alarms: [], onsets: {} }, from = 1) {
  let state = start;
  const emitted: unknown[] = [];
  for (let t = from * 1000; t <= seconds * 1000; t += 1000) {
    const next = updateAlarms(state, conditions(t), t);
    emitted.push(...next.emitted.map((e) => ({ ...e, t })));
    state = next;
  }
  return { state, emitted };
}

describe('updateAlarms', () => {
  it('announces after the delay, escalates past the crit limit, and latches a high alarm', () => {
    const { state, emitted } = run(30, (t) => (t < 10_000 ? hr(150) : t < 20_000 ? hr(165) : hr(80)));
    expect(emitted).toEqual([
      {
        type: 'alarm.raised',
        t: 6000,
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
      {
        type: 'alarm.raised',
        t: 15_000,
        alarm: {
          code: 'hr.high',
          priority: 'high',
          category: 'physiological',
          message: 'HR high 165 bpm (limit 160)',
          parameter: 'hr',
          value: 165,
          limit: 160,
        },
      },
    ]);
    // Condition gone, alarm still announced (latched) until acknowledged.
    expect(state.alarms.map((a) => [a.info.code, a.conditionPresent, a.raisedAt])).toEqual([['hr.high', false, 6000]]);
    expect(state.onsets).toEqual({});
  });

  it('announces alarms raised at the same time technical first, and keeps that order', () => {
    // HR has persisted 5 s at 6 s, just as the lead comes off (no delay).
    const { state, emitted } = run(8, (t) => (t >= 6000 ? [leadOff, ...hr(150)] : hr(150)));
    expect(emitted.map((e) => (e as { alarm: { code: string } }).alarm.code)).toEqual(['ecg.lead-off', 'hr.high']);
    expect(state.alarms.map((a) => a.info.code)).toEqual(['ecg.lead-off', 'hr.high']);
  });

  it('sounds a silenced alarm again when its pause ends', () => {
    const raised = run(6, () => hr(150)).state;
    const silenced: AlarmState = { ...raised, alarms: raised.alarms.map((a) => ({ ...a, status: 'silenced' as const, until: 9000 })) };
    const { state, emitted } = run(9, () => hr(150), silenced, 7);
    expect(emitted).toEqual([{ type: 'alarm.updated', code: 'hr.high', status: 'active', t: 9000 }]);
    expect(state.alarms[0]).toMatchObject({ status: 'active', until: undefined });
  });

  it('hands back the same objects while nothing changes, and new ones when something does', () => {
    const quiet = run(3, () => []).state;
    const next = updateAlarms(quiet, [], 4000);
    expect(next.alarms).toBe(quiet.alarms);
    expect(next.onsets).toBe(quiet.onsets);
    expect(next.emitted).toEqual([]);

    const announced = run(6, () => hr(150)).state;
    const same = updateAlarms(announced, hr(150), 7000);
    expect(same.alarms).toBe(announced.alarms);
    expect(same.onsets).toBe(announced.onsets);
    const moved = updateAlarms(announced, hr(152), 7000);
    expect(moved.alarms).not.toBe(announced.alarms);
    expect(moved.alarms[0]!.info).toMatchObject({ value: 152, message: 'HR high 152 bpm (limit 140)', priority: 'medium' });
    expect(moved.alarms[0]!.raisedAt).toBe(6000);
  });
});
