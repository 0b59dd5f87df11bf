import { isCompromised, type DeviceView } from './fleet-model.ts';

/**
 * A device's condition as the fleet overview colours it, worst first. A high-priority alarm outranks
 * a lost connection (it needs someone now); a stale or diverged twin outranks a low-priority alarm.
 */
export const CONDITIONS = [
  'compromised',
  'alarm-high',
  'offline',
  'alarm-medium',
  'stale',
  'diverged',
  'alarm-low',
  'faulted',
  'normal',
] as const;
export type Condition = (typeof CONDITIONS)[number];

/** Glyphs keep conditions apart without colour (NO_COLOR), and for colour-blind users. */
export const CONDITION_GLYPH: Record<Condition, string> = {
  compromised: '#',
  'alarm-high': '!',
  offline: 'x',
  'alarm-medium': '~',
  stale: '?',
  diverged: '≠',
  'alarm-low': '-',
  faulted: '*',
  normal: '·',
};

export const CONDITION_LABEL: Record<Condition, string> = {
  compromised: 'compromised',
  'alarm-high': 'high alarm',
  offline: 'offline',
  'alarm-medium': 'medium alarm',
  stale: 'stale',
  diverged: 'diverged',
  'alarm-low': 'low alarm',
  faulted: 'fault not yet detected',
  normal: 'normal',
};

/**
 * The worst condition of a device. Alarms count only if announced: a suppressed one reached nobody. A
 * device with an active fault that no alarm or twin flag has caught yet is `faulted`, drawn apart
 * from healthy ones.
 */
export function deviceCondition(device: DeviceView): Condition {
  if (isCompromised(device)) return 'compromised';
  let worst: 'high' | 'medium' | 'low' | undefined;
  for (const alarm of device.alarms.values()) {
    if (alarm.suppressed) continue;
    if (alarm.priority === 'high') worst = 'high';
    else if (alarm.priority === 'medium' && worst !== 'high') worst = 'medium';
    else if (worst === undefined) worst = 'low';
  }
  if (worst === 'high') return 'alarm-high';
  if (device.offline) return 'offline';
  if (worst === 'medium') return 'alarm-medium';
  if (device.stale) return 'stale';
  if (device.diverged) return 'diverged';
  if (worst === 'low') return 'alarm-low';
  // A fault is acting and nothing has flagged it yet: not healthy, whatever the device says.
  if (device.faults.size > 0) return 'faulted';
  return 'normal';
}

/** Devices per condition (only conditions present), in CONDITIONS order. */
export function conditionCounts(devices: Iterable<DeviceView>): [Condition, number][] {
  const counts = new Map<Condition, number>();
  for (const d of devices) {
    const c = deviceCondition(d);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return CONDITIONS.filter((c) => counts.has(c)).map((c) => [c, counts.get(c)!]);
}

/** Devices per kind, in first-seen order. */
export function kindCounts(devices: Iterable<DeviceView>): [string, number][] {
  const counts = new Map<string, number>();
  for (const d of devices) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
  return [...counts];
}
