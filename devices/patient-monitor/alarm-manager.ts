import type { AlarmInfo, AlarmPriority, DeviceEmitted } from '../descriptor.ts';
import { type PresentCondition, basePriority, conditionInfo, describesCondition } from './alarm-limits.ts';

/** Since when a condition has been present (and beyond its crit limit). */
export interface Onset {
  since: number;
  critSince?: number;
}

export type AlarmStatus = 'active' | 'acknowledged' | 'silenced';

/** An announced alarm. */
export interface MonitorAlarm {
  info: AlarmInfo;
  status: AlarmStatus;
  /** End of the audio pause while silenced, ms. */
  until?: number;
  raisedAt: number;
  /** False once the condition has cleared but a high-priority alarm stays latched. */
  conditionPresent: boolean;
}

export interface AlarmState {
  alarms: readonly MonitorAlarm[];
  onsets: Readonly<Record<string, Onset>>;
}

const RANK: Record<AlarmPriority, number> = { low: 0, medium: 1, high: 2 };
const NOTHING_EMITTED: readonly DeviceEmitted[] = [];
const byRaisedAt = (a: MonitorAlarm, b: MonitorAlarm): number => a.raisedAt - b.raisedAt;

/**
 * Applies one sample's alarm conditions at time `t`: persistence, escalation, clearing, latching and
 * the end of audio pauses. Rules:
 * - a condition is announced once present for its `delayMs` (OpenICE: 5 s for limit alarms);
 * - a limit alarm is medium priority, and high once beyond its crit limit for the delay; it never drops
 *   back while announced, and an escalation re-emits `alarm.raised` and sounds again;
 * - when the condition clears the alarm is cleared, except a high-priority physiological alarm not yet
 *   acknowledged: it stays latched until acknowledged (IEC 60601-1-8 latching alarm signal);
 * - a silenced alarm becomes active again when its audio pause ends.
 *
 * Runs every second on every monitor, so whatever did not change is returned as the same object (the
 * same `alarms` array, `onsets` record and alarm entries): a quiet sample allocates nothing here.
 */
export function updateAlarms(
  previous: AlarmState,
  present: readonly PresentCondition[],
  t: number,
): { alarms: readonly MonitorAlarm[]; onsets: Readonly<Record<string, Onset>>; emitted: readonly DeviceEmitted[] } {
  const before = previous.alarms;
  if (present.length === 0 && before.length === 0) {
    return { alarms: before, onsets: isEmpty(previous.onsets) ? previous.onsets : {}, emitted: NOTHING_EMITTED };
  }
  let emitted: DeviceEmitted[] | undefined;
  const onsets = nextOnsets(previous.onsets, present, t);
  // Which previously announced alarms are still present; the rest clear or stay latched below.
  const seen = before.length === 0 ? undefined : new Array<boolean>(before.length).fill(false);
  const alarms: MonitorAlarm[] = [];

  for (const condition of present) {
    const { code } = condition;
    const onset = onsets[code]!;
    const escalated = onset.critSince !== undefined && t - onset.critSince >= condition.delayMs;
    const priority = escalated ? 'high' : basePriority(condition);
    const index = indexOfCode(before, code);
    if (index >= 0) {
      seen![index] = true;
      const existing = before[index]!;
      if (RANK[priority] > RANK[existing.info.priority]) {
        const info = conditionInfo(condition, priority);
        (emitted ??= []).push({ type: 'alarm.raised', alarm: info });
        alarms.push({ info, status: 'active', raisedAt: existing.raisedAt, conditionPresent: true });
      } else if (existing.conditionPresent && describesCondition(existing.info, condition)) {
        alarms.push(existing);
      } else {
        alarms.push({ ...existing, info: conditionInfo(condition, existing.info.priority), conditionPresent: true });
      }
    } else if (t - onset.since >= condition.delayMs) {
      const info = conditionInfo(condition, priority);
      (emitted ??= []).push({ type: 'alarm.raised', alarm: info });
      alarms.push({ info, status: 'active', raisedAt: t, conditionPresent: true });
    }
  }

  // Announced alarms whose condition is gone.
  for (let i = 0; i < before.length; i++) {
    if (seen![i]) continue;
    const alarm = before[i]!;
    const latches = alarm.info.category === 'physiological' && alarm.info.priority === 'high' && alarm.status !== 'acknowledged';
    if (latches) alarms.push(alarm.conditionPresent ? { ...alarm, conditionPresent: false } : alarm);
    else (emitted ??= []).push({ type: 'alarm.cleared', code: alarm.info.code });
  }

  // Keep the order alarms were raised in (a stable sort); end audio pauses that are over.
  if (alarms.length > 1) alarms.sort(byRaisedAt);
  for (let i = 0; i < alarms.length; i++) {
    const alarm = alarms[i]!;
    if (alarm.status === 'silenced' && alarm.until !== undefined && t >= alarm.until) {
      alarms[i] = { ...alarm, status: 'active', until: undefined };
      (emitted ??= []).push({ type: 'alarm.updated', code: alarm.info.code, status: 'active' });
    }
  }
  return { alarms: sameItems(alarms, before) ? before : alarms, onsets, emitted: emitted ?? NOTHING_EMITTED };
}

/** Onsets of the present conditions: kept from the previous sample, or starting now. */
function nextOnsets(
  previous: Readonly<Record<string, Onset>>,
  present: readonly PresentCondition[],
  t: number,
): Readonly<Record<string, Onset>> {
  let changed = false;
  for (const condition of present) {
    const onset = previous[condition.code];
    if (onset === undefined || (onset.critSince !== undefined) !== condition.critical) changed = true;
  }
  if (!changed && countKeys(previous) === present.length) return previous;
  const onsets: Record<string, Onset> = {};
  for (const { code, critical } of present) {
    const before = previous[code];
    const since = before?.since ?? t;
    const critSince = critical ? (before?.critSince ?? t) : undefined;
    onsets[code] = critSince === undefined ? { since } : { since, critSince };
  }
  return onsets;
}

function indexOfCode(alarms: readonly MonitorAlarm[], code: string): number {
  for (let i = 0; i < alarms.length; i++) if (alarms[i]!.info.code === code) return i;
  return -1;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function countKeys(record: object): number {
  let n = 0;
  for (const _ in record) n++;
  return n;
}

function isEmpty(record: object): boolean {
  for (const _ in record) return false;
  return true;
}
