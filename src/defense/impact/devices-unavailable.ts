import { defineMetric, MINUTE_MS } from './metric.ts';

/**
 * Minutes within the window the central station could not see the patient's devices: from the twin's
 * `twin.stale` (a device silent past its deadline, as a central station's "no data" marks it) to its
 * `twin.fresh`, summed over the patient's devices. A kicked twin, a device knocked off by a takeover or
 * a flood that starves delivery all show here; the device itself may still be working at the bedside.
 */
export const devicesUnavailable = defineMetric({
  name: 'devices-unavailable-minutes',
  unit: 'device-min',
  summary: 'minutes the central station had the patient’s devices stale (no data), summed over devices',
  rationale:
    'Denial of view (ATT&CK for ICS T0815) harms by how long clinicians cannot see a patient; counted from the twin’s stale ' +
    'and fresh flags (the central station’s "no data"), per device, within the window.',
  compute(events, { devices, from, to }) {
    const of = new Set(devices);
    const since = new Map<string, number>();
    let total = 0;
    const close = (device: string, t: number) => {
      const start = since.get(device);
      if (start === undefined) return;
      since.delete(device);
      total += Math.max(0, Math.min(t, to) - Math.max(start, from));
    };
    for (const e of [...events].sort((a, b) => a.t - b.t)) {
      if (e.source !== 'twin' || (e.type !== 'twin.stale' && e.type !== 'twin.fresh')) continue;
      const device = e.data.device;
      if (typeof device !== 'string' || !of.has(device)) continue;
      if (e.type === 'twin.stale') {
        if (!since.has(device)) since.set(device, e.t);
      } else close(device, e.t);
    }
    for (const device of [...since.keys()]) close(device, to);
    return total / MINUTE_MS;
  },
});
