import type { FaultDefinition } from '../fault.ts';
import { NO_PARAMS } from './condition-fault.ts';

/**
 * The alarm never sounds: the device still detects the condition (it is in its state and the log)
 * but announces nothing — a muted speaker, a misconfigured alarm volume, a tampered firmware.
 */
export const alarmSuppression: FaultDefinition<typeof NO_PARAMS> = {
  name: 'device.alarm-suppression',
  category: 'device',
  summary: 'Stops a device announcing its alarms (they still exist in its state)',
  params: NO_PARAMS,
  incompatibility: () => undefined,
  apply: (target) => target.suppressAlarms(),
};
