import type { AnyDeviceDescriptor } from '../../devices/descriptor.ts';
import type { Rng } from '../core/rng.ts';
import { CgmSensor } from '../physiology/cgm-sensor.ts';
import { MONITOR_SIGNALS, MonitorSensor, type MonitorSignal } from '../physiology/monitor-sensor.ts';
import type { MeasuredValues } from '../physiology/signals.ts';
import type { PatientModel } from './patient-model.ts';

/** The measurement chain between a patient's truth and a device: sensor error, before any faults. */
export interface DeviceSensor {
  measure(patient: PatientModel): MeasuredValues;
}

/**
 * Builds the sensor chain for a device from the signals it measures: glucose through the CGM's
 * Johnson-SU error model on interstitial glucose, vital signs through the monitor's measurement model.
 */
export function createSensor(descriptor: AnyDeviceDescriptor, rng: Rng): DeviceSensor {
  const wantsGlucose = descriptor.measures.includes('glucose');
  const vitals = descriptor.measures.filter((s): s is MonitorSignal => (MONITOR_SIGNALS as readonly string[]).includes(s));
  const cgm = wantsGlucose ? new CgmSensor(rng.fork('cgm')) : undefined;
  const monitor = vitals.length > 0 ? new MonitorSensor(rng.fork('monitor')) : undefined;
  return {
    measure(patient) {
      const out: MeasuredValues = {};
      if (cgm) {
        const ig = patient.interstitialGlucose();
        out.glucose = ig === undefined ? null : cgm.measure(ig);
      }
      if (monitor) {
        const truth = patient.truth(vitals);
        for (const signal of vitals) {
          const value = truth[signal];
          out[signal] = value === undefined ? null : monitor.measure(signal, value);
        }
      }
      return out;
    },
  };
}
