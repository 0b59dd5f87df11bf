import type { FaultDefinition } from '../fault.ts';
import { NO_PARAMS } from './condition-fault.ts';

/**
 * A spontaneous restart (watchdog reset, brown-out): the machine starts from off and boots again. The
 * physics does not restart: a pump's battery and line, a CGM's sensor carry on (devices/device-model.ts).
 */
export const reboot: FaultDefinition<typeof NO_PARAMS> = {
  name: 'device.reboot',
  category: 'device',
  summary: 'Power-cycles a device once: it restarts from off and boots again',
  params: NO_PARAMS,
  instant: true,
  incompatibility: () => undefined,
  apply(target) {
    target.reboot();
    // Nothing to undo: the device has already come back.
    return () => {};
  },
};
