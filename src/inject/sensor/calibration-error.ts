import { z } from 'zod';
import { signalFault, signalParam } from './signal-fault.ts';

/**
 * A miscalibration: the sensor maps x to factor·x + offset, as after a calibration entered with a wrong
 * reference value. The default (+20 %) lies outside ISO 15197:2013's ±15 % accuracy band.
 */
export const calibrationError = signalFault({
  name: 'sensor.calibration-error',
  summary: 'Miscalibrates a measured signal: reading = factor × value + offset',
  params: z.strictObject({
    signal: signalParam,
    factor: z.number().nonnegative().default(1.2).describe('Slope of the wrong calibration (1 = correct slope)'),
    offset: z.number().default(0).describe("Intercept of the wrong calibration, in the signal's unit"),
  }),
  transform:
    ({ factor, offset }) =>
    (value) =>
      value === null ? null : factor * value + offset,
});
