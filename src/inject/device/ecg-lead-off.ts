import { switchFault } from './condition-fault.ts';

/** An ECG electrode detaches: no heart rate or respiration from the ECG leads. */
export const ecgLeadOff = switchFault('device.ecg-lead-off', 'ecg.lead-off', 'Detaches an ECG lead on a patient monitor');
