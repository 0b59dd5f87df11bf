import { z } from 'zod';
import { conditionFault } from './condition-fault.ts';

/** A failing battery (aged cells, a stuck backlight): charge falls faster than the device expects. */
export const batteryDrain = conditionFault({
  name: 'device.battery-drain',
  summary: "Drains a device's battery faster (or, with factor 0, models mains power)",
  condition: 'battery.drain-factor',
  params: z.strictObject({
    factor: z.number().nonnegative().default(10).describe('Multiplier on the normal drain rate (10 = ten times faster; 0 = no drain)'),
  }),
  value: ({ factor }) => factor,
});
