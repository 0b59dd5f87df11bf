import type { SimEvent } from '../../core/event-log.ts';
import { defineMetric, heldMs, MINUTE_MS, truthSamples } from './metric.ts';

/** Hypoxaemia: SpO2 below 90 % (WHO Pulse Oximetry Training Manual, 2011). */
const DESATURATION_PCT = 90;

/**
 * Minutes the patient's TRUE SpO2 was below 90 % while the CENTRAL STATION showed no SpO2 alarm for
 * any of the patient's devices: from the twin's `twin.alarm.raised` to its `twin.alarm.cleared`. The
 * bedside monitor may be sounding in the room; this is what the nurse watching the ward's monitors
 * from the station does not see — the harm of a spoofed normal reading or a forged alarm clear.
 */
export const stationUnalarmedDesaturation = defineMetric({
  name: 'station-unalarmed-desaturation-minutes',
  unit: 'min',
  summary: 'minutes of true SpO2 below 90 % with no SpO2 alarm shown at the central station',
  rationale:
    'SpO2 < 90 % is hypoxaemia (WHO 2011); on a ward one nurse watches many monitors from the central station, so minutes of ' +
    'it the station does not announce are missed whatever the bedside monitor does (ATT&CK for ICS T0856 Spoof Reporting ' +
    'Message, T0878 Alarm Suppression); from the twin’s alarm events, judged on the patient’s true SpO2.',
  compute(events, { devices, from, to }) {
    const spo2 = truthSamples(events, devices, 'spo2');
    if (spo2.length === 0) return null;
    const shown = stationAlarmIntervals(events, devices, 'spo2');
    const times = [...new Set<number>([...spo2.map(([t]) => t), ...shown.flat()])].sort((a, b) => a - b);
    let i = 0;
    let value: number | undefined;
    const samples = times.map((t) => {
      while (i < spo2.length && spo2[i]![0] <= t) value = spo2[i++]![1];
      const announced = shown.some(([a, b]) => a <= t && t < b);
      return [t, value !== undefined && value < DESATURATION_PCT && !announced] as const;
    });
    return heldMs(samples, from, to) / MINUTE_MS;
  },
});

/** [shown, cleared) of each alarm on `parameter` the central station showed for `devices` (the twin's alarm events). */
export function stationAlarmIntervals(events: readonly SimEvent[], devices: readonly string[], parameter: string): [number, number][] {
  const of = new Set(devices);
  const open = new Map<string, number>();
  const out: [number, number][] = [];
  for (const e of events) {
    if (e.source !== 'twin' || typeof e.data.device !== 'string' || !of.has(e.data.device)) continue;
    const key = `${e.data.device}\u0000${String(e.data.code)}`;
    if (e.type === 'twin.alarm.raised' && e.data.parameter === parameter) {
      if (!open.has(key)) open.set(key, e.t);
    } else if (e.type === 'twin.alarm.cleared' && open.has(key)) {
      out.push([open.get(key)!, e.t]);
      open.delete(key);
    }
  }
  for (const start of open.values()) out.push([start, Number.POSITIVE_INFINITY]);
  return out;
}
