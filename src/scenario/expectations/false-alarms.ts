import type { LoggedEvent } from '../../core/event-log.ts';
import type { Expectation } from '../schema.ts';
import { alarmOf, injectionOf, isInstant, num, str, telemetryOf, type Plain } from './event-data.ts';
import { evidenceIds, fixed, formatSimTime, listSome, measuredValue } from './format.ts';
import { endOf, type Judge, type JudgeEnv, type Verdict } from './judge.ts';
import { describeSelector } from './select.ts';
import type { RunContext } from './run-context.ts';

type FalseAlarmsExpectation = Extract<Expectation, { type: 'false-alarms' }>;

/** After a fault reverts or a clinical event ends, alarms this long after still count as caused by it. */
export const FALSE_ALARM_GRACE_MS = 5 * 60_000;
/** A limit alarm is true when the patient's true value is past the limit within this time of it. */
export const TRUTH_WINDOW_MS = 5 * 60_000;
/** Predictive alarms look further ahead (Dexcom G6 "Urgent Low Soon": low within 20 minutes). */
export const PREDICTIVE_WINDOW_MS = 20 * 60_000;
const HOUR_MS = 3_600_000;

interface Window {
  from: number;
  to: number | null;
}
interface Candidate {
  id: number;
  t: number;
  device: string;
  code: string;
}
interface TruthCheck extends Candidate {
  parameter: string;
  limit: number;
  side: 'low' | 'high';
  until: number;
}

/**
 * `false-alarms`: announced alarms that nothing explains, per device-hour. An alarm is explained when it
 * falls in a fault window on its device or a clinical event of its patient (each plus a 5-minute
 * grace), or — for a limit alarm — when the patient's true value really was past the limit (a meal's
 * high glucose is a true alarm, not a false one).
 */
export function createFalseAlarmsJudge(expectation: FalseAlarmsExpectation, env: JudgeEnv): Judge {
  const { name, alarm: code, target, maxPerDeviceHour } = expectation;
  const devices = env.select(target, name);
  const selected = new Set(devices.map((d) => d.id));
  const faultWindows = new Map<string, Window[]>();
  const clinicalWindows = new Map<string, Window[]>();
  const lastTruth = new Map<string, { t: number; truth: Plain }>();
  const checks = new Map<string, TruthCheck[]>();
  const candidates: Candidate[] = [];
  let explainedByTruth = 0;
  let lastT = 0;

  const onAlarm = (event: LoggedEvent) => {
    const a = alarmOf(event);
    if (a.suppressed || (code !== undefined && a.code !== code)) return;
    const candidate = { id: event.id, t: event.t, device: event.source, code: a.code };
    const side = a.code.includes('low')
      ? 'low'
      : a.code.includes('high')
        ? 'high'
        : a.value !== undefined && a.limit !== undefined
          ? a.value < a.limit
            ? 'low'
            : 'high'
          : undefined;
    if (a.parameter === undefined || a.limit === undefined || side === undefined) return void candidates.push(candidate);
    const check: TruthCheck = {
      ...candidate,
      parameter: a.parameter,
      limit: a.limit,
      side,
      until: event.t + (a.code.includes('soon') ? PREDICTIVE_WINDOW_MS : TRUTH_WINDOW_MS),
    };
    const last = lastTruth.get(event.source);
    // Telemetry at the same instant may precede the alarm in canonical order.
    if (last && last.t === event.t && pastLimit(check, last.truth)) return void explainedByTruth++;
    const list = checks.get(event.source) ?? [];
    list.push(check);
    checks.set(event.source, list);
  };

  const onTelemetry = (event: LoggedEvent) => {
    const { truth } = telemetryOf(event);
    lastTruth.set(event.source, { t: event.t, truth });
    const list = checks.get(event.source);
    if (!list) return;
    const open = list.filter((c) => {
      if (event.t > c.until) {
        candidates.push(c);
        return false;
      }
      if (pastLimit(c, truth)) {
        explainedByTruth++;
        return false;
      }
      return true;
    });
    if (open.length > 0) checks.set(event.source, open);
    else checks.delete(event.source);
  };

  return {
    name,
    type: 'false-alarms',
    onEvents(batch) {
      for (const event of batch) {
        lastT = event.t;
        if (event.source === 'injector') trackFault(event, faultWindows);
        else if (event.type === 'clinical.event') trackClinical(event, clinicalWindows);
        else if (!selected.has(event.source)) continue;
        else if (event.type === 'alarm.raised') onAlarm(event);
        else if (event.type === 'telemetry') onTelemetry(event);
      }
    },
    finish(context?: RunContext): Verdict {
      const endMs = endOf(context, lastT);
      // Limit alarms still waiting for the truth count as unconfirmed (without disturbing a live run).
      const judged = [...candidates, ...[...checks.values()].flat()];
      const isFalse = (c: Candidate) => {
        const patient = env.deviceById.get(c.device)?.patientId ?? '';
        return !covers(faultWindows.get(c.device), c.t) && !covers(clinicalWindows.get(patient), c.t);
      };
      const falseAlarms = judged.filter(isFalse).sort((a, b) => a.id - b.id);
      const explained = judged.length - falseAlarms.length + explainedByTruth;
      const deviceHours = (devices.length * endMs) / HOUR_MS;
      const threshold = `<= ${maxPerDeviceHour} per device-hour`;
      if (devices.length === 0) {
        return {
          name,
          type: 'false-alarms',
          passed: false,
          measured: null,
          threshold,
          message: `no device matches the target (${describeSelector(target)})`,
          evidence: [],
        };
      }
      const rate = deviceHours > 0 ? falseAlarms.length / deviceHours : falseAlarms.length > 0 ? Number.POSITIVE_INFINITY : 0;
      const passed = rate <= maxPerDeviceHour;
      const listed = falseAlarms.map((c) => `${c.code} on ${c.device} at ${formatSimTime(c.t)}`);
      const what = `false ${code === undefined ? '' : `${code} `}alarm${falseAlarms.length === 1 ? '' : 's'}`;
      const message =
        `${falseAlarms.length} ${what} on ${devices.length} device${devices.length === 1 ? '' : 's'} over ${fixed(deviceHours, 1)} device-hours: ` +
        `${fixed(rate, 3)} per device-hour ${passed ? '≤' : '>'} ${maxPerDeviceHour}` +
        (listed.length > 0 ? ` (${listSome(listed, 3)})` : '') +
        (explained > 0
          ? `; ${explained} other alarm${explained === 1 ? '' : 's'} explained by faults, clinical events or true values`
          : '');
      return {
        name,
        type: 'false-alarms',
        passed,
        measured: Number.isFinite(rate) ? measuredValue(rate) : null,
        threshold,
        message,
        evidence: evidenceIds(falseAlarms.map((c) => c.id)),
      };
    },
  };
}

function pastLimit(check: TruthCheck, truth: Plain): boolean {
  const value = num(truth[check.parameter]);
  if (value === undefined) return false;
  return check.side === 'low' ? value <= check.limit : value >= check.limit;
}

function covers(windows: readonly Window[] | undefined, t: number): boolean {
  return windows?.some((w) => t >= w.from && (w.to === null || t <= w.to + FALSE_ALARM_GRACE_MS)) ?? false;
}

function trackFault(event: LoggedEvent, windows: Map<string, Window[]>): void {
  if (event.type === 'fault.injected') {
    const { device } = injectionOf(event);
    const list = windows.get(device) ?? [];
    list.push({ from: event.t, to: isInstant(event) ? event.t : null });
    windows.set(device, list);
  } else if (event.type === 'fault.reverted') {
    // Close the oldest open window on the device (reverts carry the device, windows need no id).
    const open = windows.get(injectionOf(event).device)?.find((w) => w.to === null);
    if (open) open.to = event.t;
  }
}

function trackClinical(event: LoggedEvent, windows: Map<string, Window[]>): void {
  const patient = str(event.data.patient);
  if (patient === undefined) return;
  const list = windows.get(patient) ?? [];
  list.push({ from: num(event.data.from) ?? event.t, to: event.data.to === null ? null : (num(event.data.to) ?? null) });
  windows.set(patient, list);
}
