import type { AnyDeviceDescriptor } from '../../devices/descriptor.ts';
import type { Rng } from '../core/rng.ts';
import { CgmSensor } from '../physiology/cgm-sensor.ts';
import { MONITOR_SIGNALS, MonitorSensor, type MonitorSignal } from '../physiology/monitor-sensor.ts';
import type { MeasuredValues, SignalValues } from '../physiology/signals.ts';
import type { PatientModel } from './patient-model.ts';

/** The measurement chain between a patient's truth and a device: sensor error, before any faults. */
export interface DeviceSensor {
  /** What the device reads now; `truth` is the patient's truth of the signals it measures, when the caller has it already. */
  measure(patient: PatientModel, truth?: SignalValues): MeasuredValues;
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
    measure(patient, known) {
      const out: MeasuredValues = {};
      if (cgm) {
        const ig = patient.interstitialGlucose();
        out.glucose = ig === undefined ? null : cgm.measure(ig);
      }
      if (monitor) {
        // The agent has the truth of this instant already: a second copy per monitor-second is garbage.
        const truth = known ?? patient.truth(vitals);
        for (const signal of vitals) {
          const value = truth[signal];
          out[signal] = value === undefined ? null : monitor.measure(signal, value);
        }
      }
      return out;
    },
  };
}
