import { switchFault } from './condition-fault.ts';

/** The pulse-oximetry probe falls off the finger: no SpO2. */
export const spo2ProbeOff = switchFault('device.spo2-probe-off', 'spo2.probe-off', 'Detaches the SpO2 probe of a patient monitor');
