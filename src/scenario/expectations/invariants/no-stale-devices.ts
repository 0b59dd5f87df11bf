import { z } from 'zod';
import { durationSchema } from '../../../core/duration-schema.ts';
import { formatDuration, formatSimTime } from '../format.ts';
import { str } from '../event-data.ts';
import { defineInvariant, PersistenceTimer } from './invariant.ts';

/** The central station must keep hearing from every device: no device stale (twin) for longer than maxMs. */
export const noStaleDevices = defineInvariant({
  summary: 'No device stays stale in the digital twin for longer than maxMs (default: not at all)',
  params: z.strictObject({ maxMs: durationSchema.default(0) }),
  describe: (p) => (p.maxMs === 0 ? 'no device goes stale' : `no device stays stale for over ${formatDuration(p.maxMs)}`),
  create(params, env) {
    const selected = new Set(env.devices.map((d) => d.id));
    const timer = new PersistenceTimer(params.maxMs, (device, since, evidence) => ({
      device,
      at: since,
      evidence,
      detail: `${device} stale from ${formatSimTime(since)} for over ${formatDuration(params.maxMs)}`,
    }));
    return {
      violations: timer.violations,
      pending: (endMs) => timer.pending(endMs),
      onEvent(event) {
        if (event.source === 'twin' && (event.type === 'twin.stale' || event.type === 'twin.fresh')) {
          const device = str(event.data.device) ?? '';
          if (selected.has(device)) timer.set(device, event.type === 'twin.stale', event.t, event.id);
        }
        timer.check(event.t, event.id);
      },
    };
  },
});
