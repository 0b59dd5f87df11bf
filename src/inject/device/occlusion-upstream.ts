import { switchFault } from './condition-fault.ts';

/** No fluid reaches the pump (closed roller clamp, empty container): nothing is delivered. */
export const occlusionUpstream = switchFault(
  'device.occlusion-upstream',
  'occlusion.upstream',
  'Blocks fluid above an infusion pump: nothing is delivered',
);
