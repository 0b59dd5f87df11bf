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
  compute(events, { device, from, to }) {
    const spo2 = truthSamples(events, device, 'spo2');
    if (spo2.length === 0) return null;
    const alarmed = alarmIntervals(events, device);
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

/** [raised, cleared) of each announced SpO2 alarm of the device. */
function alarmIntervals(events: readonly SimEvent[], device: string): [number, number][] {
  const open = new Map<string, number>();
  const out: [number, number][] = [];
  for (const e of events) {
    if (e.source !== device) continue;
    if (e.type === 'alarm.raised') {
      const alarm = e.data.alarm as { code?: unknown; parameter?: unknown } | undefined;
      if (alarm?.parameter !== 'spo2' || typeof alarm.code !== 'string' || e.data.suppressed === true) continue;
      if (!open.has(alarm.code)) open.set(alarm.code, e.t);
    } else if (e.type === 'alarm.cleared' && typeof e.data.code === 'string' && open.has(e.data.code)) {
      out.push([open.get(e.data.code)!, e.t]);
      open.delete(e.data.code);
    }
  }
  for (const start of open.values()) out.push([start, Number.POSITIVE_INFINITY]);
  return out;
}
