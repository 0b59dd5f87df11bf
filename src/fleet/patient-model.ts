import type { Delivery } from '../../devices/descriptor.ts';
import type { TrueRhythm } from '../physiology/arrhythmia-analysis.ts';
import type { PatientDemographics } from '../physiology/demographics.ts';
import type { PhysiologyIssue } from '../physiology/integrity.ts';
import type { SignalName, SignalValues } from '../physiology/signals.ts';

/**
 * What the fleet needs of a patient: a true physiological state that moves with simulation time and
 * responds to what pumps deliver. Devices measure it; accuracy is judged against it.
 */
export interface PatientModel {
  readonly id: string;
  readonly demographics: Readonly<PatientDemographics>;
  /** Integrates the physiology up to time t (ms). Idempotent for the same t; t never decreases. */
  advanceTo(t: number): void;
  /** True values at the current time: every signal the patient has, or only `signals` when given. */
  truth(signals?: readonly SignalName[]): SignalValues;
  /** The heart's rhythm now (sinus or an arrhythmia episode); absent: always sinus. */
  rhythm?(): TrueRhythm;
  /** Interstitial glucose (mg/dL), what a CGM filament sees; undefined when the patient has no glucose model. */
  interstitialGlucose(): number | undefined;
  /** What an infusion device delivers from time t on (undefined: nothing). */
  setDelivery(source: string, t: number, delivery: Delivery | undefined): void;
  /**
   * Impossible true states (outside PHYSIOLOGICAL_BOUNDS, non-finite) since the last call, emptied by
   * the call: the fleet logs each as a `physiology.invalid` run-integrity error.
   */
  takeIntegrityIssues?(): readonly PhysiologyIssue[];
}
