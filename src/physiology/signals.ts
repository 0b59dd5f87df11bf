/**
 * The physiological quantities a synthetic patient has a true value for, and that devices measure.
 * Units: glucose mg/dL, hr bpm, spo2 %, rr breaths/min, temp °C, sbp/dbp/map mmHg.
 */
export const SIGNALS = ['glucose', 'hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp', 'map'] as const;
export type SignalName = (typeof SIGNALS)[number];

export const SIGNAL_UNITS: Record<SignalName, string> = {
  glucose: 'mg/dL',
  hr: 'bpm',
  spo2: '%',
  rr: '/min',
  temp: '°C',
  sbp: 'mmHg',
  dbp: 'mmHg',
  map: 'mmHg',
};

export type SignalValues = Partial<Record<SignalName, number>>;
/** Measured values as a device sees them: `null` means the sensor gave no reading this sample. */
export type MeasuredValues = Partial<Record<SignalName, number | null>>;

/** What a monitor's arrhythmia analysis can announce, most severe first (arrhythmia-analysis.ts). */
export const ARRHYTHMIA_CALLS = ['asystole', 'vtach', 'brady', 'afib', 'pvcs'] as const;
export type ArrhythmiaCall = (typeof ARRHYTHMIA_CALLS)[number];

/** One second of a monitor's ECG analysis: the rhythm it calls, or that it cannot analyse the ECG. */
export interface EcgAnalysis {
  /** null: nothing to announce (sinus, or no call). */
  readonly call: ArrhythmiaCall | null;
  /** false: the ECG is too noisy to analyse ("cannot analyse ECG", a technical alarm). */
  readonly analysable: boolean;
}
