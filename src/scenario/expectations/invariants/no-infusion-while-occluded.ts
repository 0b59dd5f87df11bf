import { z } from 'zod';
import { durationSchema } from '../../../core/duration-schema.ts';
import { formatDuration, formatSimTime } from '../format.ts';
import { injectionOf, str } from '../event-data.ts';
import { defineInvariant, PersistenceTimer } from './invariant.ts';

/** Pump states that drive fluid into the line. */
const PUMPING = new Set(['infusing', 'bolus']);
const DOWNSTREAM_OCCLUSION = /occlusion[-._]?downstream/i;

/**
 * A pump must stop (hold) once its line is blocked below it: IEC 60601-2-24 requires an occlusion alarm
 * that stops flow, and pumping into a closed line builds a bolus that is released when it opens.
 */
export const noInfusionWhileOccluded = defineInvariant({
  summary: 'No pump keeps infusing while a downstream occlusion fault is active for longer than maxMs',
  params: z.strictObject({
    maxMs: durationSchema.default(5000),
    /** Fault names that block the line (default: any "…occlusion-downstream" fault). */
    faults: z.array(z.string()).optional(),
  }),
  describe: (p) => `no pump infuses with a downstream occlusion for over ${formatDuration(p.maxMs)}`,
  create(params, env) {
    const selected = new Set(env.devices.map((d) => d.id));
    const isOcclusion = (fault: string) => (params.faults ? params.faults.includes(fault) : DOWNSTREAM_OCCLUSION.test(fault));
    const occlusions = new Map<string, number>();
    const pumping = new Map<string, boolean>();
    const timer = new PersistenceTimer(params.maxMs, (device, since, evidence) => ({
      device,
      at: since,
      evidence,
      detail: `${device} kept infusing into a blocked line from ${formatSimTime(since)} for over ${formatDuration(params.maxMs)}`,
    }));
    const update = (device: string, t: number, id: number) =>
      timer.set(device, (occlusions.get(device) ?? 0) > 0 && pumping.get(device) === true, t, id);
    return {
      violations: timer.violations,
      pending: (endMs) => timer.pending(endMs),
      onEvent(event) {
        if (event.source === 'injector' && (event.type === 'fault.injected' || event.type === 'fault.reverted')) {
          const { fault, device } = injectionOf(event);
          if (selected.has(device) && isOcclusion(fault)) {
            const n = (occlusions.get(device) ?? 0) + (event.type === 'fault.injected' ? 1 : -1);
            occlusions.set(device, Math.max(0, n));
            update(device, event.t, event.id);
          }
        } else if (event.type === 'state.changed' && selected.has(event.source)) {
          pumping.set(event.source, PUMPING.has(str(event.data.to) ?? ''));
          update(event.source, event.t, event.id);
        }
        timer.check(event.t, event.id);
      },
    };
  },
});
