import { z } from 'zod';
import { durationSchema } from '../../core/duration-schema.ts';
import type { FaultDefinition } from '../fault.ts';
import { signalIncompatibility } from './signal-fault.ts';

/**
 * A compression low (pressure-induced sensor attenuation, PISA): a patient lying on the sensor at
 * night squeezes interstitial fluid away from the filament and the CGM reads falsely low, typically
 * tens of mg/dL within minutes (Baysal et al., J Diabetes Sci Technol 2014;8(6):1091). The drop ramps
 * in over `onset` and ends at once when the fault reverts (the patient turns over).
 */
export const compressionLow = {
  name: 'cgm.compression-low',
  category: 'sensor',
  summary: 'CGM reads falsely low, as when the patient lies on the sensor',
  params: z.strictObject({
    depth: z
      .number()
      .positive()
      .max(200)
      .default(60)
      .describe('How far the reading drops below truth once fully compressed, mg/dL (typically 40–80)'),
    onset: durationSchema.prefault('10m').describe('Time to reach the full depth (0 = at once)'),
  }),
  incompatibility(target) {
    return signalIncompatibility(target, 'glucose');
  },
  apply(target, { depth, onset }, { clock }) {
    const start = clock.now();
    return target.transformSignal('glucose', (value, { t }) => {
      if (value === null) return null;
      const ramp = onset <= 0 ? 1 : Math.min(1, Math.max(0, (t - start) / onset));
      return Math.max(0, value - depth * ramp);
    });
  },
} satisfies FaultDefinition<z.ZodType<{ depth: number; onset: number }>>;
