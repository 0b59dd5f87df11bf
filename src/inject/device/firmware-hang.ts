import type { FaultDefinition } from '../fault.ts';
import { NO_PARAMS } from './condition-fault.ts';

/** A hung network task: the device stays connected (no last will) but publishes nothing. */
export const firmwareHang: FaultDefinition<typeof NO_PARAMS> = {
  name: 'device.firmware-hang',
  category: 'device',
  summary: "Hangs a device's firmware: still connected, publishes nothing",
  params: NO_PARAMS,
  incompatibility: () => undefined,
  apply: (target) => target.silence(),
};
