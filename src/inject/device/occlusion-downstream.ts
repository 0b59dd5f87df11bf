import { switchFault } from './condition-fault.ts';

/** The line is closed below the pump (kinked tubing, closed clamp, clotted cannula): pressure builds. */
export const occlusionDownstream = switchFault(
  'device.occlusion-downstream',
  'occlusion.downstream',
  'Closes the line below an infusion pump: line pressure builds until the occlusion alarm',
);
