import { DEVICES } from '../../devices/index.ts';
import { createPatient } from '../fleet/patients.ts';
import { createSensor } from '../fleet/sensors.ts';
import type { RunDependencies } from './run.ts';

/** The real parts a run is built from, unless a caller (a test, an embedding tool) passes others. */
export const DEFAULT_DEPENDENCIES: RunDependencies = {
  devices: DEVICES,
  createPatient,
  createSensor,
};
