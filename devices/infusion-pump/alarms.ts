import type { AlarmInfo, DeviceEmitted } from '../descriptor.ts';
import type { ActiveAlarm, PumpContext } from './context.ts';
import { isOn, pumpRateMlPerH } from './line.ts';
import { PUMP_ALARMS, type PumpAlarmCode, type PumpSettings } from './telemetry.ts';

/**
 * Alarm bookkeeping: the announced alarms, and the watched conditions behind the technical ones.
 *
 * Each watched condition is a small persistence machine — clear → pending (the condition holds) →
 * alarm (it held for its delay) → clear (it ended) — and the battery goes ok → low → depleted. They are
 * kept here as data and stepped by one eventless transition of the pump machine (its `alarms` region),
 * rather than as five parallel xstate regions: the machine takes every sample, and xstate's cost per
 * event grows with the number of active state nodes. `exitSteps`/`entrySteps` reproduce what those
 * regions did, in the same order: exits before the therapy region's exits, entries after its entries.
 */

export const WATCHED = ['occlusion.downstream', 'occlusion.upstream', 'air-in-line', 'door.open'] as const;
export type WatchedCode = (typeof WATCHED)[number];
type WatchKey = WatchedCode | 'battery';
// Document order of the former regions: exits run in reverse, entries forward.
const WATCH_KEYS: readonly WatchKey[] = [...WATCHED, 'battery'];
const WATCH_KEYS_REVERSED: readonly WatchKey[] = [...WATCH_KEYS].reverse();

export type ConditionPhase = 'clear' | 'pending' | 'alarm';
export type BatteryPhase = 'ok' | 'low' | 'depleted';
export type WatchState = Record<WatchedCode, ConditionPhase> & {
  battery: BatteryPhase;
  /** Conditions that changed phase in the current step, whose entry is still to run (empty at rest). */
  entering: readonly WatchKey[];
};
type Phase = ConditionPhase | BatteryPhase;

export const INITIAL_WATCH: WatchState = {
  'occlusion.downstream': 'clear',
  'occlusion.upstream': 'clear',
  'air-in-line': 'clear',
  'door.open': 'clear',
  battery: 'ok',
  entering: [],
};

/** What leaving or entering a phase does, in order. */
export type WatchStep =
  | { kind: 'cancel'; code: WatchedCode }
  | { kind: 'schedule'; code: WatchedCode; delayMs: number }
  | { kind: 'raise'; code: PumpAlarmCode }
  | { kind: 'clear'; code: PumpAlarmCode };

/** Id of the timer that ends a condition's persistence. */
export const persistenceTimerId = (code: WatchedCode): string => `persistence.${code}`;

function persistenceMs(settings: PumpSettings, code: WatchedCode): number {
  const a = settings.alarms;
  if (code === 'occlusion.downstream') return a.downstreamOcclusionPersistenceMs;
  if (code === 'occlusion.upstream') return a.upstreamOcclusionPersistenceMs;
  return code === 'air-in-line' ? a.airInLinePersistenceMs : a.doorOpenPersistenceMs;
}

/** The condition behind `code` has begun; air, upstream occlusion and door are seen while pumping. */
function onset(c: PumpContext, code: WatchedCode): boolean {
  return code === 'occlusion.downstream'
    ? c.linePressureMmHg >= c.settings.alarms.downstreamOcclusionMmHg
    : c.flow !== 'none' && isOn(c.conditions, code);
}

/** Before the alarm: the condition lapsed, so persistence starts over. */
function gone(c: PumpContext, code: WatchedCode): boolean {
  return code === 'occlusion.downstream' ? c.linePressureMmHg < c.settings.alarms.downstreamOcclusionMmHg : !isOn(c.conditions, code);
}

/** Hysteresis: a pressure alarm ends only well below its limit, so noise at the limit cannot make it chatter. */
function ended(c: PumpContext, code: WatchedCode): boolean {
  return code === 'occlusion.downstream' ? c.linePressureMmHg < 0.8 * c.settings.alarms.downstreamOcclusionMmHg : !isOn(c.conditions, code);
}

/** The phase a watched condition moves to now, or undefined when it stays. */
function nextPhase(c: PumpContext, key: WatchKey): Phase | undefined {
  if (key === 'battery') {
    const { batteryPct } = c;
    const phase = c.watch.battery;
    if (phase === 'depleted') return undefined;
    if (batteryPct <= 0) return 'depleted';
    return phase === 'ok' && batteryPct <= c.settings.battery.lowPct ? 'low' : undefined;
  }
  switch (c.watch[key]) {
    case 'clear':
      return onset(c, key) ? 'pending' : undefined;
    case 'pending':
      return gone(c, key) ? 'clear' : undefined;
    case 'alarm':
      return ended(c, key) ? 'clear' : undefined;
  }
}

/** True when some watched condition changes phase now (the guard of the eventless step). */
export function watchChangeDue(c: PumpContext): boolean {
  for (const key of WATCH_KEYS) if (nextPhase(c, key) !== undefined) return true;
  return false;
}

function leave(key: WatchKey, phase: Phase, steps: WatchStep[]): void {
  if (key === 'battery') {
    if (phase === 'low') steps.push({ kind: 'clear', code: 'battery.low' });
    else if (phase === 'depleted') steps.push({ kind: 'clear', code: 'battery.depleted' });
  } else if (phase === 'pending') steps.push({ kind: 'cancel', code: key });
  else if (phase === 'alarm') steps.push({ kind: 'clear', code: key });
}

function enter(c: PumpContext, key: WatchKey, phase: Phase, steps: WatchStep[]): void {
  if (key === 'battery') {
    if (phase === 'low') steps.push({ kind: 'raise', code: 'battery.low' });
    else if (phase === 'depleted') steps.push({ kind: 'raise', code: 'battery.depleted' });
  } else if (phase === 'pending') steps.push({ kind: 'schedule', code: key, delayMs: persistenceMs(c.settings, key) });
  else if (phase === 'alarm') steps.push({ kind: 'raise', code: key });
}

/**
 * The exit half of a step: leaves the phase of every condition that changes (or, with `all`, of every
 * condition, as when the pump powers off) and records where each goes for `entrySteps`.
 */
export function exitSteps(c: PumpContext, all: boolean): { watch: WatchState; steps: WatchStep[] } {
  const steps: WatchStep[] = [];
  if (all) {
    for (const key of WATCH_KEYS_REVERSED) leave(key, c.watch[key], steps);
    return { watch: INITIAL_WATCH, steps };
  }
  const entering: WatchKey[] = [];
  const watch: WatchState = { ...c.watch, entering };
  for (const key of WATCH_KEYS) {
    const next = nextPhase(c, key);
    if (next === undefined) continue;
    (watch as Record<WatchKey, Phase>)[key] = next;
    entering.push(key);
  }
  for (let i = entering.length - 1; i >= 0; i--) leave(entering[i]!, c.watch[entering[i]!], steps);
  return { watch, steps };
}

/** The entry half of a step: enters the new phase of each condition that changed. */
export function entrySteps(c: PumpContext): { watch: WatchState; steps: WatchStep[] } {
  const steps: WatchStep[] = [];
  for (const key of c.watch.entering) enter(c, key, c.watch[key], steps);
  return { watch: { ...c.watch, entering: [] }, steps };
}

/** A condition persisted for its delay: pending → alarm. */
export function persistedSteps(c: PumpContext, code: WatchedCode): { watch: WatchState; steps: WatchStep[] } {
  return {
    watch: { ...c.watch, [code]: 'alarm' },
    steps: [
      { kind: 'cancel', code },
      { kind: 'raise', code },
    ],
  };
}

export function alarmInfo(code: PumpAlarmCode, ctx: PumpContext): AlarmInfo {
  const info: AlarmInfo = { code, category: 'technical', ...PUMP_ALARMS[code] };
  const s = ctx.settings;
  const battery = Math.round(ctx.batteryPct * 10) / 10;
  const pressure = Math.round(ctx.linePressureMmHg);
  switch (code) {
    case 'occlusion.downstream':
      return { ...info, parameter: 'linePressure', value: pressure, limit: s.alarms.downstreamOcclusionMmHg };
    case 'battery.low':
      return { ...info, parameter: 'battery', value: battery, limit: s.battery.lowPct };
    case 'battery.depleted':
      return { ...info, parameter: 'battery', value: battery, limit: 0 };
    case 'infusion.complete':
      return { ...info, parameter: 'volumeInfused', value: ctx.program?.vtbiMl ?? 0, limit: ctx.program?.vtbiMl ?? 0 };
    case 'kvo.active':
      return { ...info, parameter: 'rate', value: pumpRateMlPerH(ctx, 'kvo') };
    default:
      return info;
  }
}

export function hasAlarm(alarms: readonly ActiveAlarm[], code: string): boolean {
  for (const a of alarms) if (a.code === code) return true;
  return false;
}

// IEC 60601-1-8 high priority: needs immediate response, so the pump stops flow.
export function hasHighAlarm(alarms: readonly ActiveAlarm[]): boolean {
  for (const a of alarms) if (a.priority === 'high') return true;
  return false;
}

/** Adds an announced alarm (once), as `raiseAlarm` does; returns the new list and what to emit. */
export function raised(alarms: ActiveAlarm[], code: PumpAlarmCode, context: PumpContext): { alarms: ActiveAlarm[]; emit?: DeviceEmitted } {
  if (hasAlarm(alarms, code)) return { alarms };
  const alarm = alarmInfo(code, context);
  return { alarms: [...alarms, { ...alarm, status: 'active' }], emit: { type: 'alarm.raised', alarm } };
}
export function cleared(alarms: ActiveAlarm[], code: PumpAlarmCode): { alarms: ActiveAlarm[]; emit?: DeviceEmitted } {
  if (!hasAlarm(alarms, code)) return { alarms };
  return { alarms: alarms.filter((a) => a.code !== code), emit: { type: 'alarm.cleared', code } };
}
