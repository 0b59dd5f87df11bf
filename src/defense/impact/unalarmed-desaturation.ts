import type { SimEvent } from '../../core/event-log.ts';
import { defineMetric, heldMs, MINUTE_MS, truthSamples } from './metric.ts';

/** Hypoxaemia: SpO2 below 90 % (WHO Pulse Oximetry Training Manual, 2011). */
const DESATURATION_PCT = 90;

/**
 * Minutes the patient's TRUE SpO2 was below 90 % while the monitor announced no SpO2 alarm — the
 * desaturation a silenced, suppressed or spoofed monitor hides. An alarm counts from its
 * `alarm.raised` (unless suppressed: never announced) to its `alarm.cleared`.
 */
export const unalarmedDesaturation = defineMetric({
  name: 'unalarmed-desaturation-minutes',
  unit: 'min',
  summary: 'minutes of true SpO2 below 90 % with no SpO2 alarm announced',
  rationale:
    'SpO2 < 90 % is hypoxaemia (WHO 2011); minutes of it with no alarm announced are the harm of alarm suppression ' +
    '(ATT&CK for ICS T0878), judged on the patient’s true SpO2.',
  compute(events, { devices, from, to }) {
    const spo2 = truthSamples(events, devices, 'spo2');
    if (spo2.length === 0) return null;
    const alarmed = alarmIntervals(events, devices, 'spo2');
    const points = new Set<number>([...spo2.map(([t]) => t), ...alarmed.flat()]);
    const times = [...points].sort((a, b) => a - b);
    const samples = times.map((t) => {
      const value = spo2.filter(([s]) => s <= t).at(-1)?.[1];
      const announced = alarmed.some(([a, b]) => a <= t && t < b);
      return [t, value !== undefined && value < DESATURATION_PCT && !announced] as const;
    });
    return heldMs(samples, from, to) / MINUTE_MS;
  },
});

/**
 * [raised, cleared) of each announced alarm on `parameter` of the patient's devices: from its
 * `alarm.raised` (unless suppressed: never announced) to its `alarm.cleared`.
 */
export function alarmIntervals(events: readonly SimEvent[], devices: readonly string[], parameter: string): [number, number][] {
  const of = new Set(devices);
  const open = new Map<string, number>();
  const out: [number, number][] = [];
  for (const e of events) {
    if (!of.has(e.source)) continue;
    if (e.type === 'alarm.raised') {
      const alarm = e.data.alarm as { code?: unknown; parameter?: unknown } | undefined;
      if (alarm?.parameter !== parameter || typeof alarm.code !== 'string' || e.data.suppressed === true) continue;
      const key = `${e.source}\u0000${alarm.code}`;
      if (!open.has(key)) open.set(key, e.t);
    } else if (e.type === 'alarm.cleared' && typeof e.data.code === 'string') {
      const key = `${e.source}\u0000${e.data.code}`;
      if (!open.has(key)) continue;
      out.push([open.get(key)!, e.t]);
      open.delete(key);
    }
  }
  for (const start of open.values()) out.push([start, Number.POSITIVE_INFINITY]);
  return out;
}
