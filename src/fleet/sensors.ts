import type { AnyDeviceDescriptor } from '../../devices/descriptor.ts';
import type { Rng } from '../core/rng.ts';
import {
  ArrhythmiaAnalyser,
  ICU_ARRHYTHMIA_ERRORS,
  NO_ARRHYTHMIA_ERRORS,
  WARD_ARRHYTHMIA_ERRORS,
} from '../physiology/arrhythmia-analysis.ts';
import { CgmSensor } from '../physiology/cgm-sensor.ts';
import { DEFAULT_ARTEFACT_RATES, MONITOR_SIGNALS, MonitorSensor, type MonitorSignal } from '../physiology/monitor-sensor.ts';
import type { EcgAnalysis, MeasuredValues, SignalName, SignalValues } from '../physiology/signals.ts';
import type { Acuity } from '../physiology/vital-profiles.ts';
import type { PatientModel } from './patient-model.ts';

/** The measurement chain between a patient's truth and a device: sensor error, before any faults. */
export interface DeviceSensor {
  /**
   * What the device reads at every sample (not its on-demand signals); `truth` is the patient's truth of
   * the signals it measures, when the caller has it already.
   */
  measure(patient: PatientModel, truth?: SignalValues): MeasuredValues;
  /** One reading of an on-demand signal (descriptor.measuresOnDemand: an NIBP cuff's determination). */
  measureOne?(patient: PatientModel, signal: SignalName, truth?: SignalValues): number | null;
  /** The monitor's arrhythmia analysis of the ECG it read at the last `measure` (monitors with an ECG). */
  analyseEcg?(patient: PatientModel): EcgAnalysis;
}

/**
 * Builds the sensor chain for a device from the signals it measures: glucose through the CGM's
 * Johnson-SU error model on interstitial glucose, vital signs through the monitor's measurement model
 * with its artefacts (motion, probe off, ECG noise) at their default rates.
 */
export interface SensorOptions {
  /** Measurement artefacts (motion, probe off, ECG noise) at their default rates; default true. */
  artefacts?: boolean;
  /** The unit the patient is in: sets how often the monitor's arrhythmia analysis errs. Default `ward`. */
  acuity?: Acuity;
}

export function createSensor(descriptor: AnyDeviceDescriptor, rng: Rng, options: SensorOptions = {}): DeviceSensor {
  const wantsGlucose = descriptor.measures.includes('glucose');
  const onDemand: readonly SignalName[] = descriptor.measuresOnDemand ?? [];
  const isVital = (s: SignalName): s is MonitorSignal => (MONITOR_SIGNALS as readonly string[]).includes(s);
  // Read every sample: the vital signs not read on demand (an NIBP cuff inflates only for a determination).
  const vitals = descriptor.measures.filter((s): s is MonitorSignal => isVital(s) && !onDemand.includes(s));
  const cgm = wantsGlucose ? new CgmSensor(rng.fork('cgm')) : undefined;
  const monitor = descriptor.measures.some(isVital)
    ? new MonitorSensor(rng.fork('monitor'), {}, options.artefacts === false ? {} : DEFAULT_ARTEFACT_RATES)
    : undefined;
  // The arrhythmia analysis reads the ECG behind the HR reading; without artefacts it makes no errors.
  const analyser =
    monitor && vitals.includes('hr')
      ? new ArrhythmiaAnalyser(
          rng.fork('arrhythmia'),
          options.artefacts === false || options.acuity === 'healthy'
            ? NO_ARRHYTHMIA_ERRORS
            : options.acuity === 'icu'
              ? ICU_ARRHYTHMIA_ERRORS
              : WARD_ARRHYTHMIA_ERRORS,
        )
      : undefined;
  return {
    ...(analyser && monitor
      ? { analyseEcg: (patient: PatientModel) => analyser.analyse(patient.rhythm?.() ?? 'sinus', monitor.ecgArtefact()) }
      : {}),
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
    measureOne(patient, signal, known) {
      if (!monitor || !isVital(signal)) return null;
      const value = (known ?? patient.truth([signal]))[signal];
      return value === undefined ? null : monitor.measure(signal, value);
    },
  };
}
