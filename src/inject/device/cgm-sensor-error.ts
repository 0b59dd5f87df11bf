import { switchFault } from './condition-fault.ts';

/** The CGM sensor reports an error: no readings until it clears. */
export const cgmSensorError = switchFault(
  'device.cgm-sensor-error',
  'sensor.error',
  'Puts a CGM sensor into its error state (no readings)',
);
