import { describe, expect, it } from 'vitest';
import type { AlarmInfo } from '../descriptor.ts';
import { endSilence, reconcileAlarms } from './alarms.ts';
import type { MonitorAlarm } from './context.ts';

const hr = (priority: 'medium' | 'high', value = 150): AlarmInfo => ({
  code: 'hr.high',
  priority,
  category: 'physiological',
  message: `HR high ${value} bpm`,
  parameter: 'hr',
  value,
});
const leadOff: AlarmInfo = { code: 'ecg.lead-off', priority: 'medium', category: 'technical', message: 'ECG lead off' };

describe('announced monitor alarms', () => {
  it('announces a new condition, re-announces an escalation, and never drops a priority back', () => {
    const first = reconcileAlarms([], [hr('medium')], 6000);
    expect(first.emitted).toEqual([{ type: 'alarm.raised', alarm: hr('medium') }]);
    const up = reconcileAlarms(first.alarms, [hr('high', 165)], 15_000);
    expect(up.emitted).toEqual([{ type: 'alarm.raised', alarm: hr('high', 165) }]);
    expect(up.alarms[0]).toMatchObject({ raisedAt: 6000, status: 'active', info: { priority: 'high' } });
    const back = reconcileAlarms(up.alarms, [hr('medium')], 16_000);
    expect(back.emitted).toEqual([]);
    expect(back.alarms[0]!.info.priority).toBe('high');
  });

  it('latches a high physiological alarm whose condition went until acknowledged; clears the rest', () => {
    const raised = reconcileAlarms([], [leadOff, hr('high')], 6000).alarms;
    const gone = reconcileAlarms(raised, [], 20_000);
    expect(gone.emitted).toEqual([{ type: 'alarm.cleared', code: 'ecg.lead-off' }]);
    expect(gone.alarms.map((a) => [a.info.code, a.conditionPresent])).toEqual([['hr.high', false]]);
    const acknowledged: MonitorAlarm[] = raised.map((a) => ({ ...a, status: 'acknowledged' }));
    expect(reconcileAlarms(acknowledged, [], 20_000).emitted).toEqual([
      { type: 'alarm.cleared', code: 'ecg.lead-off' },
      { type: 'alarm.cleared', code: 'hr.high' },
    ]);
  });

  it('keeps the order alarms were raised in', () => {
    const a = reconcileAlarms([], [hr('medium')], 6000).alarms;
    const b = reconcileAlarms(a, [leadOff, hr('medium')], 9000);
    expect(b.alarms.map((x) => x.info.code)).toEqual(['hr.high', 'ecg.lead-off']);
  });

  it('sounds a silenced alarm again when its pause ends, and only that pause', () => {
    const raised = reconcileAlarms([], [hr('medium'), leadOff], 6000).alarms;
    const silenced: MonitorAlarm[] = raised.map((a, i) => ({ ...a, status: 'silenced', until: i === 0 ? 9000 : 12_000 }));
    const { alarms, emitted } = endSilence(silenced, 9000);
    expect(emitted).toEqual([{ type: 'alarm.updated', code: 'hr.high', status: 'active' }]);
    expect(alarms.map((a) => [a.status, a.until])).toEqual([
      ['active', undefined],
      ['silenced', 12_000],
    ]);
  });
});
