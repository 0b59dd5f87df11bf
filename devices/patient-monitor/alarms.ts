import type { AlarmInfo, AlarmPriority, DeviceEmitted } from '../descriptor.ts';
import type { MonitorAlarm } from './context.ts';

const RANK: Record<AlarmPriority, number> = { low: 0, medium: 1, high: 2 };
const byRaisedAt = (a: MonitorAlarm, b: MonitorAlarm): number => a.raisedAt - b.raisedAt;

/**
 * The announced alarms after the plant reports, at `t`, the conditions that have held for their delay
 * (plant.ts). Rules (IEC 60601-1-8):
 * - a condition not yet announced is announced (`alarm.raised`);
 * - a limit alarm is medium priority, and high once beyond its crit limit for the delay; it never drops
 *   back while announced, and an escalation re-emits `alarm.raised` and sounds again;
 * - when a condition goes, its alarm clears, except a high-priority physiological alarm not yet
 *   acknowledged: it stays latched until acknowledged (IEC 60601-1-8 latching alarm signal);
 * - alarms keep the order they were raised in.
 */
export function reconcileAlarms(
  before: readonly MonitorAlarm[],
  conditions: readonly AlarmInfo[],
  t: number,
): { alarms: readonly MonitorAlarm[]; emitted: DeviceEmitted[] } {
  const emitted: DeviceEmitted[] = [];
  const seen = new Array<boolean>(before.length).fill(false);
  const alarms: MonitorAlarm[] = [];
  for (const info of conditions) {
    const index = before.findIndex((a) => a.info.code === info.code);
    if (index < 0) {
      emitted.push({ type: 'alarm.raised', alarm: info });
      alarms.push({ info, status: 'active', raisedAt: t, conditionPresent: true });
      continue;
    }
    seen[index] = true;
    const existing = before[index]!;
    if (RANK[info.priority] > RANK[existing.info.priority]) {
      emitted.push({ type: 'alarm.raised', alarm: info });
      alarms.push({ info, status: 'active', raisedAt: existing.raisedAt, conditionPresent: true });
    } else alarms.push(existing.conditionPresent ? existing : { ...existing, conditionPresent: true });
  }
  // Announced alarms whose condition is gone.
  for (let i = 0; i < before.length; i++) {
    if (seen[i]) continue;
    const alarm = before[i]!;
    const latches = alarm.info.category === 'physiological' && alarm.info.priority === 'high' && alarm.status !== 'acknowledged';
    if (latches) alarms.push(alarm.conditionPresent ? { ...alarm, conditionPresent: false } : alarm);
    else emitted.push({ type: 'alarm.cleared', code: alarm.info.code });
  }
  if (alarms.length > 1) alarms.sort(byRaisedAt);
  return { alarms, emitted };
}

/** A silence that ends at `until` is over: the alarms it paused sound again if still announced. */
export function endSilence(before: readonly MonitorAlarm[], until: number): { alarms: readonly MonitorAlarm[]; emitted: DeviceEmitted[] } {
  const emitted: DeviceEmitted[] = [];
  const alarms = before.map((alarm): MonitorAlarm => {
    if (alarm.status !== 'silenced' || alarm.until === undefined || alarm.until > until) return alarm;
    emitted.push({ type: 'alarm.updated', code: alarm.info.code, status: 'active' });
    return { info: alarm.info, status: 'active', raisedAt: alarm.raisedAt, conditionPresent: alarm.conditionPresent };
  });
  return { alarms, emitted };
}
