import type { AlarmInfo, DeviceEmitted } from '../descriptor.ts';
import type { ActiveAlarm } from './context.ts';
import { type CgmAlarmCode, alarmInfo } from './telemetry.ts';

/** The CGM's announced alarms: raising, clearing, snoozing. Pure: each returns the new list and what to emit. */

export interface AlarmChange {
  alarms: ActiveAlarm[];
  emitted: DeviceEmitted[];
}

/** Raises, keeps or clears the alarms in `codes` so that exactly those in `wanted` are present. */
export function reconcile(alarms: readonly ActiveAlarm[], codes: readonly string[], wanted: readonly AlarmInfo[]): AlarmChange {
  const emitted: DeviceEmitted[] = [];
  const next = alarms.filter((a) => !codes.includes(a.code) || wanted.some((w) => w.code === a.code));
  for (const a of alarms) if (!next.includes(a)) emitted.push({ type: 'alarm.cleared', code: a.code });
  for (const info of wanted) {
    if (next.some((a) => a.code === info.code)) continue;
    next.push({ ...info, status: 'active' });
    emitted.push({ type: 'alarm.raised', alarm: info });
  }
  return { alarms: next, emitted };
}

/** One technical alarm on or off. */
export function setAlarm(alarms: readonly ActiveAlarm[], code: CgmAlarmCode, on: boolean): AlarmChange {
  return reconcile(alarms, [code], on ? [alarmInfo(code)] : []);
}

/**
 * Acknowledges `targets`: a glucose (physiological) alarm is snoozed until `t + snoozeMs` and sounds
 * again then if still present (Dexcom repeats an unresolved urgent low after 30 min); a technical one is
 * acknowledged for as long as it lasts.
 */
export function acknowledge(alarms: readonly ActiveAlarm[], targets: readonly ActiveAlarm[], t: number, snoozeMs: number): AlarmChange {
  const emitted: DeviceEmitted[] = [];
  const next = alarms.map((a): ActiveAlarm => {
    if (!targets.includes(a)) return a;
    const snooze = a.category === 'physiological' && snoozeMs > 0;
    const { status: _status, until: _until, ...info } = a;
    const updated: ActiveAlarm = snooze ? { ...info, status: 'silenced', until: t + snoozeMs } : { ...info, status: 'acknowledged' };
    emitted.push({
      type: 'alarm.updated',
      code: a.code,
      status: updated.status,
      ...(updated.until !== undefined ? { until: updated.until } : {}),
    });
    return updated;
  });
  return { alarms: next, emitted };
}

/** The snooze that ends at `until` is over: alarms it silenced sound again. */
export function endSnooze(alarms: readonly ActiveAlarm[], until: number): AlarmChange {
  const emitted: DeviceEmitted[] = [];
  const next = alarms.map((a): ActiveAlarm => {
    if (a.status !== 'silenced' || a.until === undefined || a.until > until) return a;
    emitted.push({ type: 'alarm.updated', code: a.code, status: 'active' });
    const { until: _until, ...rest } = a;
    return { ...rest, status: 'active' };
  });
  return { alarms: next, emitted };
}
