import type { FaultDefinition } from '../fault.ts';
import { NO_PARAMS } from './condition-fault.ts';

/**
 * A worn or corrupt flash bank: the device's next firmware install writes an image that fails to boot
 * (the offer then says whether it rolls back to the previous image or stays down). Reverting it before
 * an install takes it back.
 */
export const flashFailure: FaultDefinition<typeof NO_PARAMS> = {
  name: 'device.flash-failure',
  category: 'device',
  summary: "Makes a device's next firmware install fail to boot (it rolls back, or stays down)",
  params: NO_PARAMS,
  incompatibility: () => undefined,
  apply: (target) => target.failNextInstall(),
};
