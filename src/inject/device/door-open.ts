import { switchFault } from './condition-fault.ts';

/** The pump door (cassette latch) opens during use. */
export const doorOpen = switchFault('device.door-open', 'door.open', "Opens an infusion pump's door");
