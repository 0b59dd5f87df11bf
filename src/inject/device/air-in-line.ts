import { switchFault } from './condition-fault.ts';

/** Air at the pump's ultrasonic detector. */
export const airInLine = switchFault('device.air-in-line', 'air-in-line', "Puts air at an infusion pump's air-in-line detector");
