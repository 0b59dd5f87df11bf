import { z } from 'zod';
import { conditionFault } from './condition-fault.ts';

/**
 * A pumping-mechanism fault: the pump delivers programmed × factor while still reporting the
 * programmed rate, so only the patient (and dose-error metrics) can tell.
 */
export const wrongRate = conditionFault({
  name: 'device.wrong-rate',
  summary: 'Makes an infusion pump deliver a different rate from the one it reports',
  condition: 'rate.error-factor',
  params: z.strictObject({
    factor: z
      .number()
      .nonnegative()
      .default(1.25)
      .describe('Delivered rate = programmed rate × factor (1.25 = 25 % over-infusion, 0.5 = half)'),
  }),
  value: ({ factor }) => factor,
});
