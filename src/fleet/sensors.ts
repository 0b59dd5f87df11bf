import type { MeasuredValues } from '../physiology/signals.ts';
import type { PatientModel } from './patient-model.ts';

/** The measurement chain between a patient's truth and a device: sensor error, before any faults. */
export interface DeviceSensor {
  measure(patient: PatientModel): MeasuredValues;
}
